// Split raw bytes into header fields without decoding the body: a 20 MB attachment costs nothing here.
// Only SP and HTAB continue a header field (RFC 5322 2.2.3); the first line that is neither a field
// nor a continuation ends the header block, as Postfix's cleanup does.
import { isAscii } from 'node:buffer';
import type { HeaderField, LineEnding, MessageProblem } from '../types.js';
import { bytesToText, latin1, toBuffer } from './text.js';

const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;
const COLON = 58;

export interface SplitResult {
  fields: HeaderField[];
  bodyOffset: number;
  /** Offset where the message proper starts (after an mbox From line). */
  start: number;
  lineEnding: LineEnding;
  mboxFrom?: string;
  problems: MessageProblem[];
}

export type Terminator = 'crlf' | 'lf' | 'cr' | 'none';

/**
 * Finds line ends with Buffer.indexOf (memchr) instead of a loop over every byte, which cost a third of the split.
 * The next LF and the next CR are each searched once and reused until the scan passes them; -1: none ahead. The
 * searches stop at the header size cap (plus a little), so a large body is not scanned: only a line that runs past
 * the cap is looked for in the rest.
 * The line just read is the reader's own state (end, next, terminator), not an object per line: a message has
 * dozens of lines, and a worker's young generation filled with them.
 */
export class LineReader {
  private readonly head: Buffer;
  private nextLf: number;
  private nextCr: number;
  /** End of the line's content, before its terminator. */
  end = 0;
  /** Offset just past the terminator. */
  next = 0;
  terminator: Terminator = 'none';

  constructor(
    private readonly bytes: Buffer,
    limit: number,
  ) {
    this.head = bytes.subarray(0, Math.min(bytes.length, limit + 2));
    this.nextLf = this.find(LF, 0);
    this.nextCr = this.find(CR, 0);
  }

  private find(byte: number, from: number): number {
    const i = this.head.indexOf(byte, from);
    return i < 0 && this.head.length < this.bytes.length ? this.bytes.indexOf(byte, from) : i;
  }

  /** Reads the line that starts at `start` into end, next and terminator. */
  read(start: number): void {
    if (this.nextLf !== -1 && this.nextLf < start) this.nextLf = this.find(LF, start);
    if (this.nextCr !== -1 && this.nextCr < start) this.nextCr = this.find(CR, start);
    const lf = this.nextLf;
    const cr = this.nextCr;
    if (cr !== -1 && (lf === -1 || cr < lf)) this.set(cr, cr + 1 === lf ? cr + 2 : cr + 1, cr + 1 === lf ? 'crlf' : 'cr');
    else if (lf !== -1) this.set(lf, lf + 1, 'lf');
    else this.set(this.bytes.length, this.bytes.length, 'none');
  }

  private set(end: number, next: number, terminator: Terminator): void {
    this.end = end;
    this.next = next;
    this.terminator = terminator;
  }
}

/** Length of a field name at the start of the line (printable ASCII except ':'), and whether WSP precedes the colon. */
function fieldNameLength(bytes: Uint8Array, start: number, end: number): { nameEnd: number; colon: number } | undefined {
  let i = start;
  while (i < end && bytes[i]! > SP && bytes[i]! < 127 && bytes[i] !== COLON) i++;
  const nameEnd = i;
  if (nameEnd === start) return undefined;
  // obs-optional: WSP between the name and the colon (RFC 5322 4.5.3); attackers use it ("From : x").
  while (i < end && (bytes[i] === SP || bytes[i] === TAB)) i++;
  if (bytes[i] !== COLON) return undefined;
  return { nameEnd, colon: i };
}



/**
 * 3 when the bytes start with a UTF-8 byte-order mark, else 0. A BOM is no part of a message: a Windows editor that
 * saved the .eml put it there.
 */
/** The UTF-8 byte-order mark. */
export const UTF8_BOM: readonly number[] = [0xef, 0xbb, 0xbf];

