import { defineRule } from '../define.js';
import { headerEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authDkimFail = defineRule({
  id: 'auth.dkim-fail',
  severity: 'low',
  title: 'A DKIM signature does not verify',
  description:
    'A DKIM-Signature fails: the signed headers or the body changed after signing, or the signature does not match the published key. Low on its own (RFC 6376 6.1 treats a broken signature like none); medium when no other signature or DMARC pass vouches for the message (an ARC pass does not: it proves the chain of custody, and anyone can seal a chain of their own).',
  explain:
    'A signature breaks when the signed content changes. Mailing lists and forwarders that edit subjects or add footers break signatures innocently; an attacker who alters a signed message breaks them too.',
  check: ({ auth, message }) => {
    // Not ARC: a valid chain says who handled the message, and its first sealer may be the sender itself, claiming
    // whatever it likes in its own ARC-Authentication-Results.
    const vouched = auth.results.some((r) => (r.method === 'dkim' || r.method === 'dmarc') && r.result === 'pass');
    return resultsOf(auth.results, 'dkim')
      .filter((r) => r.result === 'fail')
      .map((r) => ({
        severity: vouched ? ('low' as const) : ('medium' as const),
        title: `DKIM signature of ${r.domain ?? '(no domain)'} does not verify${r.comment ? ` (${r.comment})` : ''}`,
        evidence: [...headerEvidence(message, r.details?.['header'] as number | undefined), resultEvidence(r)],
        data: { domain: r.domain, selector: r.details?.['selector'], comment: r.comment, vouchedOtherwise: vouched },
      }));
  },
});
