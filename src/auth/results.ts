// mailauth's results -> our MethodResult per method (one per DKIM signature), with honest DNS provenance:
//   - a result that rests on a replay answer the file lacked is `unknown`, never none or fail;
//   - ARC turns every DNS error into `fail`: when an ARC key lookup failed we say temperror (or unknown);
//   - a body-hash mismatch is `fail` (RFC 6376 6.1.3 is a PERMFAIL; RFC 8601 2.7.1 reports it as fail), where
//     mailauth's lenient mode says neutral.
import type { AuthResultValue, Chain, Message, MethodResult } from '../types.js';
import type { Computation } from './compute.js';
import type { ArcResult, DkimSignatureResult, DmarcEvaluation, DmarcResult, SpfResult } from './mailauth.js';
import { isLookupFailure, isMissing, type GuardedResolver, type QueryOutcome } from './guarded-resolver.js';
import { arcSets, pairSignatures, parseTags } from './tags.js';
import type { HeaderField } from '../types.js';
import type { SpfInputs } from './spf-inputs.js';
import { belongsToReceiver, type TrustedIds } from './recorded.js';

const KNOWN: ReadonlySet<string> = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

export function asResultValue(value: string | undefined): AuthResultValue {
  const v = (value ?? '').toLowerCase();
  if (v === 'hardfail') return 'fail';
  return KNOWN.has(v) ? (v as AuthResultValue) : 'unknown';
}

export interface MappingContext {
  message: Message;
  chain: Chain;
  at: Date;
  inputs: SpfInputs;
  guard: GuardedResolver;
  /** Queries made during each step, in order. */
  stepQueries: Map<string, QueryOutcome[]>;
  trusted: TrustedIds;
  /** mailauth's domain normalisation (lower case, A-labels, no trailing dot), for the alignment test below. */
  formatDomain: (domain: string) => string;
}

function missingIn(queries: readonly QueryOutcome[] | undefined): QueryOutcome | undefined {
  return queries?.find((q) => isMissing(q));
}

// ---------------------------------------------------------------- DKIM

/**
 * Signature faults RFC 6376 6.1.1 says a verifier MUST treat as PERMFAIL (ignore the signature), which mailauth's
 * lenient mode only notes as warnings and still passes: v= not 1, a query method other than dns/txt, an i= outside
 * d=, a malformed tag list, a missing required tag, x= before t=.
 */
const PERMFAIL_WARNINGS: ReadonlyMap<string, string> = new Map([
  ['invalid-v', 'v= is not 1'],
  ['query-method', 'q= names no dns/txt query method'],
  ['identity-domain', 'the i= domain is not d= or a subdomain of it'],
  ['tag-syntax', 'the tag list is malformed'],
  ['invalid-expiration', 'x= is before t='],
]);

function permfailOf(warnings: readonly string[] | undefined): string | undefined {
  for (const w of warnings ?? []) {
    const why = PERMFAIL_WARNINGS.get(w) ?? (w.startsWith('missing-') ? `required tag ${w.slice(8)}= is missing` : undefined);
    if (why) return why;
  }
  return undefined;
}

