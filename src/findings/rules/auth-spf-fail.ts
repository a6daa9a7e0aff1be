import { defineRule } from '../define.js';
import { hopEvidence } from '../define.js';
import { recordEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authSpfFail = defineRule({
  id: 'auth.spf-fail',
  severity: 'medium',
  title: 'SPF fails at the trust boundary',
  description:
    'The client that handed the message to the receiving side is not allowed to send for the MAIL FROM (or HELO) domain: fail is medium, softfail low, each one level lower for the HELO identity and again when DMARC still passes (an aligned DKIM signature vouches for the mail).',
  explain:
    'SPF lets a domain list the servers that may send its mail. The check uses the client IP the receiving side itself recorded, so a failure means the mail came from a server the domain does not list: a spoof, or a forwarder that did not rewrite the envelope.',
  check: ({ auth, chain }) => {
    const dmarcPass = resultsOf(auth.results, 'dmarc').some((r) => r.result === 'pass');
    const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
    return resultsOf(auth.results, 'spf')
      .filter((r) => r.result === 'fail' || r.result === 'softfail')
      .map((r) => {
        const identity = String(r.details?.['identity'] ?? 'mailfrom');
        // The HELO identity alone is weaker evidence: many servers' HELO names publish no or loose SPF.
        const base = r.result === 'fail' && identity !== 'helo' ? 'medium' : r.result === 'fail' || identity !== 'helo' ? 'low' : 'info';
        const severity = dmarcPass ? (base === 'medium' ? 'low' : 'info') : base;

        return {
          severity,
          title: `SPF ${r.result} for ${identity === 'helo' ? 'the HELO name' : 'the MAIL FROM domain'} ${r.domain ?? ''}`.trim(),
          evidence: [...(boundary ? [hopEvidence(boundary)] : []), resultEvidence(r), ...recordEvidence(r, r.domain)],
          data: { result: r.result, domain: r.domain, identity, ip: r.details?.['ip'], dmarcPass, mode: auth.mode },
        };
      });
  },
});
