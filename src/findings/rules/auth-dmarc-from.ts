import { defineRule } from '../define.js';
import { fieldEvidence } from '../define.js';
import { resultEvidence, resultsOf } from '../../auth/evidence.js';

export const authDmarcFrom = defineRule({
  id: 'auth.dmarc-from',
  severity: 'info',
  title: 'DMARC cannot be evaluated: From is missing, repeated or holds several domains',
  description:
    'DMARC needs exactly one author domain (RFC 7489 6.6.1); this message has none, several From fields, or mailboxes of several domains, so there is no DMARC result. Info only: the From structure itself is judged (and weighed) by identity.no-from and identity.ambiguous-from.',
  explain:
    'Mail clients show one From address, but a message with two From fields or two mailboxes lets the checker and the reader see different senders. DMARC refuses to judge such a message, which is exactly what a spoofer wants.',
  check: ({ auth, message }) =>
    resultsOf(auth.results, 'dmarc')
      .filter((r) => typeof r.details?.['skipReason'] === 'string')
      .map((r) => ({
        title: `DMARC not evaluated: ${r.comment ?? String(r.details?.['skipReason'])}`,
        evidence: [...message.headers.filter((f) => f.key === 'from').map(fieldEvidence), resultEvidence(r)],
        data: { reason: r.details?.['skipReason'], authorDomains: r.details?.['authorDomains'] },
      })),
});
