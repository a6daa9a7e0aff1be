import { defineRule, hopEvidence } from '../define.js';
import { isNonPublic, normalizeIp } from '../../hops/ip.js';

export const hopsHeloIpMismatch = defineRule({
  id: 'hops.helo-ip-mismatch',
  severity: 'medium',
  title: 'The client greeted with an IP address that is not its own',
  description: 'The HELO/EHLO name is an address literal ([203.0.113.9]) different from the address the receiver saw.',
  explain:
    'A client may greet with its own address in brackets (RFC 5321 4.1.3). Greeting with someone else\'s public address is a lie about where the connection comes from; behind NAT a private address is merely careless.',
  check: ({ chain }) =>
    chain.hops
      .filter((h) => h.kind === 'relay' && h.trust !== 'trusted' && h.from?.ip && h.from.helo)
      .flatMap((h) => {
        const literal = normalizeIp(h.from!.helo);
        if (!literal || literal === h.from!.ip) return [];
        return [
          {
            // A private literal is a NATed client telling its LAN address: common, harmless.
            severity: isNonPublic(literal) ? ('info' as const) : h.trust === 'boundary' ? ('medium' as const) : ('low' as const),
            evidence: [hopEvidence(h)],
            data: { hop: h.index, helo: h.from!.helo, ip: h.from!.ip },
          },
        ];
      }),
});
