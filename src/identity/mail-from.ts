// MAIL FROM as the receiving side knew it (RFC 5321 4.4: the delivering MTA writes Return-Path at the top).
// A Return-Path counts only when it sits above the boundary Received, i.e. the receiving side wrote it; one below
// the boundary is the sender's own text, and trusting it would let an attacker choose whose SPF is checked.
// Without a boundary nothing is trustworthy, and the topmost Return-Path is the best available guess.
import type { Chain, HeaderField, Message } from '../types.js';
import { parsePath } from '../message/addresses.js';

export interface MailFrom {
  /** '' is the null reverse-path (<>). */
  mailFrom: string;
  /** The Return-Path field it came from, if any. */
  field?: HeaderField;
  /** Human-readable origin, for reports. */
  source: string;
}

export function envelopeMailFrom(message: Message, chain: Chain): MailFrom | undefined {
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const returnPath = message.headers.find((f) => f.key === 'return-path');
  if (returnPath && (!boundary || returnPath.index < boundary.header)) {
    const where = boundary ? 'above the boundary' : 'no trust boundary to check it against';
    return { mailFrom: parsePath(returnPath.value), field: returnPath, source: `Return-Path (header ${returnPath.index}, ${where})` };
  }
  if (boundary?.envelopeFrom !== undefined) return { mailFrom: parsePath(boundary.envelopeFrom), source: 'the boundary hop envelope-from' };
  return undefined;
}