function dkimResult(r: DkimSignatureResult, field: HeaderField | undefined, ctx: MappingContext): MethodResult {
  const keyName = r.selector && r.signingDomain ? `${r.selector}._domainkey.${r.signingDomain}` : undefined;
  const key = keyName ? ctx.guard.outcome(keyName, 'TXT') : undefined;
  let result = asResultValue(r.status.result);
  let comment = r.status.comment;
  if (isMissing(key)) {
    result = 'unknown';
    comment = `replay has no answer for TXT ${keyName}`;
  } else if (comment === 'invalid public key' && r.rr && /(^|;)\s*p=\s*(;|$)/.test(r.rr)) {
    // RFC 6376 3.6.1: an empty p= means the key has been revoked.
    comment = 'key revoked (empty p=)';
  } else if (permfailOf(r.status.warnings)) {
    result = 'neutral';
    comment = `RFC 6376 6.1.1: ${permfailOf(r.status.warnings)}; the signature is ignored`;
  } else if (comment === 'body hash did not verify') {
    result = 'fail';
  }
  const signedAt = r.signTime ? Date.parse(r.signTime) : NaN;
  const expires = r.expiresAfter ? Date.parse(r.expiresAfter) : NaN;
  const at = ctx.at.getTime();
  const details: Record<string, unknown> = {
    ...(r.selector ? { selector: r.selector } : {}),
    ...(r.algo ? { algorithm: r.algo } : {}),
    ...(r.format ? { canonicalization: r.format } : {}),
    ...(r.modulusLength ? { keyBits: r.modulusLength } : {}),
    ...(r.canonBodyLengthLimited ? { bodyLength: r.canonBodyLengthLimit, bodyLengthTotal: r.canonBodyLengthTotal } : {}),
    ...(r.status.underSized ? { unsignedBodyBytes: r.status.underSized } : {}),
    ...(r.signTime ? { signedAt: r.signTime } : {}),
    ...(r.expiresAfter ? { expiresAt: r.expiresAfter } : {}),
    ...(Number.isFinite(expires) && expires < at ? { expired: true } : {}),
    ...(Number.isFinite(signedAt) && signedAt > at ? { signedInFuture: true } : {}),
    aligned: r.status.aligned ?? false,
    ...(r.status.testing ? { testing: true } : {}),
    ...(r.status.policy ? { policy: r.status.policy } : {}),
    ...(r.status.warnings?.length ? { warnings: r.status.warnings } : {}),
    ...(r.status.result !== result ? { mailauthResult: r.status.result } : {}),
    ...(field ? { header: field.index } : {}),
    ...(key?.error ? { keyLookup: key.error } : {}),
  };
  return { method: 'dkim', result, ...(r.signingDomain ? { domain: r.signingDomain } : {}), ...(comment ? { comment } : {}), details };
}

/** A DKIM-Signature with no result of mailauth's, described from its own tags (d=, s=, a=). Never silent. */
function unverifiedSignature(field: HeaderField, result: 'neutral' | 'unknown', comment: string, skipped: boolean): MethodResult {
  const tags = parseTags(field.value);
  return {
    method: 'dkim',
    result,
    ...(tags.get('d') ? { domain: tags.get('d')!.toLowerCase() } : {}),
    comment,
    details: { ...(tags.get('s') ? { selector: tags.get('s') } : {}), ...(tags.get('a') ? { algorithm: tags.get('a') } : {}), aligned: false, header: field.index, ...(skipped ? { skipped: true } : {}) },
  };
}

/** One mailauth's lenient mode dropped without a result: unknown c=, unparseable. */
const skippedSignature = (field: HeaderField) => unverifiedSignature(field, 'neutral', 'signature could not be processed (unsupported or malformed tags); ignored', true);

// ---------------------------------------------------------------- SPF

export function spfResult(s: SpfResult | undefined, identity: 'mailfrom' | 'helo', inputs: SpfInputs, queries: readonly QueryOutcome[] | undefined): MethodResult {
  if (!s) {
    const why = inputs.problem ?? (inputs.mailFrom === undefined ? 'MAIL FROM unknown: no Return-Path above the boundary and no envelope-from on the boundary hop' : 'SPF was not evaluated');
    return { method: 'spf', result: inputs.noSmtpClient ? 'none' : 'unknown', comment: why, details: { identity, ...inputsDetails(inputs) } };
  }
  let result = asResultValue(s.status.result);
  let comment = s.status.comment;
  const missing = missingIn(queries);
  if (missing && result !== 'pass') {
    result = 'unknown';
    comment = `replay has no answer for ${missing.type} ${missing.name}`;
  }
  return {
    method: 'spf',
    result,
    ...(s.domain ? { domain: s.domain } : {}),
    ...(comment ? { comment } : {}),
    details: {
      identity,
      ...inputsDetails(inputs),
      ...(s.rr ? { record: s.rr } : {}),
      ...(s.lookups ? { lookups: s.lookups.count, voidLookups: s.lookups.void } : {}),
      ...(s.status.result !== result ? { mailauthResult: s.status.result } : {}),
    },
  };
}

