import { defineRule } from '../define.js';
import { authorDomain, contextOf, explainedTitle, firstEvidence } from '../../identity/support.js';
import { contextNote } from '../../identity/context.js';
import { orgDomain, sameOrg } from '../../identity/org.js';

// From: CEO <ceo@victim.example>
// Sender: <someone@elsewhere.example>
export const senderDiffers = defineRule({
  id: 'identity.sender-differs',
  severity: 'low',
  title: 'The Sender header names another organisation than From',
  description: 'A Sender field whose organisational domain differs from the From domain.',
  explain:
    'Sender says who actually submitted the message on the author\'s behalf (a secretary, a list server). Some clients show "sent by X on behalf of Y"; many show only From. A Sender from an unrelated organisation is normal for lists, odd otherwise.',
  check: (ctx) => {
    const sender = ctx.identity.sender;
    const from = authorDomain(ctx);
    if (!sender?.domain || !from || sameOrg(sender.domain, from)) return [];
    const c = contextOf(ctx);
    const routine = c.list.length > 0 || c.forwarded.length > 0;
    return [
      {
        severity: routine ? 'info' : 'low',
        ...(routine ? { title: explainedTitle(`Sent by ${orgDomain(sender.domain)} on behalf of ${orgDomain(from)}`, contextNote(c)) } : {}),
        evidence: [...firstEvidence(ctx.message, 'sender'), ...firstEvidence(ctx.message, 'from')],
        data: { sender: sender.address, senderDomain: orgDomain(sender.domain), fromDomain: orgDomain(from) },
      },
    ];
  },
});
