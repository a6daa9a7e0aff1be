import { defineRule } from '../define.js';

export const noFrom = defineRule({
  id: 'identity.no-from',
  severity: 'medium',
  title: 'No From header',
  description: 'The message has no From field, which RFC 5322 3.6 requires.',
  explain: 'Every message must name its author in From. Without one, DMARC cannot be applied at all, and each mail client fills the gap in its own way.',
  check: ({ message }) =>
    message.headers.some((f) => f.key === 'from') ? [] : [{ evidence: [{ header: '(none)', index: -1, text: 'no From field in the header block' }] }],
});
