// MAIL FROM as the receiving side knew it (RFC 5321 4.4: the delivering MTA writes Return-Path at the top).
// A Return-Path counts only when it sits above the boundary Received, i.e. the receiving side wrote it; one below
// the boundary is the sender's own text, and trusting it would let an attacker choose whose SPF is checked.
// Without a boundary nothing is trustworthy, and the topmost Return-Path is the best available guess. Exchange Online
// writes its Return-Path below the Received lines, among its own fields: one there counts when the receiving side's
// own trusted Authentication-Results recorded the same MAIL FROM (smtp.mailfrom).
import type { Chain, HeaderField, Message, RecordedResult } from '../types.js';
import { parsePath } from '../message/addresses.js';
import { bareDomain, domainOfAddress } from './org.js';

export interface MailFrom {
  /** '' is the null reverse-path (<>). */
  mailFrom: string;
  /** The Return-Path field it came from, if any. */
  field?: HeaderField;
  /** Human-readable origin, for reports. */
  source: string;
}

export function envelopeMailFrom(message: Message, chain: Chain, recorded: readonly RecordedResult[] = []): MailFrom | undefined {
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const returnPath = message.headers.find((f) => f.key === 'return-path');
  if (returnPath && (!boundary || returnPath.index < boundary.header)) {
    const where = boundary ? 'above the boundary' : 'no trust boundary to check it against';
    return { mailFrom: parsePath(returnPath.value), field: returnPath, source: `Return-Path (header ${returnPath.index}, ${where})` };
  }
  if (boundary?.envelopeFrom !== undefined) return { mailFrom: parsePath(boundary.envelopeFrom), source: 'the boundary hop envelope-from' };
  return returnPath ? corroboratedReturnPath(message, recorded) : undefined;
}

/**
 * A Return-Path below the boundary whose address the receiving side's own trusted SPF result names as MAIL FROM:
 * "smtp.mailfrom=oqmhwr.net" (Exchange Online writes the domain) or the whole address. The sender can write a
 * Return-Path, not the receiver's result, so an agreeing one is what the receiver saw; a disagreeing one is ignored.
 * The lowest agreeing one: a domain says nothing of the local part, and Exchange Online appends its own fields after
 * the sender's (below X-IncomingHeaderCount), so a sender's "Return-Path: owner-news@oqmhwr.net" above the one
 * Exchange wrote would choose a list owner's address (list traffic, and the Reply-To finding goes quiet).
 */
function corroboratedReturnPath(message: Message, recorded: readonly RecordedResult[]): MailFrom | undefined {
  for (const r of recorded) {
    const stated = r.trusted && r.method === 'spf' ? r.properties['smtp.mailfrom']?.toLowerCase() : undefined;
    if (!stated) continue;
    for (let i = message.headers.length - 1; i >= 0; i--) {
      const field = message.headers[i]!;
      if (field.key !== 'return-path') continue;
      const path = parsePath(field.value);
      const matches = stated.includes('@') ? path.toLowerCase() === stated : domainOfAddress(path) === bareDomain(stated);
      if (path && matches) return { mailFrom: path, field, source: `Return-Path (header ${field.index}, below the boundary, as ${r.authservId || 'the receiver'} recorded smtp.mailfrom=${stated})` };
    }
  }
  return undefined;
}
