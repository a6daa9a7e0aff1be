import { defineRule } from '../define.js';
import { contextOf, explainedTitle, firstEvidence } from '../../identity/support.js';
import { contextNote } from '../../identity/context.js';
import { orgDomain } from '../../identity/org.js';

/** "bob+tag@example.com" and "bob@example.com" are the same mailbox for this purpose. */
function canonical(address: string): string {
  let a = address.toLowerCase();
  // Most addresses have no brackets and no tag: the tests below skip two regex replaces for them.
  if (a.startsWith('<') || a.endsWith('>')) a = a.replace(/^<|>$/g, '');
  const at = a.lastIndexOf('@');
  if (at < 0) return a;
  const local = a.slice(0, at);
  return local.includes('+') ? local.replace(/\+.*$/, '') + a.slice(at) : a;
}

/** The mailbox compared: "zzzz@localhost.spamassassin.taint.org" (a site's local delivery name) is "zzzz@spamassassin.taint.org". */
function mailboxKey(address: string): string {
  const a = canonical(address);
  const at = a.lastIndexOf('@');
  return at < 0 ? a : a.slice(0, at + 1) + orgDomain(a.slice(at + 1));
}

// Delivered-To: bob@example.com
// To: undisclosed-recipients:;
export const hiddenRecipient = defineRule({
  id: 'identity.hidden-recipient',
  severity: 'low',
  title: 'The recipient is not among the visible recipients (To/Cc)',
  description: 'No envelope recipient (Delivered-To, X-Original-To, Envelope-To, the boundary hop\'s "for") appears in To or Cc: a Bcc, a list, or a bulk send.',
  explain:
    'You received this message but your address is not in To or Cc. That happens with Bcc, mailing lists and forwarding, and with bulk phishing, which hides the thousands of other recipients.',
  check: (ctx) => {
    const rcpt = ctx.identity.envelope.rcptTo.filter((a) => a.includes('@'));
    if (rcpt.length === 0) return [];
    const shown = [...ctx.identity.to, ...ctx.identity.cc, ...(ctx.identity.resent?.to ?? [])];
    // The envelope names one or two recipients, To and Cc may name hundreds: look those few up, and build the
    // set of visible addresses only for a finding's data.
    const wanted = new Set(rcpt.map(mailboxKey));
    if (shown.some((m) => wanted.has(mailboxKey(m.address)))) return [];
    const visible = new Set(shown.map((m) => canonical(m.address)));
    const c = contextOf(ctx);
    const routine = c.list.length > 0 || c.forwarded.length > 0;
    return [
      {
        severity: routine ? 'info' : 'low',
        ...(routine ? { title: explainedTitle('The recipient is not in To or Cc', contextNote(c)) } : {}),
        evidence: [
          ...firstEvidence(ctx.message, 'delivered-to'),
          ...firstEvidence(ctx.message, 'x-original-to'),
          ...firstEvidence(ctx.message, 'to'),
        ],
        data: { envelopeRecipients: rcpt, visible: [...visible].slice(0, 20) },
      },
    ];
  },
});
