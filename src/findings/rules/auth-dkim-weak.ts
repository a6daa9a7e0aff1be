import { defineRule } from '../define.js';
import { headerEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authDkimWeak = defineRule({
  id: 'auth.dkim-weak',
  severity: 'low',
  title: 'A DKIM signature uses a key too short to trust',
  description: 'The signing key is shorter than 1024 bits, which RFC 8301 3.2 forbids verifiers to accept (result policy).',
  explain: 'Keys of 512 bits can be factored cheaply; a signature made with one proves little, since anyone who factored the key can sign as the domain.',
  check: ({ auth, message }) =>
    resultsOf(auth.results, 'dkim')
      .filter((r) => r.result === 'policy')
      .map((r) => ({
        title: `DKIM key of ${r.domain ?? '?'} rejected by policy${r.details?.['keyBits'] ? ` (${String(r.details['keyBits'])} bits)` : ''}`,
        evidence: [...headerEvidence(message, r.details?.['header'] as number | undefined), resultEvidence(r)],
        data: { domain: r.domain, policy: r.details?.['policy'], keyBits: r.details?.['keyBits'] },
      })),
});
