// Envelope vs headers: what the SMTP transaction said, and what the headers claim.
// The envelope (MAIL FROM, RCPT TO, the client's IP and HELO) decides where mail goes and where bounces go;
// the headers (From, Sender, Reply-To...) are what a person reads, and the sender can write anything there.
import type { Chain, Identity, Mailbox, Message, RecordedResult } from '../types.js';
import { fieldsNamed, firstField } from '../message/parse.js';
import { fieldMailboxes, parseMailboxes, parsePath } from '../message/addresses.js';
import { decodeWords } from '../message/encoded-words.js';
import { envelopeMailFrom } from './mail-from.js';
import { parseMailDate } from '../message/dates.js';

export { orgDomain, sameOrg } from './org.js';
export { gatherRelayContext, type RelayContext } from './relay.js';

function mailboxesOf(message: Message, name: string): Mailbox[] {
  return fieldsNamed(message, name).flatMap((f) => fieldMailboxes(f));
}

function resentBlock(message: Message): Identity['resent'] {
  const from = firstField(message, 'resent-from');
  const sender = firstField(message, 'resent-sender');
  if (!from && !sender) return undefined;
  const date = firstField(message, 'resent-date')?.value;
  const messageId = firstField(message, 'resent-message-id')?.value;
  const senderBox = sender ? parseMailboxes(sender.value)[0] : undefined;
  return {
    from: from ? parseMailboxes(from.value) : [],
    ...(senderBox ? { sender: senderBox } : {}),
    to: mailboxesOf(message, 'resent-to'),
    ...(date ? { date } : {}),
    ...(messageId ? { messageId } : {}),
  };
}

/** `recorded`: the Authentication-Results fields, judged (auth/recorded.ts), for a Return-Path only they confirm. */
export function extractIdentity(message: Message, chain: Chain, recorded: readonly RecordedResult[] = []): Identity {
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const envelopeFrom = envelopeMailFrom(message, chain, recorded);
  const rcptTo = ['delivered-to', 'x-original-to', 'envelope-to']
    .flatMap((n) => fieldsNamed(message, n).map((f) => parsePath(f.value)))
    .concat(boundary?.for ? [parsePath(boundary.for)] : [])
    .filter((a, i, all) => a && all.indexOf(a) === i);
  const dateField = firstField(message, 'date');
  const date = dateField ? parseMailDate(dateField.value) : undefined;
  const sender = mailboxesOf(message, 'sender')[0];
  const messageId = firstField(message, 'message-id')?.value;
  const subject = firstField(message, 'subject');
  const listId = firstField(message, 'list-id')?.value;
  const listPost = firstField(message, 'list-post')?.value;
  const resent = resentBlock(message);
  // Keys assigned in the report's order, each optional one only when known: no spread objects per message.
  const envelope = {} as Identity['envelope'];
  if (envelopeFrom) envelope.mailFrom = envelopeFrom.mailFrom;
  if (envelopeFrom?.field) envelope.mailFromSource = { header: envelopeFrom.field.name, index: envelopeFrom.field.index };
  envelope.rcptTo = rcptTo;
  if (boundary?.from?.ip) envelope.clientIp = boundary.from.ip;
  if (boundary?.from?.helo) envelope.helo = boundary.from.helo;
  const fromFields = fieldsNamed(message, 'from');
  const identity = { envelope, from: fromFields.flatMap((f) => fieldMailboxes(f)), fromFields: fromFields.length } as Identity;
  if (sender) identity.sender = sender;
  identity.replyTo = mailboxesOf(message, 'reply-to');
  identity.to = mailboxesOf(message, 'to');
  identity.cc = mailboxesOf(message, 'cc');
  if (messageId) identity.messageId = messageId;
  if (dateField) identity.date = date ? { raw: dateField.value, timestamp: date.timestamp } : { raw: dateField.value };
  if (subject) identity.subject = decodeWords(subject.value);
  if (listId) identity.listId = listId;
  if (listPost) identity.listPost = listPost;
  if (resent) identity.resent = resent;
  return identity;
}
