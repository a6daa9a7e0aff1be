// What SPF is evaluated with: the connection the trusted side actually saw (RFC 7208 section 2.1-2.4).
//
// The client IP and HELO come from the *boundary* hop: the first hop the receiving side recorded itself. The
// topmost Received is often an internal hand-off (127.0.0.1, a content filter) and every hop below the boundary
// was written by the sender, who can put any IP there. MAIL FROM comes from the topmost Return-Path when the
// receiving side wrote it (above the boundary Received), else from the boundary hop's envelope-from. A Return-Path
// below the boundary is the sender's own text: using it lets an attacker choose which domain's SPF is checked.
// IPs through hops/ip.ts, not node:net: loading node:net costs an offline run ~4 ms of start-up.
import { isIp, normalizeIp } from '../hops/ip.js';
import type { Chain, Hop, Message, RecordedResult } from '../types.js';
import { envelopeMailFrom } from '../identity/mail-from.js';

export interface SpfInputs {
  ip?: string;
  helo?: string;
  /** MAIL FROM; '' is the null reverse-path (<>). Undefined when unknown. */
  mailFrom?: string;
  /** Where mailFrom came from ("Return-Path header 0", "boundary hop envelope-from"). */
  mailFromSource?: string;
  /** Why SPF cannot be evaluated, when it cannot. */
  problem?: string;
  /** The caller stated there was no SMTP client at all: SPF is none (nothing to check), not unknown. */
  noSmtpClient?: boolean;
}

/** An address SPF must never be evaluated for: loopback, unspecified, or not an IP at all. */
export function unusableIp(ip: string): string | undefined {
  const n = normalizeIp(ip); // IPv4-mapped IPv6 comes back as the IPv4 address
  if (n === undefined) return `"${ip}" is not an IP address`;
  if (n.startsWith('127.') || n === '0.0.0.0' || n === '::1' || n === '::') return `${ip} is a loopback/unspecified address (an internal hand-off, not the sending client)`;
  return undefined;
}

function boundaryHop(chain: Chain): Hop | undefined {
  return chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
}

export function spfInputs(message: Message, chain: Chain, recorded: readonly RecordedResult[] = []): SpfInputs {
  const boundary = boundaryHop(chain);
  // Only with a boundary: without one there is no client IP to check either.
  const from = boundary ? envelopeMailFrom(message, chain, recorded) : undefined;
  const mailFrom = from?.mailFrom;
  const source = from?.source;
  // Keys assigned in a fixed order, each only when known (no spread objects: this runs for every message).
  const out: SpfInputs = {};
  if (mailFrom !== undefined) out.mailFrom = mailFrom;
  if (source) out.mailFromSource = source;
  if (boundary?.from?.helo) out.helo = boundary.from.helo;
  if (!boundary) {
    out.problem = 'no trust boundary hop: the client IP the receiver saw is unknown';
    return out;
  }
  const ip = boundary.from?.ip;
  const bad = ip ? unusableIp(ip) : `the boundary hop (Received header ${boundary.header}) states no client IP`;
  if (!ip) out.problem = bad;
  else if (bad) out.problem = `boundary client IP unusable: ${bad}`;
  else out.ip = ip;
  return out;
}

/** A HELO name that SPF can check (RFC 7208 section 2.3): a domain name, not an address literal. */
export function heloDomain(helo: string | undefined): string | undefined {
  if (!helo) return undefined;
  const h = helo.trim().replace(/\.$/, '');
  if (!h.includes('.') || h.startsWith('[') || isIp(h) || h.length > 253) return undefined;
  return h.toLowerCase();
}