function inputsDetails(inputs: SpfInputs): Record<string, unknown> {
  return {
    ...(inputs.ip ? { ip: inputs.ip } : {}),
    ...(inputs.helo ? { helo: inputs.helo } : {}),
    ...(inputs.mailFrom !== undefined ? { mailFrom: inputs.mailFrom === '' ? '<>' : inputs.mailFrom } : {}),
    ...(inputs.mailFromSource ? { mailFromSource: inputs.mailFromSource } : {}),
  };
}

// ---------------------------------------------------------------- ARC

function arcResult(a: ArcResult, ctx: MappingContext): MethodResult {
  const sets = arcSets(ctx.message);
  const keyNames = sets.flatMap((s) => [s.sealTags, s.amsTags].map((t) => (t.get('s') && t.get('d') ? `${t.get('s')}._domainkey.${t.get('d')}` : '')).filter(Boolean));
  const outcomes = keyNames.map((n) => ctx.guard.outcome(n, 'TXT'));
  let result = asResultValue(a.status.result);
  let comment = a.status.comment;
  if (result === 'fail') {
    const missing = outcomes.find(isMissing);
    const failed = outcomes.find(isLookupFailure);
    if (missing) {
      result = 'unknown';
      comment = `replay has no answer for TXT ${missing.name}`;
    } else if (failed) {
      // mailauth reports every ARC DNS error as fail ("all failures are permanent in the scope of ARC"); a
      // timeout or SERVFAIL says nothing about the chain.
      result = 'temperror';
      comment = `key lookup for ${failed.name} failed (${failed.error})`;
    }
  }
  const failing = /^i=(\d{1,2})\b/.exec(comment ?? '')?.[1];
  const boundary = ctx.chain.boundary !== undefined ? ctx.chain.hops[ctx.chain.boundary] : undefined;
  const instances = sets.map((s) => {
    const sealer = s.sealTags.get('d')?.toLowerCase();
    const sealIndex = s.seal?.index;
    const aboveBoundary = boundary !== undefined && sealIndex !== undefined && sealIndex <= boundary.header;
    const trustedSealer = !!sealer && belongsToReceiver(sealer, ctx.trusted);
    return {
      instance: s.instance,
      ...(sealer ? { sealer } : {}),
      ...(s.sealTags.get('s') ? { selector: s.sealTags.get('s') } : {}),
      cv: s.sealTags.get('cv')?.toLowerCase() ?? '',
      seal: sealStatus(result, s.instance, failing, comment),
      ...(sealIndex !== undefined ? { header: sealIndex } : {}),
      aboveBoundary,
      /** A sealer the receiving side vouches for: its own organisation, or a configured trusted id. */
      trusted: trustedSealer,
    };
  });
  const signature = a.signature && typeof a.signature === 'object' ? a.signature : undefined;
  return {
    method: 'arc',
    result,
    ...(sets[0]?.sealTags.get('d') ? { domain: sets[0].sealTags.get('d')!.toLowerCase() } : {}),
    ...(comment ? { comment } : {}),
    details: {
      instances,
      trustedSealers: instances.filter((i) => i.trusted).map((i) => i.sealer),
      ...(signature ? { lastMessageSignature: signature.status.result } : {}),
      ...(a.status.result !== result ? { mailauthResult: a.status.result } : {}),
    },
  };
}

/** Seals are verified newest first (RFC 8617 5.2 step 6): newer than the failing one passed, older not checked. */
function sealStatus(result: AuthResultValue, instance: number, failing: string | undefined, comment: string | undefined): string {
  if (result === 'pass') return 'pass';
  if (result !== 'fail' || failing === undefined) return 'not-checked';
  const f = Number(failing);
  // "i=2 cv=fail": that sealer itself declared the chain it received broken (RFC 8617 5.1.2).
  if (instance === f) return comment?.includes('cv=fail') ? 'declared cv=fail' : 'fail';
  return instance > f ? 'pass' : 'not-checked';
}

// ---------------------------------------------------------------- DMARC

