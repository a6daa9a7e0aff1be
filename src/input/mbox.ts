// mbox files, streamed: the file is read in fixed-size chunks and cut at "From " separator lines, so memory stays
// bounded by the largest single message (capped), never by the file. A 2 GB archive costs a few MB of buffers.
//
// Format (RFC 4155, and the mboxo/mboxrd variants described by qmail's mbox(5)):
//   From MAILER-DAEMON Thu Aug 22 13:17:22 2002        <- separator: "From ", envelope sender, asctime date
//   Return-Path: <...>                                  <- the message, one line per line
//   ...
//   >From the body, a line that began with "From "     <- quoted by the writer
//                                                       <- blank line the writer adds after each message
// Only a line that looks like a real separator ("From " + sender + a date: day or month name, time of day, year) starts
// a new message: an unquoted "From here on..." in a body (mboxo writers that forgot to quote) does not cut the message
// in two.
// Blank lines before the first separator (an editor's or a concatenation's leftovers) are not a message: they are
// skipped, and the messages keep their indexes and file offsets. Text before it is reported as a message, so that
// nothing in the file goes unseen.
import { closeFile, openFile, readAt } from './fs-async.js';
import { releaseShared, sharedConcat, sharedCopy } from './read.js';
import { toBuffer } from '../message/text.js';
import { bomLength, UTF8_BOM } from '../message/split.js';

export interface MboxMessage {
  /** Byte offset of the message's "From " line in the file. */
  offset: number;
  /** 0-based ordinal of the message in the file. */
  index: number;
  /** The message with its "From " line (the message stage sets it aside) and ">From " unquoted; undefined when oversized. */
  bytes?: Uint8Array;
  /** Size of the message in the file. */
  size: number;
}

export interface MboxOptions {
  chunkBytes?: number;
  /** Messages larger than this are reported (bytes undefined) instead of being held in memory. */
  maxMessageBytes?: number;
}

const FROM_ = Buffer.from('\nFrom ');
/** A separator line longer than this is body text, not an envelope line. */
const MAX_SEPARATOR_LINE = 1000;
const DEFAULT_CHUNK = 1024 * 1024;
export const DEFAULT_MAX_MBOX_MESSAGE = 64 * 1024 * 1024;

// "From 12a1mailbot1@web.de  Thu Aug 22 13:17:22 2002" (SpamAssassin corpus), "From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
// "From - Mon Jan  1 00:00:00 2024" (Thunderbird): "From ", the envelope sender as one token (may be empty:
// "From  Thu ..."), then an asctime-like date: a weekday or month name, a time of day and a year (four digits or two), in
// whatever order and with whatever else between ("[ufa]" in the corpus, a time zone). A body line such as "From the
// desk of the CEO, meeting at 10:30" has no date, so it does not cut a message in two. Checked by hand and with
// fixed-length patterns: linear on any line (a regex with two open-ended runs took 6.5 s of CPU over a 10 MB file
// of "From x" + 990 spaces lines).
const DAY_OR_MONTH = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/;
const TIME_OF_DAY = /\b\d{1,2}:\d{2}\b/;
// Four digits anywhere, or two right after a time with seconds and an optional upper-case zone (mbox(5): year =
// 4DIGIT / 2DIGIT, "Fri Jun 23 02:56:55 00"; two digits elsewhere are the day of the month, and "Mon at 10:30 am 12"
// or "9:00 to 12 noon" in a body are no date).
const YEAR = /(?<![\d:])\d{4}(?![\d:])|\d:\d{2}:\d{2}[ \t]+(?:[A-Z]{2,5}[ \t]+)?\d{2}(?![\d:])/;
/** "From : x" is the From field with the obsolete space before its colon (RFC 5322 4.5.3), as the message stage reads it. */
const FROM_FIELD = /^From[ \t]*:/;

