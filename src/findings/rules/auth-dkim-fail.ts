import { defineRule } from '../define.js';
import { headerEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';
import { sameOrg } from '../../identity/org.js';

export const authDkimFail = defineRule({
  id: 'auth.dkim-fail',
  severity: 'low',
  title: 'A DKIM signature does not verify',
  description:
    'A DKIM-Signature fails: the signed headers or the body changed after signing, or the signature does not match the published key. Low on its own (RFC 6376 6.1 treats a broken signature like none); medium when no DMARC pass, and no other valid signature of the same organisation as the broken one or the From domain, vouches for the message (an ARC pass does not: it proves the chain of custody, and anyone can seal a chain of their own; nor does a signature of another domain: anyone can sign with a domain of their own).',
  explain:
    'A signature breaks when the signed content changes. Mailing lists and forwarders that edit subjects or add footers break signatures innocently; an attacker who alters a signed message breaks them too.',
  check: ({ auth, message, identity }) => {
    // Not ARC: a valid chain says who handled the message, and its first sealer may be the sender itself, claiming
    // whatever it likes in its own ARC-Authentication-Results. Not any signature either: a phish with a broken
    // bank.test signature and a valid one of its own attacker.test came out pass. A valid signature vouches when it
    // is the broken one's organisation (re-signed) or the author's (From).
    const dmarcPass = auth.results.some((r) => r.method === 'dmarc' && r.result === 'pass');
    const passes = resultsOf(auth.results, 'dkim').filter((r) => r.result === 'pass' && r.domain);
    const vouchedFor = (broken: string | undefined) =>
      dmarcPass || passes.some((p) => (broken !== undefined && sameOrg(p.domain, broken)) || identity.from.some((m) => sameOrg(p.domain, m.domain)));
    return resultsOf(auth.results, 'dkim')
      .filter((r) => r.result === 'fail')
      .map((r) => {
        const vouched = vouchedFor(r.domain);
        return {
          severity: vouched ? ('low' as const) : ('medium' as const),
          title: `DKIM signature of ${r.domain ?? '(no domain)'} does not verify${r.comment ? ` (${r.comment})` : ''}`,
          evidence: [...headerEvidence(message, r.details?.['header'] as number | undefined), resultEvidence(r)],
          data: { domain: r.domain, selector: r.details?.['selector'], comment: r.comment, vouchedOtherwise: vouched },
        };
      });
  },
});
