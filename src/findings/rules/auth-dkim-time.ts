import { defineRule } from '../define.js';
import { headerEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authDkimTime = defineRule({
  id: 'auth.dkim-time',
  severity: 'low',
  title: 'A DKIM signature is expired or dated in the future',
  description:
    'The signature\'s x= expiry lies before the analysis time (the boundary hop\'s timestamp unless --at says otherwise), or its t= signing time lies after it (RFC 6376 3.5).',
  explain:
    'Signers set an expiry so that old signed mail cannot be replayed forever. A signature that had already expired when the message arrived, or that claims to be signed after it arrived, points at a replayed or fabricated message, or at a badly set clock.',
  check: ({ auth, message }) =>
    resultsOf(auth.results, 'dkim')
      .filter((r) => r.details?.['expired'] || r.details?.['signedInFuture'])
      .map((r) => ({
        title: r.details?.['expired']
          ? `DKIM signature of ${r.domain ?? '?'} had expired at ${auth.evaluatedAt} (x=${String(r.details?.['expiresAt'])})`
          : `DKIM signature of ${r.domain ?? '?'} is dated after ${auth.evaluatedAt} (t=${String(r.details?.['signedAt'])})`,
        evidence: [...headerEvidence(message, r.details?.['header'] as number | undefined), resultEvidence(r)],
        data: { domain: r.domain, signedAt: r.details?.['signedAt'], expiresAt: r.details?.['expiresAt'], evaluatedAt: auth.evaluatedAt },
      })),
});
