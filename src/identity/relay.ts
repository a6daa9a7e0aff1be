// Open-relay and third-party relay traversal: the seeds' central abuse case. A spammer who cannot send as
// example.com from their own host hands the message to someone else's misconfigured server (an open relay),
// which passes it on. The Received chain then shows a hop where an unauthenticated client gave the mail to a
// host that belongs neither to the sender's domain (not in its SPF) nor to the recipient's (not its MX).
//
// Rules are synchronous, so the DNS this needs (the recipient domain's MX, the sender domain's SPF for each
// relay's IP) is gathered here first, through the run's resolver (live, replayed or none at all: offline).
import type { Chain, Hop, Identity, Resolver } from '../types.js';
import { domainOfAddress, isPublicName, orgDomain, sameOrg } from './org.js';

export interface MxAnswer {
  domain: string;
  /** Exchanges, lowest preference first. */
  hosts: string[];
  /** The DNS error code when the lookup failed (ENOTFOUND, ENODATA, ETIMEOUT, a replay miss...). */
  error?: string;
}

export interface RelaySpf {
  /** Chain index of the hop whose `by` host is the relay. */
  hop: number;
  ip: string;
  domain: string;
  result: string;
  comment?: string;
}

export interface RelayContext {
  /** 'offline': no DNS at all, so no MX or SPF could be checked. */
  mode: 'dns' | 'offline';
  recipientDomain?: string;
  mx?: MxAnswer;
  spf: RelaySpf[];
}

/** A hop below the trust boundary where a host took mail from a client of another organisation and passed it on. */
export interface RelayCandidate {
  /** The hop at which the relay received the message. */
  received: Hop;
  /** The next hop, where the relay handed it onward (its client IP is the relay's). */
  onward: Hop;
  relayHost: string;
  relayIp?: string;
}

/** The relay lookups' own limit, within what is left of the message's DNS deadline. */
export const LOOKUP_TIMEOUT_MS = 5000;
const MAX_SPF_CHECKS = 3;

/** The recipient's domain: the envelope recipient first (what the receiver delivered to), else the first To. */
export function recipientDomain(identity: Identity): string | undefined {
  const fromEnvelope = identity.envelope.rcptTo.map(domainOfAddress).find(isPublicName);
  return fromEnvelope ?? identity.to.map((m) => m.domain).find(isPublicName);
}

/** The sender's domain for SPF: MAIL FROM, else the From domain. */
export function senderDomain(identity: Identity): string | undefined {
  const d = domainOfAddress(identity.envelope.mailFrom) || identity.from[0]?.domain;
  return d && isPublicName(d) ? d : undefined;
}

function hostOf(hop: Hop): string {
  return (hop.by ?? '').toLowerCase();
}

function clientOrg(hop: Hop): string {
  return orgDomain(hop.from?.rdns ?? hop.from?.helo);
}

/** Hops below the boundary where an unauthenticated client of another organisation handed mail to a relay that passed it on. */
export function relayCandidates(chain: Chain): RelayCandidate[] {
  const boundary = chain.boundary;
  if (boundary === undefined) return [];
  const out: RelayCandidate[] = [];
  for (let i = 0; i < boundary; i++) {
    const received = chain.hops[i]!;
    const onward = chain.hops[i + 1]!;
    if (received.kind !== 'relay' || onward.kind !== 'relay' || received.authenticated) continue;
    const relayHost = hostOf(received);
    if (!isPublicName(relayHost)) continue;
    const client = clientOrg(received);
    // Hops inside one organisation (its MSA to its outbound relay) are not third-party relaying.
    if (!client || !isPublicName(client) || sameOrg(client, relayHost)) continue;
    out.push({ received, onward, relayHost, ...(onward.from?.ip ? { relayIp: onward.from.ip } : {}) });
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function lookupMx(resolver: Resolver, domain: string, ms: number): Promise<MxAnswer> {
  if (ms <= 0) return { domain, hosts: [], error: 'ETIMEOUT' };
  try {
    const answer = (await withTimeout(resolver(domain, 'MX'), ms)) as { exchange: string; priority: number }[];
    const hosts = [...answer].sort((a, b) => a.priority - b.priority).map((r) => r.exchange.toLowerCase().replace(/\.$/, ''));
    return { domain, hosts };
  } catch (err) {
    return { domain, hosts: [], error: (err as { code?: string }).code ?? (err as Error).message };
  }
}

async function relaySpf(resolver: Resolver, candidate: RelayCandidate, sender: string, mailFrom: string | undefined, ms: number): Promise<RelaySpf | undefined> {
  if (!candidate.relayIp) return undefined;
  if (ms <= 0) return { hop: candidate.received.index, ip: candidate.relayIp, domain: sender, result: 'temperror', comment: "no time left of the message's DNS deadline" };
  // The one mailauth loader (deep imports, loaded once, CommonJS interop done right in the bundle too).
  const { loadMailauth } = await import('../auth/mailauth.js');
  const { spf } = await loadMailauth();
  try {
    // maxElapsedTime: mailauth stops asking at the limit (RFC 7208 4.6.4 temperror); our timer alone only stopped
    // the waiting, and the include chain went on being queried after the message's report was out.
    const r = await withTimeout(
      spf({ sender: mailFrom && mailFrom.includes('@') ? mailFrom : `postmaster@${sender}`, ip: candidate.relayIp, helo: candidate.relayHost, resolver, maxResolveCount: 10, maxElapsedTime: ms }),
      ms,
    );
    return { hop: candidate.received.index, ip: candidate.relayIp, domain: sender, result: r.status.result, ...(r.status.comment ? { comment: r.status.comment } : {}) };
  } catch (err) {
    return { hop: candidate.received.index, ip: candidate.relayIp, domain: sender, result: 'temperror', comment: (err as Error).message };
  }
}

/**
 * Gather the DNS facts the relay rules need, within `budgetMs` (what authentication left of the message's DNS
 * deadline; at most LOOKUP_TIMEOUT_MS). Offline (no resolver): nothing is looked up, and the context says so.
 */
export async function gatherRelayContext(identity: Identity, chain: Chain, resolver: Resolver | undefined, budgetMs = LOOKUP_TIMEOUT_MS): Promise<RelayContext> {
  const rcpt = recipientDomain(identity);
  if (!resolver) return { mode: 'offline', ...(rcpt ? { recipientDomain: rcpt } : {}), spf: [] };
  const sender = senderDomain(identity);
  const candidates = relayCandidates(chain).slice(0, MAX_SPF_CHECKS);
  const ms = Math.min(LOOKUP_TIMEOUT_MS, Math.floor(budgetMs));
  const [mx, ...spf] = await Promise.all([
    rcpt ? lookupMx(resolver, rcpt, ms) : Promise.resolve(undefined),
    ...(sender ? candidates.map((c) => relaySpf(resolver, c, sender, identity.envelope.mailFrom, ms)) : []),
  ]);
  return { mode: 'dns', ...(rcpt ? { recipientDomain: rcpt } : {}), ...(mx ? { mx: mx as MxAnswer } : {}), spf: spf.filter((s): s is RelaySpf => s !== undefined) };
}

/** True when the host belongs to one of the recipient domain's MX organisations. */
export function isRecipientMx(host: string, ctx: RelayContext): boolean {
  return (ctx.mx?.hosts ?? []).some((mx) => sameOrg(mx, host));
}
