// Organisational domains through the public suffix list (tldts, the list mailauth itself uses).
import { getDomain } from 'tldts';

/** The registrable domain of a host name ("mx.google.com" -> "google.com"); the name itself when it has none. */
export function orgDomain(host: string): string {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return getDomain(name, { allowPrivateDomains: false }) ?? name;
}

/** RFC 7489 3.1 relaxed alignment: same organisational domain. */
export function sameOrganisation(a: string, b: string): boolean {
  return a !== '' && b !== '' && orgDomain(a) === orgDomain(b);
}