/** True when this line (without its terminator) is an mbox separator line. */
export function isSeparatorLine(line: string): boolean {
  if (line.length > MAX_SEPARATOR_LINE || !line.startsWith('From ') || FROM_FIELD.test(line)) return false;
  const date = line.slice(senderEnd(line));
  return date !== '' && DAY_OR_MONTH.test(date) && TIME_OF_DAY.test(date) && YEAR.test(date);
}

/** Where the sender token after "From " ends: at the first space or tab. */
function senderEnd(line: string): number {
  let i = 5;
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
  return i;
}

/** Whether the first bytes of a file are an mbox separator line. */
export function startsWithSeparator(head: Uint8Array): boolean {
  // A UTF-8 byte-order mark before it is skipped, as the message stage skips it before a header.
  const bom = bomLength(head);
  const text = Buffer.from(head.buffer, head.byteOffset + bom, Math.min(head.byteLength - bom, MAX_SEPARATOR_LINE + 2)).toString('latin1');
  const end = text.search(/[\r\n]/);
  return isSeparatorLine(end === -1 ? text : text.slice(0, end));
}

/**
 * Whether a line after the first starts with "From ": without one, a file that starts with a separator holds a single
 * message, and need not be cut (the SpamAssassin corpus keeps one message a file, each behind its From_ line).
 */
export function hasLaterFromLine(bytes: Uint8Array): boolean {
  return toBuffer(bytes).indexOf(FROM_) !== -1;
}

/**
 * mboxrd unquoting: one '>' is removed from every line matching /^>+From /. For mboxo files this also restores lines
 * the writer quoted; a body line that really began with ">From " cannot be told apart in mboxo (the format is lossy).
 */
export function unquoteFromLines(bytes: Buffer): Buffer {
  if (bytes.indexOf('\n>') === -1) return bytes;
  const out: Buffer[] = [];
  let copied = 0;
  let at = bytes.indexOf('\n>');
  while (at !== -1) {
    let i = at + 1;
    while (bytes[i] === 0x3e) i++;
    if (bytes.toString('latin1', i, i + 5) === 'From ') {
      out.push(bytes.subarray(copied, at + 1));
      copied = at + 2; // skip one '>'
    }
    at = bytes.indexOf('\n>', i);
  }
  if (copied === 0) return bytes;
  out.push(bytes.subarray(copied));
  return Buffer.concat(out);
}

function unquotedShared(bytes: Buffer): Buffer {
  const unquoted = unquoteFromLines(bytes);
  if (unquoted === bytes) return bytes;
  releaseShared(bytes);
  return sharedCopy(unquoted);
}

/**
 * Only SP, HTAB, CR and LF: what a blank or whitespace-only line is made of. `at` is where the piece starts in the
 * file: a UTF-8 byte-order mark in its first three bytes is no text either (a BOM before the first separator made a
 * message of its own, and on stdin the whole mbox one message).
 */
function isBlank(piece: Buffer, at: number): boolean {
  for (let i = 0; i < piece.length; i++) {
    const byte = piece[i]!;
    if (at + i < UTF8_BOM.length && byte === UTF8_BOM[at + i]) continue;
    if (!isBlankByte(byte)) return false;
  }
  return true;
}

/** SP, HTAB, CR or LF. */
export function isBlankByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}

/** Drop the blank line the mbox writer added after the message (RFC 4155: it is framing, not content). */
function dropFramingBlankLine(bytes: Buffer): Buffer {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 1] === 10 && bytes[n - 2] === 10) return bytes.subarray(0, n - 1);
  if (n >= 4 && bytes.toString('latin1', n - 4) === '\r\n\r\n') return bytes.subarray(0, n - 2);
  return bytes;
}

/** The file in chunks of chunkBytes, each a fresh buffer. */
async function* fileChunks(path: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const fd = await openFile(path, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const bytesRead = await readAt(fd, chunk, chunkBytes, null);
      if (bytesRead === 0) return;
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    await closeFile(fd);
  }
}

