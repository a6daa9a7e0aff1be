import { defineRule } from '../define.js';
import type { Severity } from '../../types.js';
import { firstHeaderEvidence, recordEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';
import { acceptedOnArc } from '../../auth/offline.js';

/** What the From domain asks receivers to do with failing mail decides how loud we are (RFC 7489 6.3 p=). */
const BY_POLICY: Record<string, Severity> = { reject: 'high', quarantine: 'medium', none: 'low' };

export const authDmarcFail = defineRule({
  id: 'auth.dmarc-fail',
  severity: 'medium',
  title: 'DMARC fails for the From domain',
  description: 'Neither an aligned SPF pass nor an aligned DKIM pass vouches for the From domain; severity follows the domain\'s policy (reject: high, quarantine: medium, none: low), and is low when the receiver recorded that it accepted the message on a trusted forwarder\'s ARC chain (Gmail\'s "dis=NONE arc=pass").',
  explain:
    'DMARC ties the visible From address to a domain that SPF or DKIM authenticated. A failure means nothing proves the From domain sent this message; a domain that publishes p=reject asks receivers to refuse exactly such mail.',
  check: ({ auth, message }) => {
    // The receiver's own trusted result says it accepted the message on a forwarder's ARC chain it trusts: a forward
    // that broke the author's signature, as the receiver judged it (an attacker cannot write this field). Offline it
    // is the result itself; computed against DNS, the receiver's field still tells what it did with the message.
    const onArc = auth.recorded.some((x) => x.trusted && x.method === 'dmarc' && acceptedOnArc(x));
    return resultsOf(auth.results, 'dmarc')
      .filter((r) => r.result === 'fail')
      .map((r) => {
        const disposition = String(r.details?.['disposition'] ?? r.details?.['policy'] ?? 'none');
        const policy = String(r.details?.['policy'] ?? 'none');
        const severity = onArc ? 'low' : (BY_POLICY[disposition] ?? BY_POLICY[policy] ?? 'medium');
        return {
          severity,
          title: `DMARC fails for ${r.domain ?? 'the From domain'} (policy ${policy})${onArc ? ', but the receiver accepted it on the ARC chain of a forwarder it trusts (dis=NONE arc=pass)' : ''}`,
          evidence: [...firstHeaderEvidence(message, 'from'), resultEvidence(r), ...recordEvidence(r, r.details?.['policyDomain'] ? `_dmarc.${String(r.details['policyDomain'])}` : r.domain ? `_dmarc.${r.domain}` : undefined)],
          data: { domain: r.domain, policy, disposition, alignment: r.details?.['alignment'], mode: auth.mode },
        };
      });
  },
});
