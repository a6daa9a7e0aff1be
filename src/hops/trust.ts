// The facts the trust boundary is decided from: who "we" are (organisation domains, --trust entries) and whether a
// hop's client is one of ours. The walk itself, and the idea behind it, are in chain.ts.
import { getDomain, parse as parseHost } from 'tldts';
import type { HeaderField, Hop, Message } from '../types.js';
import { memoize } from '../memo.js';
import { ipInAnyCidr, ipInCidr, ipScope, normalizeIp, parseCidr } from './ip.js';

/** Registrable domain (eTLD+1, private suffixes included) of a host name; undefined for IPs, "localhost", bare names. */
export function registrableDomain(host: string | undefined): string | undefined {
  return host ? registrableDomainMemo(host) : undefined;
}

// Every hop's by, from and HELO names go through here, several times each (chain, trust walk, rules): one PSL
// walk per distinct name.
const registrableDomainMemo = memoize((host: string): string | undefined => {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h.includes('.') || normalizeIp(h)) return undefined;
  return getDomain(h, { allowPrivateDomains: true }) ?? undefined;
});

/** A name under no public suffix ("mailnew.nyi.internal", "exchsrv.cr2", "pc.corp.local"): a site-internal name. */
export function isInternalName(host: string | undefined): boolean {
  if (!host || !host.includes('.') || normalizeIp(host)) return false;
  const p = parseHost(host.toLowerCase().replace(/\.$/, ''), { allowPrivateDomains: true });
  return !p.isIcann && !p.isPrivate;
}

/** The organisation label of a host, without its suffix ("mail.gmx.com" and "mout.gmx.net" -> "gmx"). */
export function organisationLabel(host: string | undefined): string | undefined {
  const d = registrableDomain(host);
  return d ? (parseHost(d, { allowPrivateDomains: true }).domainWithoutSuffix ?? undefined) : undefined;
}

// Networks that the big mailbox providers use between their own servers, where Exchange Online records only the
// HELO name and no reverse DNS: "from BN8NAM11FT066.eop-nam11.prod.protection.outlook.com (2603:10b6:408:e6:cafe::c9)".
// A HELO is the client's claim, so a HELO naming our organisation is believed only from these networks or from a
// private address; otherwise any spammer could say "HELO x.prod.outlook.com" and move the boundary past itself.
// Source: Microsoft's published Exchange Online ranges (learn.microsoft.com, "Exchange Online" endpoints, ID 1 and 2).
const PROVIDER_NETS = ['2603:1000::/24', '2a01:111::/32', '40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17'].map(
  (c) => parseCidr(c)!,
);

export function inProviderNetwork(ip: string): boolean {
  return ipInAnyCidr(ip, PROVIDER_NETS);
}

// The shared outbound servers of multi-tenant providers. Their names share a registrable domain with the provider's
// inbound servers, but they send for every other customer: when Exchange Online delivers from one tenant to another,
//   Received: from NAM11-BN8-obe.outbound.protection.outlook.com (40.92.20.10) by DB8EUR06FT022.mail.protection.outlook.com
// is where the receiving tenant accepted the message from outside (phishing_pot/sample-1086), and Gmail to Gmail is
//   Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id ...
// So these names are never "the receiving side's organisation" by inference (a --trust entry still can say so).
const SHARED_OUTBOUND = [/\.outbound\.protection\.outlook\.com$/i, /^mail-[a-z0-9-]{1,40}\.google\.com$/i];

export function isSharedOutbound(name: string | undefined): boolean {
  return !!name && SHARED_OUTBOUND.some((re) => re.test(name.replace(/\.$/, '')));
}

/** A --trust entry: an IP or CIDR, or a host/domain name (the name itself and everything below it). */
export interface TrustEntry {
  text: string;
  cidr?: NonNullable<ReturnType<typeof parseCidr>>;
  name?: string;
}

/**
 * A --trust entry that can match nothing, with why (undefined when it is fine): an address or CIDR that does not
 * parse ("209.132.180.0/24x", "/33", "300.1.2.3") or text that is no host name ("a b"). Such an entry used to be
 * kept as a name no host has, and the trust boundary silently fell back to inference.
 */
