// Shared by the hop-chain rules (findings/rules/hops-*): comparing the names and addresses that two Received lines give one host.
import type { Hop } from '../types.js';
import { normalizeIp } from './ip.js';
import { registrableDomain } from './trust.js';

// The big mailbox providers, each a family of the registrable domains its own servers are named under. A provider's
// hops hand over between families' names ("by smtp.gmail.com" then "from mail-sor-f41.google.com",
// "by TYZPR01MB5157.apcprd01.prod.exchangelabs.com" then "from APC01-PSA-obe.outbound.protection.outlook.com").
const PROVIDER_FAMILIES: readonly (readonly string[])[] = [
  ['google.com', 'gmail.com', 'googlemail.com', '1e100.net'],
  ['outlook.com', 'hotmail.com', 'live.com', 'microsoft.com', 'office365.com', 'exchangelabs.com'],
  ['yahoo.com', 'yahoo.net', 'yahoodns.net', 'aol.com', 'aol.net'],
  ['icloud.com', 'apple.com', 'me.com', 'mac.com'],
  ['yandex.ru', 'yandex.net', 'yandex.com'],
  ['mail.ru'],
  ['gmx.net', 'gmx.com', 'gmx.de', 'web.de'],
  ['protonmail.ch', 'proton.ch', 'protonmail.com', 'proton.me'],
  ['zoho.com', 'zohomail.com'],
  ['amazonses.com'],
];
const FAMILY_OF: ReadonlyMap<string, readonly string[]> = new Map(PROVIDER_FAMILIES.flatMap((f) => f.map((d) => [d, f] as const)));

/** The provider family a registrable domain belongs to, if it is one of the big providers'. */
export function providerFamily(domain: string | undefined): readonly string[] | undefined {
  return domain ? FAMILY_OF.get(domain) : undefined;
}

/** Lower case, no trailing root dot, no brackets. */
export function hostKey(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

/**
 * True when `name` and `other` plausibly name the same machine: equal, one the short form of the other
 * ("mail" vs "mail.example.com"), the same registrable domain (a site's MX and relay names differ:
 * "mx1.example.com" vs "smtp-out.example.com"), one big provider's family of domains, or the same address.
 */
export function sameHost(name: string | undefined, other: string | undefined): boolean {
  const a = hostKey(name);
  const b = hostKey(other);
  if (!a || !b) return false;
  if (a === b) return true;
  const ipA = normalizeIp(a);
  const ipB = normalizeIp(b);
  if (ipA || ipB) return ipA !== undefined && ipA === ipB;
  if (a.split('.')[0] === b.split('.')[0] && (!a.includes('.') || !b.includes('.'))) return true;
  const da = registrableDomain(a);
  const db = registrableDomain(b);
  if (da === undefined || db === undefined) return false;
  return da === db || (providerFamily(da)?.includes(db) ?? false);
}

/** The names a Received line gives its client. */
export function clientNames(hop: Hop): string[] {
  return [hop.from?.helo, hop.from?.rdns, hop.from?.ip].filter((x): x is string => !!x);
}
