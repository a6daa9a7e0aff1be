// --offline: no DNS, no mailauth. The only results are what the receiving side recorded and we trust
// (see recorded.ts); everything else is unknown, never none or fail.
import type { AuthMethod, MethodResult, RecordedResult } from '../types.js';
import { asResultValue } from './results.js';

const METHODS: AuthMethod[] = ['spf', 'dkim', 'dmarc', 'arc'];

/** The results of the topmost trusted header that reports this method (Authentication-Results before ARC's). */
function recordedFor(method: AuthMethod, recorded: RecordedResult[]): RecordedResult[] {
  const trusted = recorded.filter((r) => r.trusted && r.method === method);
  const ar = trusted.filter((r) => r.headerName.toLowerCase() === 'authentication-results');
  const pool = ar.length ? ar : trusted;
  const top = pool[0]?.header;
  return pool.filter((r) => r.header === top);
}

/**
 * The domain a recorded result is about. Exchange Online fills header.d with the word "none" when nothing was signed
 * ("dkim=none (message not signed) header.d=none"): no domain, not a domain named none.
 */
function domainOf(r: RecordedResult): string | undefined {
  const p = r.properties;
  const d = p['header.d'] !== undefined && p['header.d'].toLowerCase() === 'none' ? undefined : p['header.d'];
  const v = d ?? p['header.i'] ?? p['header.from'] ?? p['smtp.mailfrom'] ?? p['smtp.helo'];
  if (!v) return undefined;
  return v.slice(v.lastIndexOf('@') + 1).toLowerCase() || undefined;
}

/**
 * Exchange Online's action= names the published policy it met: "oreject" is p=reject that it overrode (sent to
 * junk instead), "opctreject" p=reject outside pct=, "quarantine" p=quarantine, "none" p=none.
 */
const EXCHANGE_ACTION: ReadonlyMap<string, string> = new Map([
  ['reject', 'reject'],
  ['oreject', 'reject'],
  ['opctreject', 'reject'],
  ['quarantine', 'quarantine'],
  ['oquarantine', 'quarantine'],
  ['pctquarantine', 'quarantine'],
  ['none', 'none'],
]);

/**
 * The DMARC policy the receiver noted, if any: "policy.dmarc=reject" (RFC 8601 policy ptype), Gmail's comment
 * "(p=REJECT sp=REJECT dis=NONE)", OpenDMARC's "(p=reject dis=none)", Exchange Online's "action=oreject".
 */
function recordedPolicy(r: RecordedResult): string | undefined {
  const prop = r.properties['policy.dmarc'];
  if (prop) return prop.toLowerCase();
  const action = EXCHANGE_ACTION.get((r.properties['action'] ?? '').toLowerCase());
  if (action) return action;
  const m = /(?:^|\s)p=(reject|quarantine|none)\b/i.exec(r.comment ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

/**
 * The receiver let a failing message through on its ARC chain: Gmail's "dmarc=fail (p=REJECT sp=REJECT dis=NONE
 * arc=pass)" for mail a forwarder it trusts (Google Groups, a mailing list) passed on with the author's DKIM broken.
 */
export function acceptedOnArc(r: RecordedResult): boolean {
  const comment = r.comment ?? '';
  return r.result === 'fail' && /(?:^|\s)dis=none\b/i.test(comment) && /(?:^|\s)arc=pass\b/i.test(comment);
}

export function offlineResults(recorded: RecordedResult[]): MethodResult[] {
  const out: MethodResult[] = [];
  for (const method of METHODS) {
    const rows = recordedFor(method, recorded);
    if (rows.length === 0) {
      out.push({ method, result: 'unknown', comment: 'offline: the receiver recorded no trusted result' });
      continue;
    }
    for (const r of rows) {
      const domain = domainOf(r);
      out.push({
        method,
        result: asResultValue(r.result),
        ...(domain ? { domain } : {}),
        comment: `recorded by ${r.authservId || '(no authserv-id)'}${r.reason ? `: ${r.reason}` : r.comment ? `: ${r.comment}` : ''}`,
        details: {
          source: 'recorded',
          header: r.header,
          authservId: r.authservId,
          properties: r.properties,
          ...(method === 'dmarc' && recordedPolicy(r) ? { policy: recordedPolicy(r) } : {}),
          ...(method === 'dmarc' && acceptedOnArc(r) ? { receiverOverride: 'arc' } : {}),
          ...(r.result !== asResultValue(r.result) ? { recordedResult: r.result } : {}),
        },
      });
    }
  }
  return out;
}
