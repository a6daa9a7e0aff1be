// IP addresses as Received headers write them: normalised for comparison, classified (loopback, private,
// reserved), and matched against --trust CIDRs. Pure string work, and no node:net: its isIPv6 compiles a very
// large regex on first use, which cost the CLI's start-up more than all of the hop parsing (measured, 40 ms).

import { memoize } from '../memo.js';
import { isRegexSpace } from '../message/text.js';

const MAX_IP_TEXT = 64;

/**
 * The canonical form of an IP literal, or undefined when the text is not one.
 * Accepts "[1.2.3.4]", "IPv6:2001:DB8::1", "[IPv6:2001:db8::1]", "?IPv6:...?" (Gmail), a "%zone" suffix
 * (Exchange "fe80::1%7") and IPv4-mapped IPv6 (reported as the IPv4 address, so both spellings compare equal).
 * IPv6 comes back compressed and lower case (RFC 5952 4.2, 4.3).
 */
export function normalizeIp(text: string | undefined): string | undefined {
  if (!text || text.length > MAX_IP_TEXT || !mayBeAddress(text)) return undefined;
  return normalizeIpMemo(text);
}

/**
 * A quick no for most words asked about (host names, "unknown", "ESMTP"), before the memo's Map lookup, which costs
 * more than this scan: the first character that is not a space, '[' or '?' must be a hex digit, ':' or the 'I' of "IPv6:".
 */
export function mayBeAddress(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 63 || isRegexSpace(c)) continue; // '[', '?', and what trim() drops
    return (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 73 || c === 105; // 0-9 ':' a-f A-F 'I' 'i'
  }
  return false;
}

// A message asks about the same few words many times (each hop's from, by and comments, then the trust walk and
// the rules), and most of them are host names, not IPs.
const normalizeIpMemo = memoize(normalizeIpText);

function normalizeIpText(text: string): string | undefined {
  const t = addressPart(text.trim());
  // Most words asked about are host names: turned away on their characters, before any regex runs.
  if (!hasOnlyAddressCharacters(t)) return undefined;
  const v4 = ipv4Octets(t);
  if (v4) return v4.join('.');
  if (!t.includes(':')) return undefined;
  const groups = expandIpv6(t);
  if (!groups) return undefined;
  // ::ffff:a.b.c.d, RFC 4291 2.5.5.2
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return compressIpv6(groups);
}

const ZONE_ID = /^%[0-9A-Za-z]{1,16}$/;

/** The text without "[...]" (or Gmail's "?...?"), an "IPv6:" tag and a "%zone" suffix, in that order. */
function addressPart(text: string): string {
  let t = text;
  if (t.startsWith('[') || t.startsWith('?')) t = t.slice(1);
  if (t.endsWith(']') || t.endsWith('?')) t = t.slice(0, -1);
  if (t.length >= 5 && t.slice(0, 5).toLowerCase() === 'ipv6:') t = t.slice(5);
  const zone = t.lastIndexOf('%');
  if (zone >= 0 && ZONE_ID.test(t.slice(zone))) t = t.slice(0, zone);
  return t;
}

/** Digits, hex letters, ':' and '.', the only characters a dotted quad or an IPv6 address (with a dotted tail) has. */
function hasOnlyAddressCharacters(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || c === 46 || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); // 0-9 and ':', '.', a-f, A-F
    if (!ok) return false;
  }
  return t.length > 0;
}

/** Dotted quad with every octet 0-255, or undefined. Leading zeros are read as decimal (as MTAs mean them). */
function ipv4Octets(t: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * The eight 16-bit groups of an IPv6 address (RFC 4291 2.2: hex groups of one to four digits, at most one "::",
 * an IPv4 dotted tail), or undefined. One pass by hand over the characters: the split/spread/regex-per-group version
 * cost several microseconds an address, and every IPv6 client and host (and each --trust or scope check of one) comes here.
 */
function expandIpv6(t: string): number[] | undefined {
  const n = t.length;
  const groups: number[] = [];
  let gap = -1; // where "::" stands, as an index into groups
  let i = 0;
  if (t.startsWith('::')) {
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let value = 0;
    let j = i;
    while (j < n) {
      const h = hexDigit(t.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < n && t.charCodeAt(j) === 46 && i > 0) {
      // "::ffff:192.0.2.1": a dotted quad may end the address, as its last two groups
      const o = ipv4Octets(t.slice(i));
      if (!o) return undefined;
      groups.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
      break;
    }
    if (j === i || j - i > 4) return undefined;
    groups.push(value);
    if (j === n) break;
    if (t.charCodeAt(j) !== 58) return undefined; // ':'
    i = j + 1;
    if (i < n && t.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined; // a second "::"
      gap = groups.length;
      i++;
    } else if (i === n) {
      return undefined; // a single trailing ':'
    }
  }
  const fill = 8 - groups.length;
  if (gap < 0 ? fill !== 0 : fill < 1) return undefined;
  if (gap >= 0) groups.splice(gap, 0, ...ZERO_GROUPS.slice(0, fill));
  return groups;
}

const ZERO_GROUPS: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0];

const HEX = '0123456789abcdef';

/** g.toString(16) for a 16-bit group: Number#toString with a radix is a slow runtime call in V8. */
function hex16(g: number): string {
  if (g < 16) return HEX[g]!;
  if (g < 256) return HEX[g >> 4]! + HEX[g & 15]!;
  if (g < 4096) return HEX[g >> 8]! + HEX[(g >> 4) & 15]! + HEX[g & 15]!;
  return HEX[g >> 12]! + HEX[(g >> 8) & 15]! + HEX[(g >> 4) & 15]! + HEX[g & 15]!;
}

function compressIpv6(groups: number[]): string {
  // The longest run of two or more zero groups becomes "::" (the first one on a tie), RFC 5952 4.2.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += hex16(groups[i]!);
  }
  return out;
}

