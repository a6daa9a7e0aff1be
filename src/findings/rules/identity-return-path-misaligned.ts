import { defineRule } from '../define.js';
import { authorDomain, contextOf, explainedTitle, firstEvidence, withNote } from '../../identity/support.js';
import { contextNote, isIntermediated } from '../../identity/context.js';
import { domainOfAddress, orgDomain, sameOrg } from '../../identity/org.js';

// Return-Path: <bounces+123-abc=example.com@sendgrid.net>
// From: Example Shop <news@example.com>
export const returnPathMisaligned = defineRule({
  id: 'identity.return-path-misaligned',
  severity: 'low',
  title: 'The bounce address (Return-Path) belongs to another organisation than From',
  description:
    'The MAIL FROM / Return-Path domain and the From domain have different organisational domains (DMARC relaxed alignment), so SPF says nothing about the author.',
  explain:
    'SPF only vouches for the bounce address, not for the From address people see. When the two belong to different organisations, a passing SPF check proves nothing about the author. Mailing lists and bulk-mail services do this legitimately; a forger does it because it is the easy way past SPF.',
  check: (ctx) => {
    const mailFrom = ctx.identity.envelope.mailFrom;
    const from = authorDomain(ctx);
    const bounce = domainOfAddress(mailFrom);
    if (!mailFrom || !bounce || !from || sameOrg(bounce, from)) return [];
    const c = contextOf(ctx);
    const routine = isIntermediated(c) || c.espBounce !== undefined;
    const note = contextNote(c) || 'DKIM is not known to align with From';
    return [
      {
        severity: routine ? 'info' : 'low',
        ...(routine ? { title: explainedTitle(`Bounces go to ${orgDomain(bounce)}, not to the author's ${orgDomain(from)}`, contextNote(c)) } : {}),
        evidence: [...firstEvidence(ctx.message, 'return-path'), ...firstEvidence(ctx.message, 'from')],
        data: {
          returnPathDomain: orgDomain(bounce),
          fromDomain: orgDomain(from),
          detail: withNote(`bounces go to ${orgDomain(bounce)}, the author is at ${orgDomain(from)}`, note),
        },
      },
    ];
  },
});
