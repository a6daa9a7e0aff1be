import { defineRule } from '../define.js';
import { firstHeaderEvidence, resultEvidence, resultsOf } from '../../auth/evidence.js';

// A DNS outage leaves every method temperror, and with no finding the verdict was 'pass': a spoof of a p=reject
// domain looked as clean as the mail it imitates for as long as the resolver was gone. Only our own evaluation
// counts (a receiver's recorded temperror is its history, not our blind spot).
export const authDmarcUndetermined = defineRule({
  id: 'auth.dmarc-undetermined',
  severity: 'low',
  title: 'DMARC could not be evaluated for the From domain',
  description:
    'Evaluated against DNS, DMARC came out temperror: the resolver, the From domain\'s servers, or an aligned key or SPF record did not answer. The verdict stands on the rest; the filter says "not analysed" instead.',
  explain:
    'DMARC is what ties the visible From address to an authenticated domain. When DNS fails, nothing can be said either way: the message may be genuine or a spoof of a domain that asks receivers to reject such mail. Try again later, or with another resolver (--dns-server).',
  check: ({ auth, message }) =>
    auth.mode !== 'computed'
      ? []
      : resultsOf(auth.results, 'dmarc')
          .filter((r) => r.result === 'temperror')
          .map((r) => ({
            title: `DMARC could not be evaluated for ${r.domain ?? 'the From domain'} (temperror${r.comment ? `: ${r.comment}` : ''})`,
            evidence: [...firstHeaderEvidence(message, 'from'), resultEvidence(r)],
            data: { domain: r.domain, comment: r.comment },
          })),
});
