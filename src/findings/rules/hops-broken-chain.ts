import { defineRule, hopEvidence } from '../define.js';
import type { Hop } from '../../types.js';
import { ipScope, isNonPublic, normalizeIp } from '../../hops/ip.js';
import { isInternalName, organisationLabel } from '../../hops/trust.js';
import { clientNames, sameHost } from '../../hops/names.js';

// A hop is comparable when it is a network relay that names both ends. Local steps (pickup, filters, LMTP) and lines
// without a by host say nothing about the next machine.
// A by host without a dot ("Forcepoint", "EMS-SRV0") is a local nickname nobody else would use for it.
function comparable(hop: Hop): boolean {
  return hop.kind === 'relay' && !!hop.by && (hop.by.includes('.') || normalizeIp(hop.by) !== undefined);
}

/** Without DNS an address can only be compared with an address: "from unknown (66.218.66.217)" vs "by mta2.example". */
function comparableNames(older: Hop, newer: Hop): boolean {
  const names = [newer.from?.helo, newer.from?.rdns].filter((n) => n && !/^unknown$/i.test(n) && !normalizeIp(n));
  return names.length > 0 || older.byIp !== undefined || normalizeIp(older.by) !== undefined;
}

/** The older hop's receiver is the newer hop's client, by some name or address both lines give it. */
function linked(older: Hop, newer: Hop): boolean {
  const names = clientNames(newer);
  if (names.some((n) => sameHost(n, older.by) || (older.byIp !== undefined && sameHost(n, older.byIp)))) return true;
  // One company, two registries: "by mail.gmx.com" handing over as "mout.gmx.net".
  const label = organisationLabel(older.by);
  if (label && names.some((n) => organisationLabel(n) === label)) return true;
  // A receiver that calls itself by a site-internal name or a private address sits behind the site's NAT or
  // gateway; the next server sees the gateway's public name ("by mailnew.nyi.internal" then
  // "from new1-smtp.messagingengine.com", "by mail.rafmuseum.org (172.16.0.15)").
  if (isInternalName(older.by) || (older.byIp !== undefined && isNonPublic(older.byIp))) return true;
  // A client on a private or loopback address is a machine inside the same site; sites name their internal hosts
  // freely ("by mailhub" then "from mailhub.corp.local [10.0.0.5]"), so this says nothing about forgery.
  const ip = newer.from?.ip;
  return ip !== undefined && ipScope(ip) !== 'public';
}

export const hopsBrokenChain = defineRule({
  id: 'hops.broken-chain',
  severity: 'low',
  title: 'The Received chain is broken below the trust boundary',
  description:
    "A hop's client (HELO, reverse DNS or IP) names no machine the previous hop's receiver (by) called itself, at or below the trust boundary.",
  explain:
    'Each server records who handed it the message; that client should be the server that wrote the line below. Where the two do not meet, a line was removed, or the lines below were written by the sender to invent a route.',
  check: ({ chain }) => {
    const out = [];
    const hops = chain.hops;
    for (let i = 1; i < hops.length; i++) {
      const newer = hops[i]!;
      const older = hops[i - 1]!;
      if (newer.trust === 'trusted') continue; // both lines were written by the receiving side
      if (!comparable(newer) || !comparable(older) || !newer.from || !comparableNames(older, newer)) continue;
      if (linked(older, newer)) continue;
      out.push({
        evidence: [hopEvidence(newer), hopEvidence(older)],
        data: { hop: newer.index, client: clientNames(newer), previousBy: older.by, ...(older.byIp ? { previousByIp: older.byIp } : {}) },
      });
    }
    return out;
  },
});