export function isIp(text: string | undefined): boolean {
  return normalizeIp(text) !== undefined;
}

/** Address as a bigint plus its width, for prefix matching; remembered, as the trust walk asks per network. */
function toBits(ip: string): { readonly value: bigint; readonly width: 32 | 128 } | undefined {
  return ip.length > MAX_IP_TEXT ? undefined : toBitsMemo(ip);
}

const toBitsMemo = memoize((ip: string) => bitsOf(ip));

function bitsOf(ip: string): { readonly value: bigint; readonly width: 32 | 128 } | undefined {
  const n = normalizeIp(ip);
  if (!n) return undefined;
  // Built in plain numbers, then made a bigint once or thrice: a bigint operation per octet or group allocated.
  if (!n.includes(':')) return { value: BigInt(n.split('.').reduce((acc, o) => acc * 256 + Number(o), 0)), width: 32 };
  const g = expandIpv6(n);
  if (!g) return undefined;
  const high = g[0]! * 2 ** 32 + g[1]! * 2 ** 16 + g[2]!; // 48 bits, exact in a double
  const middle = g[3]! * 2 ** 32 + g[4]! * 2 ** 16 + g[5]!;
  const low = g[6]! * 2 ** 16 + g[7]!;
  return { value: (BigInt(high) << 80n) | (BigInt(middle) << 32n) | BigInt(low), width: 128 };
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). Undefined when the text is not a CIDR. */
export function parseCidr(text: string): { value: bigint; width: 32 | 128; prefix: number; shift: bigint; top: bigint } | undefined {
  const slash = text.indexOf('/');
  const bits = toBits(slash < 0 ? text : text.slice(0, slash));
  if (!bits) return undefined;
  const prefix = slash < 0 ? bits.width : Number(text.slice(slash + 1));
  if (!/^\d{1,3}$/.test(slash < 0 ? '0' : text.slice(slash + 1)) || prefix > bits.width) return undefined;
  // The network's prefix bits, shifted down once here rather than at every address compared with it.
  const shift = BigInt(bits.width - prefix);
  return { value: bits.value, width: bits.width, prefix, shift, top: bits.value >> shift };
}

type Bits = NonNullable<ReturnType<typeof toBits>>;
type Net = NonNullable<ReturnType<typeof parseCidr>>;

function bitsInNet(addr: Bits, net: Net): boolean {
  return net.width === addr.width && addr.value >> net.shift === net.top;
}

/** True when the IP is in any of the (parsed) networks: the address is converted once, not once per network. */
export function ipInAnyCidr(ip: string, nets: readonly Net[]): boolean {
  const addr = toBits(ip);
  return !!addr && nets.some((net) => bitsInNet(addr, net));
}

export function ipInCidr(ip: string, cidr: string | ReturnType<typeof parseCidr>): boolean {
  const net = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const addr = toBits(ip);
  return !!net && !!addr && bitsInNet(addr, net);
}

/** What kind of address space an IP belongs to (RFC 6890 special-purpose registries, abridged). */
export type IpScope = 'loopback' | 'private' | 'link-local' | 'shared' | 'reserved' | 'public';

const SCOPES: [string, IpScope][] = [
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['fc00::/7', 'private'], // unique local, RFC 4193
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['100.64.0.0/10', 'shared'], // carrier-grade NAT, RFC 6598
  ['0.0.0.0/8', 'reserved'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'], // documentation, RFC 5737
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/3', 'reserved'], // multicast and class E
  ['::/128', 'reserved'],
  ['2001:db8::/32', 'reserved'],
];
const PARSED_SCOPES = SCOPES.map(([c, s]) => [parseCidr(c)!, s] as const);

// Hops repeat the same few addresses: remembered, so the chain stays linear in practice.
// The IPv4 blocks again as plain numbers: most clients are IPv4, and a bigint shift per block allocated.
const V4_SCOPES = PARSED_SCOPES.filter(([net]) => net.width === 32).map(([net, scope]) => ({ top: Number(net.top), divisor: 2 ** Number(net.shift), scope }));

export const ipScope: (ip: string) => IpScope | undefined = memoize((ip) => {
  const n = normalizeIp(ip);
  if (n !== undefined && !n.includes(':')) {
    const value = n.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    for (let i = 0; i < V4_SCOPES.length; i++) if (Math.floor(value / V4_SCOPES[i]!.divisor) === V4_SCOPES[i]!.top) return V4_SCOPES[i]!.scope;
    return 'public';
  }
  const addr = toBits(ip);
  if (!addr) return undefined;
  for (let i = 0; i < PARSED_SCOPES.length; i++) if (bitsInNet(addr, PARSED_SCOPES[i]![0])) return PARSED_SCOPES[i]![1];
  return 'public';
});

/** Not routable on the public internet: the address of the same host, a LAN, or a reserved block. */
export function isNonPublic(ip: string): boolean {
  const s = ipScope(ip);
  return s !== undefined && s !== 'public';
}
