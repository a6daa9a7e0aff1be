import { defineRule } from '../define.js';
import type { AuthReport, RecordedResult } from '../../types.js';
import { bareDomain } from '../../identity/org.js';

/** The name a result is about: DKIM's signing domain, SPF's MAIL FROM (or HELO) domain, DMARC's From domain. */
function identityOf(r: RecordedResult): string | undefined {
  const p = r.properties;
  const name = r.method === 'dkim' ? (p['header.d'] ?? p['header.i']) : r.method === 'spf' ? (p['smtp.mailfrom'] ?? p['smtp.helo']) : r.method === 'dmarc' ? p['header.from'] : undefined;
  // The domain of an address, angle brackets and all (Zoho writes header.from=<noreply@...>).
  return name === undefined ? undefined : bareDomain(name.slice(name.lastIndexOf('@') + 1)) || undefined;
}

/** Results that settle nothing either way: the receiver could not tell, or found no policy that would fail it (Microsoft's bestguesspass). */
const UNDECIDED = new Set(['unknown', 'temperror', 'bestguesspass']);

/**
 * What evidence we trust says of a planted "pass": the receiver's own recorded result for the method and the same
 * name, or our computed one. A contradiction is proof of forgery; a trusted pass confirms it (a copy of the truth);
 * neither leaves an unverifiable claim: some receivers (Proton's rspamd milter, for one) do write their results
 * below the sender's Received lines. A result about another name (the forwarder's MAIL FROM, another signature)
 * says nothing about this one.
 */
function judged(r: RecordedResult, auth: AuthReport): { why?: string; confirmed?: true } {
  const name = identityOf(r);
  const same = (other: string | undefined) => name === undefined || other === undefined || bareDomain(other) === name;
  const theirs = auth.recorded.filter((x) => x.trusted && x.method === r.method && same(identityOf(x)));
  if (theirs.some((x) => x.result === 'pass')) return { confirmed: true };
  const against = theirs.find((x) => !UNDECIDED.has(x.result));
  if (against) return { why: `the receiver itself recorded ${r.method}=${against.result} (header ${against.header})` };
  if (auth.mode !== 'computed') return {};
  const ours = auth.results.filter((x) => x.method === r.method && same(x.domain));
  if (ours.some((x) => x.result === 'pass')) return { confirmed: true };
  const failed = ours.find((x) => x.result === 'fail' || x.result === 'softfail');
  return failed ? { why: `we compute ${r.method}=${failed.result}` } : {};
}

export const authPlantedResults = defineRule({
  id: 'auth.planted-results',
  severity: 'high',
  title: 'A forged Authentication-Results header claims a pass in the receiver\'s name',
  description:
    'An Authentication-Results or ARC-Authentication-Results header names the receiving side\'s authserv-id and reports a pass, but sits below the trust boundary, where the sender can have written it. High when the receiver\'s own result for the same name (signing domain, MAIL FROM, From domain) or ours contradicts it; low when nothing can confirm or refute it; no finding when the receiver\'s own pass confirms it.',
  explain:
    'Receivers record their checks in Authentication-Results. A sender who writes "dmarc=pass" in the receiver\'s name hopes that a mail client or filter trusts it. A genuine receiver adds its results at or above its own Received line (RFC 8601 5) and removes copies of its own id; a pass there that the real checks contradict is forged.',
  check: ({ auth, message }) => {
    // An earlier ARC set sealed by the receiver's operator and validated by its arc=pass is that operator's, not planted.
    const planted = auth.recorded.filter((r) => !r.trusted && r.result === 'pass' && r.receiverId === true && r.arcSealer === undefined);
    const proven = planted.map((r) => ({ r, ...judged(r, auth) }));
    const high = proven.filter((p) => p.why);
    const unconfirmed = proven.filter((p) => !p.why && !p.confirmed);
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
