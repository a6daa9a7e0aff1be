import { defineRule } from '../define.js';
import { authorDomain, contextOf, explainedTitle, firstEvidence } from '../../identity/support.js';
import { contextNote } from '../../identity/context.js';
import { FREEMAIL } from '../../identity/domains.js';
import { domainOfAddress, orgDomain, sameOrg } from '../../identity/org.js';
import { parsePath } from '../../message/addresses.js';

// From: "Accounts Payable" <ap@supplier.example>
// Reply-To: <supplier.payments@gmail.com>
export const replyToOtherOrg = defineRule({
  id: 'identity.reply-to-other-org',
  severity: 'low',
  title: 'Replies go to another organisation than the author',
  description: 'A Reply-To address whose organisational domain differs from From; medium when it is a free-mail account under a company From.',
  explain:
    'Reply-To decides where your answer goes. Fraudsters put a real company in From (or one that looks real) and their own free-mail account in Reply-To, so the conversation continues with them. Mailing lists and help desks set Reply-To legitimately.',
  check: (ctx) => {
    const from = authorDomain(ctx);
    if (!from) return [];
    const out = [];
    for (const r of ctx.identity.replyTo) {
      if (!r.domain || sameOrg(r.domain, from)) continue;
      // Asked only here: most messages have no Reply-To, or one at the author's organisation.
      const c = contextOf(ctx);
      const listPost = ctx.identity.listPost ? domainOfAddress(parsePath(ctx.identity.listPost.replace(/mailto:/i, ''))) : '';
      // A list's Reply-To points at the list itself, or at the list host.
      if (c.list.length && (sameOrg(r.domain, listPost) || sameOrg(r.domain, domainOfAddress(ctx.identity.envelope.mailFrom)))) continue;
      const freemail = FREEMAIL.has(orgDomain(r.domain)) && !FREEMAIL.has(orgDomain(from));
      // Neither replies nor bounces reach the author's organisation: whoever runs this mail is not the author.
      // An ESP's bounce domain or a list explains the bounces, so that case stays low.
      const bounce = domainOfAddress(ctx.identity.envelope.mailFrom);
      const bothElsewhere = bounce !== '' && !sameOrg(bounce, from) && !c.espBounce && !c.list.length && !c.forwarded.length;
      out.push({
        severity: freemail || bothElsewhere ? ('medium' as const) : c.list.length ? ('info' as const) : ('low' as const),
        ...(freemail
          ? { title: 'Replies go to a free-mail account, not to the author\'s organisation' }
          : bothElsewhere
            ? { title: 'Neither replies nor bounces go to the author\'s organisation' }
            : c.list.length
              ? { title: explainedTitle(`Replies go to ${orgDomain(r.domain)}, not to the author's ${orgDomain(from)}`, contextNote(c)) }
              : {}),
        evidence: [...firstEvidence(ctx.message, 'reply-to'), ...firstEvidence(ctx.message, 'from')],
        data: { replyTo: r.address, replyToDomain: orgDomain(r.domain), fromDomain: orgDomain(from), freemail, bounceElsewhere: bothElsewhere },
      });
      break;
    }
    return out;
  },
});