export function invalidTrustEntry(entry: string): string | undefined {
  const text = entry.trim();
  if (!text) return 'empty';
  if (parseCidr(text)) return undefined;
  if (/[/:]/.test(text) || /^[\d.]+$/.test(text)) return 'not an IP address or CIDR';
  const name = text.replace(/^\*?\./, '').replace(/\.$/, '');
  const labels = name.split('.');
  return name.length <= 253 && labels.every((l) => HOST_LABEL.test(l)) ? undefined : 'not an IP address, CIDR or host name';
}

/** A DNS label as host names use it (letters, digits, hyphens inside; underscores occur in the wild). */
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

export function parseTrustEntries(entries: readonly string[]): TrustEntry[] {
  return entries
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => {
      const cidr = parseCidr(text);
      return cidr ? { text, cidr } : { text, name: text.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '') };
    });
}

export function nameMatches(name: string | undefined, domain: string): boolean {
  if (!name) return false;
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === domain || n.endsWith('.' + domain);
}

/** The entry that names this IP or host, if any. */
export function matchingEntry(entries: readonly TrustEntry[], ip: string | undefined, names: (string | undefined)[]): TrustEntry | undefined {
  return entries.find((e) => (e.cidr ? ip !== undefined && ipInCidr(ip, e.cidr) : names.some((n) => nameMatches(n, e.name!))));
}

/**
 * The name of a hop's client we may believe: the receiver's reverse DNS, or the HELO when the receiver records no
 * reverse DNS and the address is private or a provider's internal network (see PROVIDER_NETS).
 */
export function believableClientName(hop: Hop): { name: string; how: 'rdns' | 'helo' } | undefined {
  const f = hop.from;
  if (!f) return undefined;
  if (f.rdns) return { name: f.rdns, how: 'rdns' };
  if (f.helo && f.ip && (ipScope(f.ip) !== 'public' || inProviderNetwork(f.ip))) return { name: f.helo, how: 'helo' };
  return undefined;
}

/** An organisation hint recorded in the message: the authserv-id of an Authentication-Results, an ARC sealer. */
export interface OrgHint {
  domain: string;
  /** Where it came from, for the trust reason. */
  source: string;
  /** Header index of the field it came from. */
  header: number;
}

// "Authentication-Results: mx.google.com; spf=pass ..." (RFC 8601 2.2: authserv-id first, then ';').
// Exchange Online writes no authserv-id: "Authentication-Results: spf=pass (sender IP is 1.2.3.4) ..." (has '=').
function authservId(field: HeaderField): string | undefined {
  const head = field.value.slice(0, 300).split(';')[0]!.trim();
  const id = head.split(/\s+/)[0] ?? '';
  return id && !id.includes('=') ? id.toLowerCase() : undefined;
}

/** The topmost Authentication-Results' authserv-id and every ARC-Seal's d= domain, with their header indices. */
export function recordedOrgHints(message: Message): OrgHint[] {
  const hints: OrgHint[] = [];
  const ar = message.headers.find((f) => f.key === 'authentication-results');
  const id = ar ? authservId(ar) : undefined;
  const idDomain = registrableDomain(id);
  if (ar && id && idDomain) hints.push({ domain: idDomain, source: `authserv-id ${id} of the topmost Authentication-Results`, header: ar.index });
  // An index loop over every field: for...of allocates an iterator result a step in a worker's unoptimised code.
  for (let i = 0; i < message.headers.length; i++) {
    const f = message.headers[i]!;
    if (f.key !== 'arc-seal') continue;
    const d = /(?:^|;)\s*d\s*=\s*([A-Za-z0-9.-]{1,253})/.exec(f.value.slice(0, 2000))?.[1];
    const domain = registrableDomain(d);
    if (domain) hints.push({ domain, source: `ARC sealer d=${d!.toLowerCase()}`, header: f.index });
  }
  return hints;
}
