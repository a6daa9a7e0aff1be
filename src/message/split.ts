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

interface Line {
  start: number;
  /** End of the content, before the line terminator. */
  end: number;
  /** Offset just past the terminator. */
  next: number;
  terminator: 'crlf' | 'lf' | 'cr' | 'none';
}

/**
 * Finds line ends with Buffer.indexOf (memchr) instead of a loop over every byte, which cost a third of the split.
 * The next LF and the next CR are each searched once and reused until the scan passes them; -1: none ahead. The
 * searches stop at the header size cap (plus a little), so a large body is not scanned: only a line that runs past
 * the cap is looked for in the rest.
 */
class LineReader {
  private readonly head: Buffer;
  private nextLf: number;
  private nextCr: number;

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

  read(start: number): Line {
    if (this.nextLf !== -1 && this.nextLf < start) this.nextLf = this.find(LF, start);
    if (this.nextCr !== -1 && this.nextCr < start) this.nextCr = this.find(CR, start);
    const lf = this.nextLf;
    const cr = this.nextCr;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      if (cr + 1 === lf) return { start, end: cr, next: cr + 2, terminator: 'crlf' };
      return { start, end: cr, next: cr + 1, terminator: 'cr' };
    }
    if (lf !== -1) return { start, end: lf, next: lf + 1, terminator: 'lf' };
    return { start, end: this.bytes.length, next: this.bytes.length, terminator: 'none' };
  }
}

/** Length of a field name at the start of the line (printable ASCII except ':'), and whether WSP precedes the colon. */
function fieldNameLength(bytes: Uint8Array, line: Line): { nameEnd: number; colon: number } | undefined {
  let i = line.start;
  while (i < line.end && bytes[i]! > SP && bytes[i]! < 127 && bytes[i] !== COLON) i++;
  const nameEnd = i;
  if (nameEnd === line.start) return undefined;
  // obs-optional: WSP between the name and the colon (RFC 5322 4.5.3); attackers use it ("From : x").
  while (i < line.end && (bytes[i] === SP || bytes[i] === TAB)) i++;
  if (bytes[i] !== COLON) return undefined;
  return { nameEnd, colon: i };
}



/**
 * 3 when the bytes start with a UTF-8 byte-order mark, else 0. A BOM is no part of a message: a Windows editor that
 * saved the .eml put it there.
 */
export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

export function splitHeader(bytes: Uint8Array, maxHeaderBytes: number): SplitResult {
  const problems: MessageProblem[] = [];
  let pos = bomLength(bytes);
  let mboxFrom: string | undefined;
  if (pos) problems.push({ code: 'byte-order-mark', detail: 'a UTF-8 byte-order mark before the header was skipped' });
  // A leading mbox "From " line (mboxo/mboxrd) is envelope, not header.
  // "From : x" (space before the colon) is a header field, not an mbox separator.
  if (bytes.length >= pos + 5 && /^From (?![ \t]*:)/.test(latin1(bytes.subarray(pos, pos + 64)))) {
    const first = new LineReader(toBuffer(bytes), pos + 1000).read(pos);
    mboxFrom = bytesToText(bytes.subarray(first.start, Math.min(first.end, first.start + 1000)));
    problems.push({ code: 'mbox-from-line', detail: 'a leading mbox "From " line was set aside' });
    pos = first.next;
  }
  const start = pos;
  const limit = Math.min(bytes.length, start + maxHeaderBytes);
  const fields: HeaderField[] = [];
  const lines = new LineReader(toBuffer(bytes), limit);
  const seen = new Set<Line['terminator']>();
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
    const line = lines.read(pos);
    if (line.terminator !== 'none') seen.add(line.terminator);
    if (line.end === line.start) {
      // The blank line: the body starts after it.
      bodyOffset = line.next;
      ended = true;
      break;
    }
    const first = bytes[line.start];
    if ((first === SP || first === TAB) && current) {
      current.lines.push(line);
    } else {
      const name = fieldNameLength(bytes, line);
      if (!name) {
        // Not a field and not a continuation: the header block ends here (no blank line).
        problems.push({ code: 'invalid-header-line', detail: `line at byte ${line.start} is not a header field; header block ends there` });
        bodyOffset = line.start;
        ended = true;
        break;
      }
      flush();
      current = { nameEnd: name.nameEnd, colon: name.colon, lines: [line] };
    }
    pos = line.next;
  }
  flush();
  if (!ended) problems.push({ code: 'no-body-separator', detail: 'no blank line: the header block runs to the end of the input' });
  if (seen.has('cr')) problems.push({ code: 'bare-cr', detail: 'bare CR line endings' });
  const headerEnd = Math.min(bodyOffset, bytes.length);
  const text = headerText(bytes, start, headerEnd);
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!; // an index loop: every field of every message (for...of allocates a result a step)
    fields.push(makeField(bytes, text, fields.length, p.lines, p.nameEnd, p.colon));
  }
  if (bytes.subarray(start, headerEnd).includes(0)) problems.push({ code: 'nul-in-header', detail: 'NUL bytes in the header block' });
  const lineEnding: LineEnding = seen.size === 0 ? 'none' : seen.size > 1 ? 'mixed' : [...seen][0]!;
  return { fields, bodyOffset, start, lineEnding, mboxFrom, problems };
}

interface PendingField {
  nameEnd: number;
  colon: number;
  lines: Line[];
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

function lineText(bytes: Uint8Array, text: HeaderText | undefined, line: Line): string {
  return text ? text.text.slice(line.start - text.base, line.end - text.base) : bytesToText(bytes.subarray(line.start, line.end));
}

/**
 * The lines first..last of a folded field joined with '\n', as one slice of the decoded block: a field's lines are
 * consecutive and no line holds a CR or LF of its own, so each line break in the slice (CRLF, LF or a bare CR) is
 * exactly one join. Copied only when a break is not already '\n'; a slice per line and their join cost more.
 */
function foldedText(text: HeaderText, first: Line, last: Line): string {
  const joined = text.text.slice(first.start - text.base, last.end - text.base);
  return joined.includes('\r') ? joined.replace(LINE_BREAK, '\n') : joined;
}

const LINE_BREAK = /\r\n?|\n/g;

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

function makeField(bytes: Uint8Array, text: HeaderText | undefined, index: number, lines: Line[], nameEnd: number, colon: number): HeaderField {
  const first = lines[0]!;
  const name = text ? text.text.slice(first.start - text.base, nameEnd - text.base) : latin1(bytes.subarray(first.start, nameEnd));
  const raw = lines.length === 1 ? lineText(bytes, text, first) : text ? foldedText(text, first, lines[lines.length - 1]!) : lines.map((l) => lineText(bytes, text, l)).join('\n');
  return new Field(index, name, name.toLowerCase(), raw, colon + 1 - first.start, first.start, colon !== nameEnd);
}
