import { defineRule, hopEvidence } from '../define.js';
import type { Hop } from '../../types.js';
import { registrableDomain } from '../../hops/trust.js';
import { providerFamily } from '../../hops/names.js';

// Dialects whose from comment carries the receiver's reverse DNS lookup: "(rdns [ip])" or "(unknown [ip])".
// Exchange records the HELO and the IP only, so there the question cannot be asked.
const RECORDS_RDNS: ReadonlySet<string> = new Set(['postfix', 'sendmail', 'exim', 'qmail', 'zmailer', 'gmail', 'amavis', 'ses', 'sendgrid', 'generic']);

function impersonation(hop: Hop): { helo: string; provider: string; rdns?: string } | undefined {
  const helo = hop.from?.helo;
  const domain = registrableDomain(helo);
  // A HELO under a big provider's name; its servers' reverse DNS is always in the same family (hops/names.ts).
  const family = providerFamily(domain);
  // Only where the receiver wrote its reverse-DNS result: "from x (1.2.3.4)" says nothing about the name.
  if (!helo || !family || !hop.from?.ip || !hop.from.rdnsLooked || !RECORDS_RDNS.has(hop.dialect)) return undefined;
  const rdnsDomain = registrableDomain(hop.from.rdns);
  if (rdnsDomain && family.includes(rdnsDomain)) return undefined;
  // The provider's own servers talking to each other, written by the provider: "(HELO n19.grp.scd.yahoo.com) by mta2.grp.scd.yahoo.com".
  const byDomain = registrableDomain(hop.by);
  if (byDomain && family.includes(byDomain)) return undefined;
  return { helo, provider: domain!, ...(hop.from.rdns ? { rdns: hop.from.rdns } : {}) };
}

export const hopsHeloProvider = defineRule({
  id: 'hops.helo-impersonates-provider',
  severity: 'medium',
  title: 'The client claimed to be a big mail provider, but its address is not theirs',
  description:
    "The HELO names a large provider (gmail.com, outlook.com, yahoo.com, ...) while the receiver's reverse DNS of the client address is another domain or none.",
  explain:
    "Gmail, Outlook and Yahoo send only from servers whose reverse DNS is their own. A client that says HELO gmail.com from a home broadband or unnamed address is borrowing the provider's reputation.",
  check: ({ chain }) =>
    chain.hops
      .filter((h) => h.kind === 'relay' && h.trust !== 'trusted')
      .flatMap((h) => {
        const found = impersonation(h);
        if (!found) return [];
        // At the boundary our own MX saw this; below it, the line itself may be the sender's invention.
        return [{ severity: h.trust === 'boundary' ? ('high' as const) : ('low' as const), evidence: [hopEvidence(h)], data: { hop: h.index, ...found, ip: h.from!.ip } }];
      }),
});