const SKIP_REASONS: Record<NonNullable<DmarcEvaluation['reason']>, string> = {
  'no-author-domain': 'no From address with a domain: DMARC cannot be evaluated (RFC 7489 6.6.1)',
  'multiple-author-domains': 'From holds mailboxes of several domains: DMARC cannot be evaluated (RFC 7489 6.6.1)',
  'invalid-author-domain': 'the From domain is not a valid domain name: DMARC cannot be evaluated',
  'multiple-from-fields': 'more than one From header field: DMARC cannot be evaluated (RFC 7489 6.6.1)',
};

/**
 * Could a pass of this SPF or DKIM result have aligned with the From domain (RFC 7489 3.1)? mailauth's own first test:
 * strict needs the From domain itself, relaxed a name at or under its organisational domain. Only such a result,
 * undetermined, stands between DMARC and fail: a spoof that adds a signature of its own domain, whose key lookup
 * it makes time out or SERVFAIL, must not turn the victim's p=reject fail into temperror. An SPF result without a
 * domain (MAIL FROM unknown) could have been anything.
 */
function couldAlign(m: MethodResult, r: DmarcResult, format: (domain: string) => string): boolean {
  if (!m.domain) return m.method === 'spf';
  const from = r.status.header?.from;
  if (!from) return true;
  const d = format(m.domain);
  const author = format(from);
  const strict = (m.method === 'spf' ? r.alignment?.spf?.strict : r.alignment?.dkim?.strict) === true;
  const org = format(r.domain ?? author);
  return d === author || (!strict && (d === org || d.endsWith(`.${org}`)));
}

const UNFINISHED = 'not verified: the body was not hashed to its end before the deadline';

/** A DKIM result whose key lookup the deadline (DKIM's share of it) ended or forestalled: DNS never answered. */
function starved(m: MethodResult, ctx: MappingContext): boolean {
  const selector = m.details?.['selector'];
  if (m.method !== 'dkim' || !m.domain || typeof selector !== 'string') return false;
  return ctx.guard.outcome(`${selector}._domainkey.${m.domain}`, 'TXT')?.cut === true;
}

function dmarcResult(d: DmarcEvaluation, dependsOn: MethodResult[], ctx: MappingContext): MethodResult {
  const r = d.response;
  if (!r) {
    const reason = d.reason ?? 'no-author-domain';
    return {
      method: 'dmarc',
      result: 'permerror',
      comment: SKIP_REASONS[reason],
      details: { skipReason: reason, ...(d.authorDomains ? { authorDomains: d.authorDomains } : {}) },
    };
  }
  let result = asResultValue(r.status.result);
  let comment = r.status.comment;
  const missing = missingIn(ctx.stepQueries.get('dmarc'));
  // A DKIM signature the sender's own demands left unverified softens nothing: a body that outlasts the hashing (a
  // single 20 MB line is quadratic in mailauth), or a key lookup that came after other signatures' lookups had used
  // up DKIM's share (mailauth asks one after another; six key domains that never answer take it all). Else a spoof
  // signing as the From domain itself turned its p=reject fail into unknown or temperror. As with MAX_BODY_HASHES,
  // DMARC stands on what was verified, and says what was not.
  const undecided = dependsOn.filter((m) => (m.result === 'unknown' || m.result === 'temperror') && couldAlign(m, r, ctx.formatDomain));
  const unverified = (m: MethodResult) => m.comment === UNFINISHED || starved(m, ctx);
  const undetermined = undecided.find((m) => !unverified(m));
  const skipped = undecided.find(unverified);
  if (missing && result !== 'pass') {
    result = 'unknown';
    comment = `replay has no answer for ${missing.type} ${missing.name}`;
  } else if (result === 'fail' && !undetermined && skipped) {
    const why = skipped.comment === UNFINISHED ? UNFINISHED : "not verified: its key lookup was not made before DKIM's share of the deadline";
    comment = `${comment ? `${comment}; ` : ''}dkim ${skipped.domain ?? ''} ${why}`;
  } else if (result === 'fail' && undetermined) {
    // A fail built on an SPF or DKIM result we could not determine is not a fail.
    result = undetermined.result;
    comment = `depends on ${undetermined.method} ${undetermined.domain ?? ''} which is ${undetermined.result}`.replace(/\s+/g, ' ');
  }
  const policy = (r.policy ?? 'none').toLowerCase();
  return {
    method: 'dmarc',
    result,
    ...(r.status.header?.from ? { domain: r.status.header.from } : {}),
    ...(comment ? { comment } : {}),
    details: {
      ...(r.domain ? { orgDomain: r.domain } : {}),
      ...(r.policyDomain ? { policyDomain: r.policyDomain } : {}),
      policy,
      ...(r.p ? { p: r.p } : {}),
      ...(r.sp ? { sp: r.sp } : {}),
      ...(r.np ? { np: r.np } : {}),
      ...(r.testMode ? { testMode: true } : {}),
      ...(r.rr ? { record: r.rr } : {}),
      alignment: {
        spf: { aligned: r.alignment?.spf?.result || false, mode: r.alignment?.spf?.strict ? 'strict' : 'relaxed' },
        dkim: { aligned: r.alignment?.dkim?.result || false, mode: r.alignment?.dkim?.strict ? 'strict' : 'relaxed' },
      },
      /** What the domain asks receivers to do with this message. */
      disposition: result === 'fail' ? (r.testMode ? 'none (t=y test mode)' : policy) : 'none',
      ...(r.error ? { error: r.error } : {}),
      ...(r.status.result !== result ? { mailauthResult: r.status.result } : {}),
    },
  };
}

