// The Received chain, oldest hop first, with delays and the trust boundary.
//
// Trusted and untrusted relays. Every server that handles a message prepends a Received line, so the lines read
// from the top down go back in time, and each line is only as honest as the server that wrote it. The topmost line
// was written by the receiving side itself (the mailbox's own MX or the software behind it), so we believe it. We
// also believe the line below it when the client the top line names is one of the receiving side's own machines
// (loopback, a private address, a host of the same organisation, a host the site listed with --trust): that machine
// wrote the next line down. Walking down this way, the first line whose client is *not* ours is the trust boundary:
// there the receiver's MX accepted the message from the outside world, and the client IP it recorded is the only
// origin fact nobody outside could forge. Every line below the boundary was written by servers we do not control,
// and a sender can write any such lines into the message before sending it. This is the idea of SpamAssassin's
// trusted_networks/internal_networks (Received.pm), inferred here from the message when the site gave no list.
// Names are believed only when the receiver looked them up (reverse DNS); a HELO is a claim, and counts only from
// private addresses or a provider's internal networks (trust.ts), so "HELO mx.victim.example" moves nothing. A site
// that lists its servers (--trust HOST|CIDR|DOMAIN) replaces the inference: then only its entries, loopback and
// local steps are its own.
import type { Chain, Hop, Message, TrustConfig } from '../types.js';
import { ipScope } from './ip.js';
import { providerFamily } from './names.js';
import { parseReceived } from './parse.js';
import { believableClientName, isSharedOutbound, matchingEntry, nameMatches, parseTrustEntries, recordedOrgHints, registrableDomain, type TrustEntry } from './trust.js';

export function buildChain(message: Message, trust: TrustConfig): Chain {
  const received = message.headers.filter((f) => f.key === 'received');
  const hops: Hop[] = [];
  for (let i = received.length - 1; i >= 0; i--) {
    // The parsed hop is ours alone, so it is completed in place (a spread copy of it cost more than the assignments).
    const hop = parseReceived(received[i]!) as Hop;
    hop.index = hops.length;
    hop.trust = 'untrusted';
    hop.trustReason = '';
    hops.push(hop);
  }
  const totalDelaySeconds = addDelays(hops);
  const boundary = decideTrust(hops, message, trust);
  return { hops, boundary, totalDelaySeconds }; // every key, undefined when absent: one shape for every chain
}

/**
 * Seconds since the nearest older hop with a date, compared as absolute instants (so a -0700 hop after a +0200 hop
 * is minutes, not nine hours); negative means the clocks disagree. Returns newest minus oldest.
 */
function addDelays(hops: Hop[]): number | undefined {
  let previous: number | undefined;
  let first: number | undefined;
  let last: number | undefined;
  let dated = 0;
  // Index loops in this module: it runs per hop, mostly in a worker's unoptimised code, where for...of allocates an
  // iterator result a step.
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    if (!hop.timestamp) continue;
    const t = instantOf(hop.timestamp);
    if (previous !== undefined) hop.delaySeconds = (t - previous) / 1000;
    previous = t;
    first ??= t;
    last = t;
    dated++;
  }
  return first !== undefined && last !== undefined && dated > 1 ? (last - first) / 1000 : undefined;
}

