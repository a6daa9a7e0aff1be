import { defineRule } from '../define.js';
import { resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authArcFail = defineRule({
  id: 'auth.arc-fail',
  severity: 'low',
  title: 'The ARC chain does not validate',
  description: 'The message carries ARC sets, and the chain fails RFC 8617 5.2 validation (a seal or the newest message signature does not verify, or the chain is malformed).',
  explain:
    'ARC lets forwarders such as mailing lists vouch for the authentication results they saw. A broken chain means those vouchers cannot be believed; on its own it is weak evidence, since a modified or mis-sealed chain also fails.',
  check: ({ auth }) =>
    resultsOf(auth.results, 'arc')
      .filter((r) => r.result === 'fail')
      .map((r) => ({ evidence: [resultEvidence(r)], data: { comment: r.comment, instances: r.details?.['instances'] } })),
});
