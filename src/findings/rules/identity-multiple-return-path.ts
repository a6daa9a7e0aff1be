import { defineRule } from '../define.js';
import { fieldsEvidence } from '../../identity/support.js';
import { fieldsNamed } from '../../message/parse.js';
import { parsePath } from '../../message/addresses.js';

const REDELIVERED = 'Several Return-Path headers, none below the trust boundary: usual for a re-delivery (fetchmail, a local forward)';
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
  check: ({ message, chain }) => {
    const fields = fieldsNamed(message, 'return-path');
    if (fields.length < 2) return [];
    const distinct = new Set(fields.map((f) => parsePath(f.value).toLowerCase()));
    // Each final delivery stamps one, so a re-delivery (fetchmail, a local forward) leaves one per delivery, each
    // above the Received lines of the side that delivered it. One below the trust boundary's Received line came with
    // the message, and a Received line under it may be the sender's too. A forwarder's earlier delivery can leave one
    // there as well, but forwarding signs are headers a forger writes too, so they do not lower it (context only
    // turns low into info: identity/context.ts). Without a boundary: below every Received line.
    const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
    const limit = boundary ? boundary.header : message.headers.reduce((n, f) => (f.key === 'received' ? f.index : n), -1);
    const planted = distinct.size > 1 && fields.some((f) => f.index > limit);
    const title = planted ? undefined : distinct.size > 1 ? REDELIVERED : SAME_ADDRESS;
    return [
      {
        severity: planted ? 'medium' : 'low',
        ...(title ? { title } : {}),
        evidence: fieldsEvidence(message, 'return-path'),
        data: { count: fields.length, distinct: [...distinct], belowBoundary: planted },
      },
    ];
  },
});