export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2] ? 3 : 0;
}

export function splitHeader(bytes: Uint8Array, maxHeaderBytes: number): SplitResult {
  const problems: MessageProblem[] = [];
  let pos = bomLength(bytes);
  let mboxFrom: string | undefined;
  if (pos) problems.push({ code: 'byte-order-mark', detail: 'a UTF-8 byte-order mark before the header was skipped' });
  // A leading mbox "From " line (mboxo/mboxrd) is envelope, not header.
  // "From : x" (space before the colon) is a header field, not an mbox separator.
  if (bytes.length >= pos + 5 && /^From (?![ \t]*:)/.test(latin1(bytes.subarray(pos, pos + 64)))) {
    const first = new LineReader(toBuffer(bytes), pos + 1000);
    first.read(pos);
    mboxFrom = bytesToText(bytes.subarray(pos, Math.min(first.end, pos + 1000)));
    problems.push({ code: 'mbox-from-line', detail: 'a leading mbox "From " line was set aside' });
    pos = first.next;
  }
  const start = pos;
  const limit = Math.min(bytes.length, start + maxHeaderBytes);
  const fields: HeaderField[] = [];
  const lines = new LineReader(toBuffer(bytes), limit);
  const seen = new Set<Terminator>();
  // Fields are built once the end of the header block is known, so that the block is decoded in one piece.
  const pending: PendingField[] = [];
  let current: PendingField | undefined;
  let bodyOffset = bytes.length;
  let ended = false;

  const flush = () => {
    if (!current) return;
    pending.push(current);
    current = undefined;
  };

  while (pos < bytes.length) {
    if (pos >= limit) {
      problems.push({ code: 'header-truncated', detail: `header block larger than ${maxHeaderBytes} bytes; the rest was not read` });
      bodyOffset = pos;
      ended = true;
      break;
    }
    lines.read(pos);
    if (lines.terminator !== 'none') seen.add(lines.terminator);
    if (lines.end === pos) {
      // The blank line: the body starts after it.
      bodyOffset = lines.next;
      ended = true;
      break;
    }
    const first = bytes[pos];
    if ((first === SP || first === TAB) && current) {
      current.end = lines.end;
    } else {
      const name = fieldNameLength(bytes, pos, lines.end);
      if (!name) {
        // Not a field and not a continuation: the header block ends here (no blank line).
        problems.push({ code: 'invalid-header-line', detail: `line at byte ${pos} is not a header field; header block ends there` });
        bodyOffset = pos;
        ended = true;
        break;
      }
      flush();
      current = { start: pos, nameEnd: name.nameEnd, colon: name.colon, end: lines.end };
    }
    pos = lines.next;
  }
  flush();
  if (!ended) problems.push({ code: 'no-body-separator', detail: 'no blank line: the header block runs to the end of the input' });
  if (seen.has('cr')) problems.push({ code: 'bare-cr', detail: 'bare CR line endings' });
  const headerEnd = Math.min(bodyOffset, bytes.length);
  const text = headerText(bytes, start, headerEnd);
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!; // an index loop: every field of every message (for...of allocates a result a step)
    fields.push(makeField(bytes, text, fields.length, p));
  }
  if (bytes.subarray(start, headerEnd).includes(0)) problems.push({ code: 'nul-in-header', detail: 'NUL bytes in the header block' });
  const lineEnding: LineEnding = seen.size === 0 ? 'none' : seen.size > 1 ? 'mixed' : [...seen][0]!;
  return { fields, bodyOffset, start, lineEnding, mboxFrom, problems };
}

/** A field's bytes: its first line starts at `start`, its last line's content ends at `end`. */
interface PendingField {
  start: number;
  nameEnd: number;
  colon: number;
  end: number;
}

/**
 * The header block decoded once, when it is all ASCII (nearly all mail): every line is then a slice of one string
 * instead of a decode of its own. Undefined otherwise, and each line is decoded on its own as before, because
 * UTF-8 validity (else latin-1) is decided line by line.
 */
