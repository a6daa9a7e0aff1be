import { defineRule, type RuleContext } from '../define.js';
import { firstEvidence, relatedOrgs } from '../../identity/support.js';
import { domainOfAddress, isPublicName, orgDomain } from '../../identity/org.js';

/** The From or envelope sender is at `org`: the first of the organisations relatedOrgs gathers, checked alone. */
function sendersOrg(ctx: RuleContext, org: string): boolean {
  for (const m of ctx.identity.from) if (isAt(m.domain, org)) return true;
  return isAt(domainOfAddress(ctx.identity.envelope.mailFrom), org);
}

/** `domain` counts as an organisation of the message (relatedOrgs' test) and it is `org`. */
function isAt(domain: string | undefined, org: string): boolean {
  return isPublicName(domain) && orgDomain(domain) === org;
}

// From: PayPal <service@paypal.example>
// Message-ID: <20240101.123@mail-server.unrelated.example>
export const messageIdUnrelated = defineRule({
  id: 'identity.message-id-unrelated',
  severity: 'low',
  title: 'The Message-ID was made by an organisation unrelated to the sender and every relay',
  description: 'The Message-ID domain\'s organisation is not the author\'s, the envelope sender\'s, a DKIM signer\'s, nor any host in the Received chain.',
  explain:
    'The software that first writes a message usually stamps its own domain into the Message-ID. A domain that matches neither the sender nor any server on the way hints that the message was composed elsewhere, for example by a phishing kit copying a real message.',
  check: (ctx) => {
    const id = ctx.identity.messageId;
    const m = id ? /@([A-Za-z0-9.-]{1,253})>?\s*$/.exec(id) : null;
    const domain = m?.[1]?.toLowerCase();
    if (!domain || !isPublicName(domain)) return [];
    const org = orgDomain(domain);
    // Most Message-IDs are the author's or the bounce domain's own: that settles it without relatedOrgs, which
    // walks every hop and signature.
    if (sendersOrg(ctx, org)) return [];
    const related = relatedOrgs(ctx);
    if (related.size === 0 || related.has(org)) return [];
    return [{ evidence: firstEvidence(ctx.message, 'message-id'), data: { messageIdDomain: org, related: [...related].slice(0, 20) } }];
  },
});
