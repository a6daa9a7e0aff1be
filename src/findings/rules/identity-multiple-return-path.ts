import { defineRule } from '../define.js';
import { fieldsEvidence } from '../../identity/support.js';
import { fieldsNamed } from '../../message/parse.js';
import { parsePath } from '../../message/addresses.js';

const REDELIVERED = 'Several Return-Path headers, each above a Received line: usual for a re-delivery (fetchmail, a local forward)';
const SAME_ADDRESS = 'Several Return-Path headers, all the same address: usual for a re-delivery';

// Return-Path: <alice@example.com>
// Return-Path: <attacker@evil.example>
export const multipleReturnPath = defineRule({
  id: 'identity.multiple-return-path',
  severity: 'medium',
  title: 'Several Return-Path headers',
  description: 'More than one Return-Path field. Only the delivering server writes one (RFC 5321 4.4), so the others came with the message.',
  explain:
    'The last server to deliver a message records the envelope sender once, as Return-Path. A second one was written by someone earlier, often the sender, to make the message look as if it came from elsewhere.',
  check: ({ message }) => {
    const fields = fieldsNamed(message, 'return-path');
    if (fields.length < 2) return [];
    const distinct = new Set(fields.map((f) => parsePath(f.value).toLowerCase()));
    // Each final delivery stamps one, so a re-delivery (fetchmail, a local forward) leaves one per delivery with
    // Received lines between them. One below every Received line was there before any server saw the message:
    // the sender wrote it.
    const lastReceived = message.headers.reduce((n, f) => (f.key === 'received' ? f.index : n), -1);
    const planted = distinct.size > 1 && fields.some((f) => f.index > lastReceived);
    return [
      {
        severity: planted ? 'medium' : 'low',
        ...(planted ? {} : { title: distinct.size > 1 ? REDELIVERED : SAME_ADDRESS }),
        evidence: fieldsEvidence(message, 'return-path'),
        data: { count: fields.length, distinct: [...distinct], belowEveryReceived: planted },
      },
    ];
  },
});