/** Stream the messages of an mbox file, in order. Reading stops early when the consumer stops iterating. */
export function readMbox(path: string, options: MboxOptions = {}): AsyncGenerator<MboxMessage> {
  return splitMbox(fileChunks(path, options.chunkBytes ?? DEFAULT_CHUNK), options);
}

/** Cut a stream of chunks (a file, or one buffer already in memory) into mbox messages. */
export async function* splitMbox(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, options: MboxOptions = {}): AsyncGenerator<MboxMessage> {
  const maxMessage = options.maxMessageBytes ?? DEFAULT_MAX_MBOX_MESSAGE;
  const source = (Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()) as AsyncIterator<Buffer> | Iterator<Buffer>;
  {
    let parts: Buffer[] = [];
    let held = 0; // bytes in parts
    let msgSize = 0; // bytes of the current message seen so far
    let msgOffset = 0;
    let index = 0;
    let oversized = false;
    let carry = Buffer.alloc(0);
    let carryOffset = 0; // file offset of carry[0]
    let eof = false;
    let blankSoFar = true; // nothing but whitespace read yet: a blank preamble, or nothing at all

    const append = (piece: Buffer) => {
      blankSoFar &&= isBlank(piece, index === 0 ? msgSize : UTF8_BOM.length);
      msgSize += piece.length;
      if (oversized) return;
      if (held + piece.length > maxMessage) {
        oversized = true;
        parts = [];
        held = 0;
        return;
      }
      parts.push(piece);
      held += piece.length;
    };
    const finish = (): MboxMessage => {
      const msg: MboxMessage = { offset: msgOffset, index, size: msgSize };
      // Always a copy: a slice would keep its whole 1 MiB read chunk alive (and be cloned whole to a worker). Made in
      // shared memory, where a scan's worker reads it as it is (input/read.ts); when unquoting rewrites it, the
      // rewrite goes there instead and the first copy is released at once.
      if (!oversized) msg.bytes = unquotedShared(dropFramingBlankLine(sharedConcat(parts, held)));
      parts = [];
      held = 0;
      msgSize = 0;
      oversized = false;
      index++;
      return msg;
    };
    const dropBlankPreamble = () => {
      parts = [];
      held = 0;
      msgSize = 0;
      oversized = false;
    };

    while (!eof) {
      const step = await source.next();
      eof = step.done === true;
      const chunk = eof ? Buffer.alloc(0) : (step.value as Buffer);
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const dataOffset = carryOffset;
      let segStart = 0;
      let searchFrom = 0;
      let stopAt = -1; // where an undecidable (unterminated) candidate line begins
      for (;;) {
        const hit = data.indexOf(FROM_, searchFrom);
        if (hit === -1) break;
        const lineStart = hit + 1;
        const lineEnd = data.indexOf(10, lineStart);
        if (lineEnd === -1 && !eof && data.length - lineStart <= MAX_SEPARATOR_LINE) {
          stopAt = hit;
          break;
        }
        const lineText = data.toString('latin1', lineStart, lineEnd === -1 ? data.length : Math.min(lineEnd, lineStart + MAX_SEPARATOR_LINE + 1));
        if (isSeparatorLine(lineText.replace(/\r$/, ''))) {
          append(data.subarray(segStart, lineStart));
          if (blankSoFar) dropBlankPreamble();
          else if (msgSize > 0 || index > 0) yield finish();
          msgOffset = dataOffset + lineStart;
          segStart = lineStart;
        }
        searchFrom = lineStart;
      }
      // Keep back what could still begin a separator split across the chunk boundary.
      const keepFrom = eof ? data.length : stopAt !== -1 ? stopAt : Math.max(segStart, data.length - (FROM_.length - 1));
      if (keepFrom > segStart) append(data.subarray(segStart, keepFrom));
      carry = Buffer.from(data.subarray(keepFrom)); // a copy: the chunk it came from can be released
      carryOffset = dataOffset + keepFrom;
    }
    if (msgSize > 0 && !blankSoFar) yield finish();
  }
}
