import { defineRule } from '../define.js';
import type { AuthReport, RecordedResult } from '../../types.js';

/**
 * Is a planted "pass" contradicted by evidence we trust: the receiver's own recorded result for the method, or
 * our computed one? Only then is it proof of forgery. Without a contradiction it is an unverifiable claim:
 * some receivers (Proton's rspamd milter, for one) do write their results below the sender's Received lines.
 */
function contradiction(r: RecordedResult, auth: AuthReport): string | undefined {
  const theirs = auth.recorded.find((x) => x.trusted && x.method === r.method);
  if (theirs && theirs.result !== 'pass') return `the receiver itself recorded ${r.method}=${theirs.result} (header ${theirs.header})`;
  if (auth.mode !== 'computed') return undefined;
  const ours = auth.results.filter((x) => x.method === r.method);
  if (ours.length && !ours.some((x) => x.result === 'pass') && ours.some((x) => x.result === 'fail' || x.result === 'softfail')) {
    return `we compute ${r.method}=${ours.find((x) => x.result === 'fail' || x.result === 'softfail')!.result}`;
  }
  return undefined;
}

export const authPlantedResults = defineRule({
  id: 'auth.planted-results',
  severity: 'high',
  title: 'A forged Authentication-Results header claims a pass in the receiver\'s name',
  description:
    'An Authentication-Results or ARC-Authentication-Results header names the receiving side\'s authserv-id and reports a pass, but sits below the trust boundary, where the sender can have written it. High when the receiver\'s own result or ours contradicts it; low when nothing can confirm or refute it.',
  explain:
    'Receivers record their checks in Authentication-Results. A sender who writes "dmarc=pass" in the receiver\'s name hopes that a mail client or filter trusts it. A genuine receiver adds its results at or above its own Received line (RFC 8601 5) and removes copies of its own id; a pass there that the real checks contradict is forged.',
  check: ({ auth, message }) => {
    // An earlier ARC set sealed by the receiver's operator and validated by its arc=pass is that operator's, not planted.
    const planted = auth.recorded.filter((r) => !r.trusted && r.result === 'pass' && r.receiverId === true && r.arcSealer === undefined);
    const proven = planted.map((r) => ({ r, why: contradiction(r, auth) }));
    const high = proven.filter((p) => p.why);
    const unconfirmed = proven.filter((p) => !p.why);
    const evidenceOf = (rows: RecordedResult[]) =>
      [...new Set(rows.map((r) => r.header))].map((i) => ({ header: message.headers[i]!.name, index: i, text: message.headers[i]!.raw }));
    const claims = (rows: { r: RecordedResult; why?: string | undefined }[]) => rows.map(({ r, why }) => ({ method: r.method, result: r.result, header: r.header, authservId: r.authservId, ...(why ? { contradictedBy: why } : {}) }));
    const out = [];
    if (high.length) {
      out.push({
        title: `Authentication-Results below the trust boundary claims ${high.map((p) => `${p.r.method}=pass`).join(', ')} in the name of ${high[0]!.r.authservId}, contradicted: ${high[0]!.why}`,
        evidence: evidenceOf(high.map((p) => p.r)),
        data: { claims: claims(high) },
      });
    }
    if (unconfirmed.length) {
      out.push({
        severity: 'low' as const,
        title: `Authentication-Results below the trust boundary claims ${[...new Set(unconfirmed.map((p) => `${p.r.method}=pass`))].join(', ')} in the name of ${unconfirmed[0]!.r.authservId} (not confirmed by a trusted result)`,
        evidence: evidenceOf(unconfirmed.map((p) => p.r)),
        data: { claims: claims(unconfirmed) },
      });
    }
    return out;
  },
});
