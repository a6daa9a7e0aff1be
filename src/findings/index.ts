// The ordered list of rules. Add a rule: one file in rules/, one line here.
import type { Finding } from '../types.js';
import type { FindingDraft, Rule, RuleContext } from './define.js';
import { noReceived } from './rules/no-received.js';
import { unparseableHop } from './rules/unparseable-hop.js';
import { malformedHeader } from './rules/malformed-header.js';
import { authDmarcFail } from './rules/auth-dmarc-fail.js';
import { authDmarcUndetermined } from './rules/auth-dmarc-undetermined.js';
import { authDmarcFrom } from './rules/auth-dmarc-from.js';
import { authSpfFail } from './rules/auth-spf-fail.js';
import { authDkimFail } from './rules/auth-dkim-fail.js';
import { authDkimTime } from './rules/auth-dkim-time.js';
import { authDkimBodyLength } from './rules/auth-dkim-body-length.js';
import { authDkimWeak } from './rules/auth-dkim-weak.js';
import { authArcFail } from './rules/auth-arc-fail.js';
import { authPlantedResults } from './rules/auth-planted-results.js';
import { authDisagreement } from './rules/auth-disagreement.js';
import { returnPathMisaligned } from './rules/identity-return-path-misaligned.js';
import { multipleReturnPath } from './rules/identity-multiple-return-path.js';
import { malformedReturnPath } from './rules/identity-malformed-return-path.js';
import { noFrom } from './rules/identity-no-from.js';
import { ambiguousFrom } from './rules/identity-ambiguous-from.js';
import { displayNameImpersonation } from './rules/identity-display-name-impersonation.js';
import { lookalikeDomain } from './rules/identity-lookalike-domain.js';
import { replyToOtherOrg } from './rules/identity-reply-to-other-org.js';
import { senderDiffers } from './rules/identity-sender-differs.js';
import { hiddenRecipient } from './rules/identity-hidden-recipient.js';
import { messageIdUnrelated } from './rules/identity-message-id-unrelated.js';
import { dateSkew } from './rules/identity-date-skew.js';
import { thirdPartyRelay } from './rules/relay-third-party.js';
import { notViaMx } from './rules/relay-not-via-mx.js';
import { spfPassDmarcFail } from './rules/relay-spf-pass-dmarc-fail.js';
import { hopsBrokenChain } from './rules/hops-broken-chain.js';
import { hopsTimeReversal } from './rules/hops-time-reversal.js';
import { hopsPrivateRelay } from './rules/hops-private-relay.js';
import { hopsHeloIpMismatch } from './rules/hops-helo-ip-mismatch.js';
import { hopsHeloProvider } from './rules/hops-helo-provider.js';
import { suspiciousWrapper } from './rules/container-suspicious-wrapper.js';

export const RULES = [
  // message framing
  malformedHeader,

  // hop chain
  noReceived,
  unparseableHop,
  hopsBrokenChain,
  hopsTimeReversal,
  hopsPrivateRelay,
  hopsHeloIpMismatch,
  hopsHeloProvider,

  // identity
  noFrom,
  ambiguousFrom,
  displayNameImpersonation,
  lookalikeDomain,
  returnPathMisaligned,
  multipleReturnPath,
  malformedReturnPath,
  replyToOtherOrg,
  senderDiffers,
  hiddenRecipient,
  messageIdUnrelated,
  dateSkew,
  thirdPartyRelay,
  notViaMx,
  spfPassDmarcFail,

  // authentication
  authPlantedResults,
  authDmarcFail,
  authDmarcUndetermined,
  authDmarcFrom,
  authSpfFail,
  authDkimFail,
  authDkimTime,
  authDkimBodyLength,
  authDkimWeak,
  authArcFail,
  authDisagreement,

  // the report or forward the message came in
  suspiciousWrapper,
] as const satisfies readonly Rule[];

export type FindingId = (typeof RULES)[number]['id'];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r as Rule]));

export function runRules(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const rules = RULES as readonly Rule[];
  // Index loops: every rule runs on every message and most return nothing, mostly in a worker's unoptimised code,
  // where for...of allocates an iterator and a result object for every rule, found or not.
  for (let i = 0; i < rules.length; i++) {
    const drafts = rules[i]!.check(ctx);
    for (let k = 0; k < drafts.length; k++) findings.push(findingOf(rules[i]!, drafts[k]!));
  }
  return findings;
}

/**
 * Every finding has the same five keys in the same order, `data` undefined when the rule gave none: one shape for
 * all findings keeps JSON.stringify and the renderers on V8's fast path (a conditional spread made two shapes).
 * JSON leaves an undefined key out, so the report text is unchanged.
 */
function findingOf(rule: Rule, draft: FindingDraft): Finding {
  return {
    id: rule.id,
    severity: draft.severity ?? rule.severity,
    title: draft.title ?? rule.title,
    evidence: draft.evidence,
    data: draft.data,
  };
}
