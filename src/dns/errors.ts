// DNS failures as data. Lookups fail the way dns.promises.resolve fails (an Error with a c-ares `code`), because
// that is what mailauth reads (platform-facts 1.4):
//   ENOTFOUND (NXDOMAIN), ENODATA (NODATA)          -> "nothing published": SPF none, DKIM neutral "no key",
//                                                      a void lookup inside SPF, DMARC falls back to the org domain
//   ETIMEOUT, ESERVFAIL, EREFUSED, ECONNREFUSED, ... -> temperror (ARC turns every error into fail; auth/ says why)
//   EBADNAME                                        -> permerror inside SPF (mailauth 7)
//   EMISSING (our own: not in the replayed file)    -> temperror in mailauth; auth/ reports it as unknown

/** A replayed run asked for an answer that the snapshot file does not hold. */
export const MISSING = 'EMISSING';

export type DnsErrorClass = 'none' | 'temperror' | 'permerror' | 'missing';

/** How a lookup error should be judged by the protocols built on it. */
export function classifyDnsError(code: string): DnsErrorClass {
  if (code === 'ENOTFOUND' || code === 'ENODATA') return 'none';
  if (code === MISSING) return 'missing';
  if (code === 'EBADNAME') return 'permerror';
  return 'temperror';
}

export function dnsError(code: string, name: string, rrtype: string): NodeJS.ErrnoException {
  const err = new Error(`query${rrtype} ${code} ${name}`) as NodeJS.ErrnoException & { hostname?: string };
  err.code = code;
  err.syscall = `query${rrtype}`;
  err.hostname = name;
  return err;
}

/** The code of an error thrown by node:dns; anything without one is a bad response as far as callers care. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z_]{2,30}$/.test(code) ? code : 'EBADRESP';
}

/** A bad --dns-server, --dns-record or option value: a usage error (exit 64). */
export class DnsConfigError extends Error {
  override readonly name = 'DnsConfigError';
}
