// RawMessage bytes -> Message: header fields in order with their raw text. The body is not decoded.
import type { HeaderField, Message } from '../types.js';
import { splitHeader } from './split.js';
import { toBuffer } from './text.js';

export const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;

/** The input is not an RFC 5322 message at all (exit code 65). */
export class NotAMessageError extends Error {
  override readonly name = 'NotAMessageError';
}

/** Why binary input is no message (the analysis says it, and a stream read says it before reading on). */
export const BINARY_DATA = 'binary data, not a mail message';

/** Share of control bytes above which the start of the input is binary, not mail. */
const BINARY_CONTROL_SHARE = 0.1;

/**
 * Binary data, not mail: a NUL, or many control bytes, in the header part of the first 4 KB. Only the header is
 * judged: a body may be 8-bit or binary (RFC 3030 BINARYMIME), and a NUL there used to make the whole message
 * "not mail" (in the filter, a way to dodge the analysis).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  // Native searches (memchr, a compiled regex) over the first 4 KB instead of a loop over every byte: a worker runs
  // its first thousands of messages in unoptimised code, where that loop cost ~19 µs a message.
  const head = toBuffer(bytes).subarray(0, 4096).toString('latin1');
  const blank = EMPTY_LINE.exec(head);
  const header = blank ? head.slice(0, blank.index) : head;
  if (header.includes('\0')) return true;
  const controls = header.match(CONTROLS);
  return controls !== null && controls.length / Math.max(1, header.length) > BINARY_CONTROL_SHARE;
}

/** The end of a header: an empty line, with LF, CRLF or CR line breaks. */
const EMPTY_LINE = /\n\r?\n|\r\r/;

/**
 * Control bytes other than NUL (looked for first), HTAB, LF and CR, and ESC, SO and SI, which ISO-2022 text
 * (ISO-2022-JP, -KR: raw Japanese or Korean in old mail) is made of.
 */
const CONTROLS = /[\x01-\x08\x0b\x0c\x10-\x1a\x1c-\x1f]/g;

/**
 * Fields only mail has: RFC 5322 3.6 (origination, addresses, identification, informational, trace, resent-), MIME,
 * the envelope a delivery adds, and authentication. A file whose "header" has none of them ("repo: https://...",
 * "commit: ..." in a README) is text that happens to look like header fields, not a message.
 */
const MAIL_FIELDS = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'date', 'subject', 'message-id', 'in-reply-to', 'references',
  'comments', 'keywords', 'received', 'return-path', 'delivered-to', 'x-original-to', 'envelope-to', 'mime-version',
  'dkim-signature', 'domainkey-signature', 'authentication-results', 'received-spf',
]);
const MAIL_FIELD_PREFIXES = ['content-', 'resent-', 'arc-', 'list-', 'x-'];

function isMailField(key: string): boolean {
  return MAIL_FIELDS.has(key) || MAIL_FIELD_PREFIXES.some((p) => key.startsWith(p));
}

/** At least one of the fields is one only mail has: the fields head a message, not a README of "key: value" lines. */
export function hasMailField(fields: readonly Pick<HeaderField, 'key'>[]): boolean {
  return fields.some((f) => isMailField(f.key));
}

/**
 * `binaryHeader`: 'refuse' (a file that may be anything: binary data is no message) or 'analyse' (input known to be
 * mail: a binary-looking header that has mail fields is analysed, the control bytes noted as a problem).
 */
export function parseMessage(bytes: Uint8Array, maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES, binaryHeader: 'refuse' | 'analyse' = 'refuse'): Message {
  if (bytes.length === 0) throw new NotAMessageError('empty input');
  const binary = looksBinary(bytes);
  if (binary && binaryHeader === 'refuse') throw new NotAMessageError(BINARY_DATA);
  const split = splitHeader(bytes, maxHeaderBytes);
  if (split.fields.length === 0) {
    throw new NotAMessageError(split.bodyOffset === split.start ? 'no header section (the first line is not a header field)' : 'no header fields');
  }
  if (!hasMailField(split.fields)) throw new NotAMessageError('no mail header field (From, Date, Received, Subject, ...)');
  if (binary && !split.problems.some((p) => p.code === 'nul-in-header')) {
    split.problems.push({ code: 'control-bytes-in-header', detail: 'over a tenth of the header is control bytes' });
  }
  let body = bytes.subarray(split.start);
  // Bare-CR input collapses in mailauth (and in mailparser, platform-facts 2.2): convert it once here.
  if (split.lineEnding === 'cr') body = bareCrToCrlf(body);
  // Every key always present (mboxFrom undefined when there is no From_ line): a message of each kind had its own
  // hidden class, and the code reading messages was optimised for one and thrown away at the first of the other.
  return {
    headers: split.fields,
    size: bytes.length,
    bodyOffset: split.bodyOffset,
    lineEnding: split.lineEnding,
    mboxFrom: split.mboxFrom,
    problems: split.problems,
    bytes: body,
  };
}

function bareCrToCrlf(bytes: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(bytes.length * 2);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[o++] = b;
    if (b === 13 && bytes[i + 1] !== 10) out[o++] = 10;
  }
  return out.subarray(0, o);
}

/** Every field with this (case-insensitive) name, topmost first. */
export function fieldsNamed(message: Message, name: string): HeaderField[] {
  const key = name.toLowerCase();
  return message.headers.filter((f) => f.key === key);
}

/** The topmost field with this name. */
export function firstField(message: Message, name: string): HeaderField | undefined {
  const key = name.toLowerCase();
  return message.headers.find((f) => f.key === key);
}