interface HeaderText {
  text: string;
  /** Byte offset of text[0] in the message. */
  base: number;
}

function headerText(bytes: Uint8Array, start: number, end: number): HeaderText | undefined {
  const block = bytes.subarray(start, end);
  return isAscii(block) ? { text: latin1(block), base: start } : undefined;
}

/**
 * A field's lines joined with '\n'. A field's lines are consecutive and no line holds a CR or LF of its own, so each
 * line break in its bytes (CRLF, LF or a bare CR) is exactly one join: with the block decoded, the raw text is one
 * slice, copied only when a break is not already '\n'. Otherwise each line is decoded on its own (UTF-8 validity,
 * else latin-1, is decided line by line).
 */
function rawText(bytes: Uint8Array, text: HeaderText | undefined, start: number, end: number): string {
  if (text) {
    const joined = text.text.slice(start - text.base, end - text.base);
    return joined.includes('\r') ? joined.replace(ANY_LINE_BREAK, '\n') : joined;
  }
  // The split's own line reader: it searches for the next CR and LF once each and reuses them, where searching both
  // again from every line scanned a CR-less field to its end once a line.
  const field = toBuffer(bytes).subarray(start, end);
  const lines = new LineReader(field, field.length);
  let out = '';
  for (let from = 0; ; from = lines.next) {
    lines.read(from);
    out += bytesToText(field.subarray(from, lines.end));
    if (lines.terminator === 'none') return out;
    out += '\n';
  }
}

const ANY_LINE_BREAK = /\r\n?|\n/g;

/**
 * The value unfolded: line breaks removed, runs of SP/HTAB collapsed to one space, trimmed. The same as
 * `text.replace(/\n/g, '').replace(/[ \t]+/g, ' ').trim()`, with nothing copied when the value has no fold and only
 * single spaces (most values). Native searches and replaces: a loop over the characters of every folded value ran in
 * a scan worker's unoptimised code for its first thousands of messages.
 */
export function unfold(text: string): string {
  const joined = text.includes('\n') ? text.replace(LINE_BREAKS, '') : text;
  return (joined.includes('\t') || joined.includes('  ') ? joined.replace(BLANK_RUNS, ' ') : joined).trim();
}

const LINE_BREAKS = /\n/g;
/** Runs that become one space: two or more blanks, or a single HTAB. */
const BLANK_RUNS = /[ \t]{2,}|\t/g;

/**
 * A header field. Its unfolded value is computed on first read: a scan reads the values of ~40% of the fields (the
 * ones the analysis looks at), and the long unread ones (DKIM, ARC, vendor X- fields) cost the most to unfold
 * (unfold was the hottest function of a warm analysis, ~4% of it). A class, so every field has one hidden class.
 */
class Field implements HeaderField {
  private unfolded: string | undefined = undefined;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly key: string,
    readonly raw: string,
    /** Where the value starts in raw (just past the colon). */
    private readonly valueStart: number,
    readonly offset: number,
    readonly spaceBeforeColon: boolean,
  ) {}

  get value(): string {
    return (this.unfolded ??= unfold(this.raw.slice(this.valueStart)));
  }

  /** JSON shows the value like the other keys (a getter on the prototype is not an own property). */
  toJSON(): HeaderField {
    const { index, name, key, raw, value, offset, spaceBeforeColon } = this;
    return { index, name, key, raw, value, offset, spaceBeforeColon };
  }
}

function makeField(bytes: Uint8Array, text: HeaderText | undefined, index: number, p: PendingField): HeaderField {
  const name = text ? text.text.slice(p.start - text.base, p.nameEnd - text.base) : latin1(bytes.subarray(p.start, p.nameEnd));
  const raw = rawText(bytes, text, p.start, p.end);
  return new Field(index, name, name.toLowerCase(), raw, p.colon + 1 - p.start, p.start, p.colon !== p.nameEnd);
}
