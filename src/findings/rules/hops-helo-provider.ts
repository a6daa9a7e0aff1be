import { defineRule, hopEvidence } from '../define.js';
import type { Hop } from '../../types.js';
import { registrableDomain } from '../../hops/trust.js';

// Big mailbox providers and the domains their outbound servers' reverse DNS uses. A HELO in the key's family from a
// host whose reverse DNS is outside it is someone pretending to be the provider.
const PROVIDERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['gmail.com', ['google.com', 'gmail.com', 'googlemail.com', '1e100.net']],
  ['googlemail.com', ['google.com', 'gmail.com', 'googlemail.com', '1e100.net']],
  ['google.com', ['google.com', 'gmail.com', 'googlemail.com', '1e100.net']],
  ['outlook.com', ['outlook.com', 'hotmail.com', 'live.com', 'microsoft.com', 'office365.com']],
  ['hotmail.com', ['outlook.com', 'hotmail.com', 'live.com', 'microsoft.com']],
  ['live.com', ['outlook.com', 'hotmail.com', 'live.com', 'microsoft.com']],
  ['microsoft.com', ['outlook.com', 'microsoft.com', 'office365.com']],
  ['office365.com', ['outlook.com', 'microsoft.com', 'office365.com']],
  ['yahoo.com', ['yahoo.com', 'yahoo.net', 'yahoodns.net', 'aol.com']],
  ['aol.com', ['aol.com', 'yahoo.com', 'yahoodns.net', 'aol.net']],
  ['icloud.com', ['icloud.com', 'apple.com', 'me.com']],
  ['me.com', ['icloud.com', 'apple.com', 'me.com']],
  ['apple.com', ['icloud.com', 'apple.com', 'me.com']],
  ['yandex.ru', ['yandex.ru', 'yandex.net']],
  ['mail.ru', ['mail.ru']],
  ['gmx.net', ['gmx.net', 'gmx.com', 'web.de']],
  ['protonmail.ch', ['protonmail.ch', 'proton.ch', 'protonmail.com']],
  ['zoho.com', ['zoho.com', 'zohomail.com']],
  ['amazonses.com', ['amazonses.com']],
]);

// Dialects whose from comment carries the receiver's reverse DNS lookup: "(rdns [ip])" or "(unknown [ip])".
// Exchange records the HELO and the IP only, so there the question cannot be asked.
const RECORDS_RDNS: ReadonlySet<string> = new Set(['postfix', 'sendmail', 'exim', 'qmail', 'gmail', 'amavis', 'ses', 'sendgrid', 'generic']);

function impersonation(hop: Hop): { helo: string; provider: string; rdns?: string } | undefined {
  const helo = hop.from?.helo;
  const domain = registrableDomain(helo);
  const family = domain ? PROVIDERS.get(domain) : undefined;
  if (!helo || !family || !hop.from?.ip || !RECORDS_RDNS.has(hop.dialect)) return undefined;
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
