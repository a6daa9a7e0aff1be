// Our result vs the receiver's recorded one, per method, and why they probably differ. We check later than the
// receiver did, with today's DNS (or a recording), so a difference is usually time, not forgery:
// a key rotated or removed, a record edited, a signature that expired since, or a different client IP.
import type { AuthMethod, AuthReport, AuthResultValue, MethodResult, RecordedResult } from '../types.js';
import { asResultValue } from './results.js';

const METHODS: AuthMethod[] = ['spf', 'dkim', 'dmarc', 'arc'];
const RANK: Record<AuthResultValue, number> = { pass: 9, policy: 5, neutral: 4, softfail: 3, fail: 2, none: 1, temperror: 0, permerror: 0, unknown: -1 };

/**
 * The method's overall result: for SPF the first row (the MAIL FROM identity; the HELO check comes after it), for
 * DKIM the best signature (one valid signature is enough, RFC 6376 6.1).
 */
function oursFor(method: AuthMethod, results: MethodResult[]): MethodResult | undefined {
  const rows = results.filter((r) => r.method === method);
  if (method === 'spf') return rows[0];
  return rows.sort((a, b) => RANK[b.result] - RANK[a.result])[0];
}

/** The receiver's trusted result for a method: the topmost Authentication-Results first, then ARC's. */
function theirsFor(method: AuthMethod, recorded: RecordedResult[]): RecordedResult | undefined {
  const trusted = recorded.filter((r) => r.trusted && r.method === method);
  const ar = trusted.filter((r) => r.headerName.toLowerCase() === 'authentication-results');
  const pool = ar.length ? ar : trusted;
  if (method === 'dkim') return pool.slice().sort((a, b) => RANK[asResultValue(b.result)] - RANK[asResultValue(a.result)])[0];
  return pool[0];
}

/** Our temperror: the lookup failed now, which says nothing about the records the receiver saw. */
const DNS_FAILURE_NOW = 'a DNS failure now';

function probableReason(method: AuthMethod, ours: MethodResult, theirs: RecordedResult, results: MethodResult[], recorded: RecordedResult[]): string {
  if (ours.result === 'unknown') return ours.comment?.startsWith('replay has no answer') ? 'a replayed DNS answer is missing' : `we could not evaluate it: ${ours.comment ?? 'unknown'}`;
  if (method === 'dkim') {
    const d = ours.details ?? {};
    if (d['expired']) return 'the signature has expired (x=) since receipt';
    if (ours.comment === 'no key') return 'the key was rotated or removed since receipt (no key now)';
    if (ours.comment === 'key revoked (empty p=)') return 'the key was revoked since receipt (empty p= now)';
    if (ours.result === 'fail' && ours.comment === 'body hash did not verify') return 'the body changed after the receiver checked it';
    if (ours.result === 'fail') return 'the key record changed since receipt, or the signed headers were altered after receipt';
    if (ours.result === 'temperror') return DNS_FAILURE_NOW;
  }
  // DMARC's own temperror is said below, after the SPF or DKIM difference it usually follows from.
  if (ours.result === 'temperror' && method !== 'dmarc') return DNS_FAILURE_NOW;
  if (method === 'spf') {
    const theirIp = theirs.properties['smtp.remote-ip'] ?? theirs.properties['smtp.client-ip'];
    const ourIp = ours.details?.['ip'];
    if (theirIp && ourIp && theirIp !== ourIp) return `a different client IP was used (theirs ${theirIp}, ours ${String(ourIp)})`;
    const theirFrom = theirs.properties['smtp.mailfrom'];
    const ourFrom = ours.details?.['mailFrom'];
    if (theirFrom && ourFrom && !String(theirFrom).toLowerCase().endsWith(String(ourFrom).toLowerCase().split('@').pop() ?? '')) return `a different MAIL FROM was checked (theirs ${theirFrom})`;
    return 'the SPF record changed since receipt, or the receiver saw a different client';
  }
  if (method === 'dmarc') {
    const differs = (['spf', 'dkim'] as const).filter((m) => {
      const o = oursFor(m, results);
      const t = theirsFor(m, recorded);
      return o && t && asResultValue(t.result) !== o.result;
    });
    if (differs.length) return `follows from the ${differs.join(' and ')} difference`;
    if (ours.result === 'temperror') return DNS_FAILURE_NOW;
    return 'the DMARC record changed since receipt, or the SPF/DKIM inputs differ';
  }
  if (method === 'arc') return 'an ARC key rotated since receipt, or the chain was altered after receipt';
  return 'the DNS data changed since receipt';
}

export function compareResults(results: MethodResult[], recorded: RecordedResult[]): AuthReport['comparison'] {
  const out: AuthReport['comparison'] = [];
  for (const method of METHODS) {
    const ours = oursFor(method, results);
    const theirs = theirsFor(method, recorded);
    if (!ours) continue;
    if (!theirs) {
      out.push({ method, ours: ours.result, agree: true, reason: 'nothing to compare: the receiver recorded no trusted result' });
      continue;
    }
    const agree = asResultValue(theirs.result) === ours.result;
    out.push({ method, ours: ours.result, theirs: theirs.result, agree, ...(agree ? {} : { reason: probableReason(method, ours, theirs, results, recorded) }) });
  }
  return out;
}