// ---------------------------------------------------------------- all

/** One left unverified (the body hashing was cut off): unknown, with its d= for the DMARC test. */
const unhashedSignature = (field: HeaderField) => unverifiedSignature(field, 'unknown', UNFINISHED, false);

export function mapResults(c: Computation, ctx: MappingContext): MethodResult[] {
  const unhashed = c.dkim.unfinished ? ctx.message.headers.filter((f) => f.key === 'dkim-signature') : [];
  const paired = c.dkim.unfinished ? { fields: [], skipped: unhashed } : pairSignatures(ctx.message, c.dkim.results);
  const unpaired = c.dkim.unfinished ? unhashedSignature : skippedSignature;
  const none: MethodResult[] = c.dkim.unfinished && unhashed.length === 0 ? [{ method: 'dkim', result: 'none', comment: 'message not signed' }] : [];
  const dkim = [...c.dkim.results.map((r, i) => dkimResult(r, paired.fields[i], ctx)), ...paired.skipped.map(unpaired), ...none]
    .filter((d, _, all) => d.domain !== undefined || d.result !== 'none' || all.length === 1)
    .sort((a, b) => ((a.details?.['header'] as number | undefined) ?? Infinity) - ((b.details?.['header'] as number | undefined) ?? Infinity));
  const spfQueries = ctx.stepQueries.get('spf');
  const spf = spfResult(c.spf, ctx.inputs.mailFrom === '' ? 'helo' : 'mailfrom', ctx.inputs, spfQueries);
  const spfHelo = c.spfHelo ? [spfResult(c.spfHelo, 'helo', ctx.inputs, ctx.stepQueries.get('spf-helo'))] : [];
  const arc: MethodResult = c.dkim.unfinished && arcSets(ctx.message).length ? { method: 'arc', result: 'unknown', comment: UNFINISHED } : arcResult(c.arc, ctx);
  const relevant = [spf, ...dkim.filter((d) => d.domain)];
  const dmarc = dmarcResult(c.dmarc, relevant, ctx);
  return [spf, ...spfHelo, ...dkim, dmarc, arc];
}

/** Results when nothing could be computed (no DNS deadline left, oversized header, a bug in a dependency). */
export function unknownResults(reason: string, inputs: SpfInputs): MethodResult[] {
  return (['spf', 'dkim', 'dmarc', 'arc'] as const).map((method) => ({
    method,
    result: 'unknown' as const,
    comment: reason,
    ...(method === 'spf' ? { details: { identity: 'mailfrom', ...inputsDetails(inputs) } } : {}),
  }));
}
