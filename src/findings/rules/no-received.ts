import { defineRule } from '../define.js';

export const noReceived = defineRule({
  id: 'hops.no-received',
  severity: 'medium',
  title: 'No Received header at all',
  description: 'The message carries no Received header, so no server recorded handling it.',
  explain:
    'Every server that relays a message over SMTP adds a Received line. A message with none was never relayed, or its trace was removed: its origin cannot be established.',
  check: ({ message }) => (message.headers.some((f) => f.key === 'received') ? [] : [{ evidence: [] }]),
});
