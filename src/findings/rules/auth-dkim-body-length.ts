import { defineRule } from '../define.js';
import { headerEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authDkimBodyLength = defineRule({
  id: 'auth.dkim-body-length',
  severity: 'medium',
  title: 'Content after the DKIM-signed body length (l=)',
  description: 'A DKIM signature covers only the first l= bytes of the body, and the message has more: that part is unsigned (RFC 6376 8.2).',
  explain:
    'The l= tag lets a signer sign only the start of the body. Anything after it can be added by anyone while the signature still passes, which is how attackers append a phishing payload to a genuinely signed message.',
  check: ({ auth, message }) =>
    resultsOf(auth.results, 'dkim')
      .filter((r) => typeof r.details?.['unsignedBodyBytes'] === 'number' && (r.details['unsignedBodyBytes'] as number) > 0)
      .map((r) => ({
        severity: r.result === 'pass' ? ('medium' as const) : ('low' as const),
        title: `${String(r.details?.['unsignedBodyBytes'])} body bytes after the l=${String(r.details?.['bodyLength'])} signed by ${r.domain ?? '?'} are unsigned`,
        evidence: [...headerEvidence(message, r.details?.['header'] as number | undefined), resultEvidence(r)],
        data: { domain: r.domain, bodyLength: r.details?.['bodyLength'], unsignedBodyBytes: r.details?.['unsignedBodyBytes'] },
      })),
});
