import { defineRule, hopEvidence } from '../define.js';
import type { Hop } from '../../types.js';
import { ipScope, normalizeIp } from '../../hops/ip.js';
import { isInternalName, registrableDomain } from '../../hops/trust.js';

/** The receiver is reachable from the internet: it states a public IP, or has a public DNS name (and states no IP). */
function publicReceiver(hop: Hop): boolean {
  if (hop.byIp) return ipScope(hop.byIp) === 'public';
  return !normalizeIp(hop.by) && registrableDomain(hop.by) !== undefined && !isInternalName(hop.by);
}

/** The client's own names put it in the receiver's organisation (a site's internal submission). */
function sameOrganisation(hop: Hop): boolean {
  const by = registrableDomain(hop.by);
  return by !== undefined && [hop.from?.helo, hop.from?.rdns].some((n) => registrableDomain(n) === by);
}

export const hopsPrivateRelay = defineRule({
  id: 'hops.private-ip-relay',
  severity: 'info',
  title: 'A private or reserved address handed the message to a public server',
  description:
    'Below the trust boundary, a hop records a client on a private, link-local or reserved address (RFC 1918, RFC 6890) and a receiver with a public address or name in another organisation.',
  explain:
    "Private addresses cannot cross the internet. A public server outside the sender's network can only have seen one if the line is forged, typically to make an invented route look like a company's internal relay.",
  check: ({ chain }) =>
    chain.hops
      // An authenticated submission is a user's own device logging in: it may be anywhere, behind any NAT.
      .filter((h) => h.trust === 'untrusted' && h.kind === 'relay' && h.from?.ip && !h.authenticated)
      .filter((h) => {
        const scope = ipScope(h.from!.ip!);
        return scope !== 'public' && scope !== 'loopback' && publicReceiver(h) && !sameOrganisation(h);
      })
      .map((h) => {
        const scope = ipScope(h.from!.ip!);
        // Reserved space (documentation, benchmarking, class E, 0/8) belongs to no machine at all, a point. Private
        // space is how every company's internal submission looks in the lines its own outbound server writes, so
        // alone it is information, not evidence (355 of them in 1,454 easy-ham messages).
        const severity = scope === 'reserved' ? ('low' as const) : ('info' as const);
        return { severity, evidence: [hopEvidence(h)], data: { hop: h.index, ip: h.from!.ip, scope, by: h.by } };
      }),
});