/** Two to four decimal digits of `s` at `at`, as a number. */
function digitsAt(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/**
 * Date.parse of a hop's timestamp, read by position when it has the one form parseMailDate writes for years
 * 100-9999 ("2018-04-21T03:01:33.000Z"): Date.parse was a tenth of the chain's time. Anything else goes to Date.parse.
 */
function instantOf(iso: string): number {
  if (iso.length !== 24 || iso.charCodeAt(10) !== 84 || iso.charCodeAt(23) !== 90) return Date.parse(iso); // 'T', 'Z'
  const year = digitsAt(iso, 0, 4);
  if (year < 100) return Date.parse(iso); // Date.UTC reads 0-99 as 1900-1999
  return Date.UTC(year, digitsAt(iso, 5, 2) - 1, digitsAt(iso, 8, 2), digitsAt(iso, 11, 2), digitsAt(iso, 14, 2), digitsAt(iso, 17, 2), digitsAt(iso, 20, 3));
}

interface Ours {
  /** Registrable domains of the receiving side, with why we think so. */
  orgs: Map<string, string>;
  entries: TrustEntry[];
  /** --trust given: the site's list replaces the inference from names and private addresses. */
  explicit: boolean;
}

/**
 * A domain of the receiving side, with the rest of its big provider's family: Microsoft's servers hand over between
 * outlook.com, office365.com and exchangelabs.com names ("from DUZPR01CA0055.eurprd01.prod.exchangelabs.com by
 * CH3PR19MB8126.namprd19.prod.outlook.com"), which put the boundary on Microsoft's own internal hop.
 */
function addOrganisation(ours: Ours, domain: string, why: string): void {
  for (const d of providerFamily(domain) ?? [domain]) {
    if (!ours.orgs.has(d)) ours.orgs.set(d, d === domain ? why : `${why}, the same provider as ${domain}`);
  }
}

/** Marks every hop and returns the index of the boundary hop (undefined when every hop is the receiver's own). */
function decideTrust(hops: Hop[], message: Message, config: TrustConfig): number | undefined {
  const entries = parseTrustEntries(config.trust);
  const ours: Ours = { orgs: new Map(), entries, explicit: entries.length > 0 };
  for (const id of config.authservIds) {
    const d = registrableDomain(id);
    if (d) ours.orgs.set(d, `configured authserv-id ${id}`);
  }
  const hints = ours.explicit ? [] : recordedOrgHints(message);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    const older = hops[i - 1];
    // Everything above the next older Received line was written by this hop's receiver or later, i.e. by us; an
    // Authentication-Results or ARC-Seal further down may be the sender's own invention.
    const limit = older ? older.header : hop.header;
    for (let k = 0; k < hints.length; k++) {
      const h = hints[k]!;
      if (h.header < limit) addOrganisation(ours, h.domain, h.source);
    }
    const writer = registrableDomain(hop.by);
    if (!ours.explicit && writer) addOrganisation(ours, writer, `${i === hops.length - 1 ? 'the topmost receiver' : 'a trusted receiver'} ${hop.by}`);

    const reason = clientIsOurs(hop, ours);
    if (reason) {
      hop.trust = 'trusted';
      hop.trustReason = reason;
      continue;
    }
    hop.trust = 'boundary';
    hop.trustReason = `entry point: ${hop.by ?? 'the receiver'} accepted the message from ${describeClient(hop)}, outside the receiving side`;
    for (let j = i - 1; j >= 0; j--) {
      hops[j]!.trust = 'untrusted';
      hops[j]!.trustReason = 'below the trust boundary: written by a server outside the receiving side, may be forged';
    }
    return i;
  }
  return internalOrigin(hops);
}

/**
 * Every client was the receiving side's own: the message was sent from inside the organisation (Gmail to Gmail,
 * one Microsoft 365 tenant to itself). The entry point is then the oldest hop whose client has a public address:
 * the sending server that the receiver's side recorded, the address SPF is about. None when all clients are private.
 */
function internalOrigin(hops: Hop[]): number | undefined {
  const entry = hops.find((h) => h.kind === 'relay' && h.from?.ip && ipScope(h.from.ip) === 'public');
  if (!entry) return undefined;
  entry.trust = 'boundary';
  entry.trustReason = `entry point: sent from inside the receiving side's organisation; ${entry.by ?? 'the receiver'} recorded ${describeClient(entry)}, the oldest public client address (${entry.trustReason})`;
  for (const h of hops) if (h.index < entry.index) {
    h.trust = 'untrusted';
    h.trustReason = 'below the entry point: written before the message reached the receiving side\'s servers, may be forged';
  }
  return entry.index;
}

/** Why this hop's client is one of the receiving side's machines, or undefined when it is not. */
function clientIsOurs(hop: Hop, ours: Ours): string | undefined {
  if (hop.kind === 'unparseable') return 'unparseable, but written by a trusted server; its client is unknown, so the walk goes on';
  if (hop.kind === 'local' && (hop.protocol === 'POP3' || hop.protocol === 'IMAP')) return `a retrieval of the recipient's own mailbox over ${hop.protocol} (fetchmail): its server is the receiving side's`;
  if (hop.kind === 'local') return 'a local step on a trusted server (no network client: submission, content filter or delivery)';
  const f = hop.from;
  const ip = f?.ip;
  const named = believableClientName(hop);
  const entry = matchingEntry(ours.entries, ip, [named?.name]);
  if (entry) return `client ${describeClient(hop)} matches --trust ${entry.text}`;
  const scope = ip ? ipScope(ip) : undefined;
  if (scope === 'loopback') return `client ${ip} is this host (loopback)`;
  if (ours.explicit) return undefined;
  if (scope === 'private' || scope === 'link-local' || scope === 'shared') return `client ${ip} is a private address: an internal hop`;
  if (named && !isSharedOutbound(named.name) && !isSharedOutbound(f?.helo)) {
    for (const [domain, why] of ours.orgs) {
      if (nameMatches(named.name, domain)) return `client ${named.name} (${named.how === 'rdns' ? 'reverse DNS' : 'HELO from an internal network'}) is in ${domain}, the receiving side's organisation (${why})`;
    }
  }
  return undefined;
}

function describeClient(hop: Hop): string {
  const f = hop.from;
  if (!f) return 'an unknown client';
  const parts = [f.ip ?? 'no IP', f.rdns ? `rDNS ${f.rdns}` : '', f.helo ? `HELO ${f.helo}` : ''].filter(Boolean);
  return parts.join(', ');
}
