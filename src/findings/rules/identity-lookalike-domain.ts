import { defineRule, type FindingDraft } from '../define.js';
import { firstEvidence, recipientOrgs } from '../../identity/support.js';
import { findLookalikes, type Lookalike } from '../../identity/lookalike.js';
import { domainsInName } from '../../identity/display-name.js';
import { domainOfAddress } from '../../identity/org.js';

// findLookalikes costs tens of microseconds a domain (skeletons, an edit distance against every brand), and a batch
// meets the same sender and recipient domains again and again. Pure, so remembered for the recent ones; the hits are
// only read here. The key is the recipients and the domain joined by NUL, which a name from the identity stage
// does not hold (one that does is computed every time); it costs a join, where a JSON key cost a stringify per
// domain and a parse per miss. Bounded in entries and key length, cleared when full: header text cannot grow it.
const LOOKALIKE_MEMO_MAX = 1024;
const MAX_KEY = 1024;
const lookalikeMemo = new Map<string, readonly Lookalike[]>();

/** The recipients part of the memo key, or undefined when one of them cannot be keyed. */
function recipientsKey(recipients: readonly string[]): string | undefined {
  const key = `${recipients.length}\0${recipients.join('\0')}`;
  return key.length > MAX_KEY || recipients.some((r) => r.includes('\0')) ? undefined : key;
}

function lookalikesOf(domain: string, recipients: readonly string[], keyOfRecipients: string | undefined): readonly Lookalike[] {
  if (keyOfRecipients === undefined || domain.length > MAX_KEY || domain.includes('\0')) return findLookalikes(domain, recipients);
  const key = `${keyOfRecipients}\0${domain}`;
  let hits = lookalikeMemo.get(key);
  if (hits === undefined) {
    hits = findLookalikes(domain, recipients);
    if (lookalikeMemo.size >= LOOKALIKE_MEMO_MAX) lookalikeMemo.clear();
    lookalikeMemo.set(key, hits);
  }
  return hits;
}

// From: PayPal <service@xn--pypal-4ve.com>        (renders as "pаypal.com" with a Cyrillic а)
// From: Microsoft <account@rnicrosoft-support.com>
export const lookalikeDomain = defineRule({
  id: 'identity.lookalike-domain',
  severity: 'medium',
  title: 'A sender domain imitates a well-known or the recipient\'s own domain',
  description:
    'The From, Return-Path, Reply-To or a display-name domain is confusable with a brand\'s or the recipient\'s domain (UTS #39 skeleton, mixed scripts, punycode), one edit away from it, or carries the brand\'s name as a word.',
  explain:
    'Attackers register domains that look like real ones at a glance: "paypa1.com", "rnicrosoft.com", or "pаypal.com" spelt with a Cyrillic letter. The address then looks right to a reader even though it belongs to someone else.',
  check: (ctx) => {
    const { identity, message } = ctx;
    const recipients = recipientOrgs(ctx);
    const keyOfRecipients = recipientsKey(recipients);
    const sources: { role: string; header: string; domain: string }[] = [
      ...identity.from.map((m) => ({ role: 'From', header: 'from', domain: m.domain })),
      { role: 'Return-Path', header: 'return-path', domain: domainOfAddress(identity.envelope.mailFrom) },
      ...identity.replyTo.map((m) => ({ role: 'Reply-To', header: 'reply-to', domain: m.domain })),
      ...identity.from.flatMap((m) => domainsInName(m.name).map((d) => ({ role: 'From display name', header: 'from', domain: d }))),
    ];
    const seen = new Set<string>();
    const out: FindingDraft[] = [];
    for (const s of sources) {
      if (!s.domain || seen.has(s.role + s.domain)) continue;
      seen.add(s.role + s.domain);
      const hits = lookalikesOf(s.domain, recipients, keyOfRecipients);
      if (hits.length === 0) continue;
      const strong = hits.some((h) => h.kind.startsWith('confusable') || h.kind === 'punycode-confusable' || h.kind === 'mixed-script');
      const hit = hits.find((h) => h.target) ?? hits[0]!;
      out.push({
        severity: strong && s.role === 'From' ? 'high' : 'medium',
        title: `The ${s.role} domain ${hit.unicode ?? s.domain} imitates ${hit.target ?? 'another name'}`,
        evidence: firstEvidence(message, s.header),
        data: { role: s.role, domain: s.domain, unicode: hit.unicode || undefined, kinds: hits.map((h) => h.kind), details: hits.map((h) => h.detail), target: hit.target || undefined },
      });
    }
    return out;
  },
});
