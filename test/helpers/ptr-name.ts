// The name to ask for a reverse lookup, for the resolver tests' PTR questions (mailtrace itself asks PTR only through
// mailauth's SPF "ptr" mechanism, which builds its own names). Ask it with resolver(ptrName(ip), 'PTR'):
// Resolver#reverse() answers from /etc/hosts before DNS (measured: reverse('127.0.0.1') gave the machine's own host
// names), and a recorded run must hold the PTR answer like any other.
import { isIP } from 'node:net';

/** "192.0.2.10" -> "10.2.0.192.in-addr.arpa"; IPv6 -> nibbles under ip6.arpa (RFC 3596 2.5); else undefined. */
export function ptrName(ip: string): string | undefined {
  const kind = isIP(ip);
  if (kind === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (kind !== 6) return undefined;
  const hex = ipv6Hex(ip);
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

/** The 32 hex digits of a valid IPv6 address (isIP already checked it), embedded IPv4 included. */
function ipv6Hex(ip: string): string {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join('');
}
