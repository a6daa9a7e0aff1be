// Mail-filter output: the header fields `mailtrace filter` adds at the top of a message, and the byte-level
// rewrite that removes the fields a sender must not be able to pre-set. The message itself is never re-encoded:
// every byte we do not add or remove is written back as it came.
import type { LineEnding, MethodResult, Report } from '../types.js';
import { domainToASCII } from 'node:url';
import { LineReader, splitHeader, type Terminator } from '../message/split.js';
import { readQuoted } from '../message/text.js';

/** RFC 5322 2.1.1: lines SHOULD stay within 78 characters. */
export const FOLD_WIDTH = 78;

/** The header prefix we own: every field starting with it is removed from incoming mail first. */
export const OWN_PREFIX = 'x-mailtrace-';

export type Eol = '\r\n' | '\n' | '\r';

/** Write added fields with the message's own line ending, so a CRLF message stays CRLF and an LF one LF. */
export function eolFor(lineEnding: LineEnding, bytes: Uint8Array): Eol {
  if (lineEnding === 'crlf') return '\r\n';
  if (lineEnding === 'lf') return '\n';
  // CR-only mail gets CR; none (a single line): LF, what procmail and maildrop hand us. Mixed (or a CR-only header
  // over an LF): never a bare CR when the message has an LF anywhere, for LF readers would see our fields as one line
  // with the verdict hidden inside it (a sender who ended their first line with CRs got exactly that). The first line
  // decides between CRLF and LF, or the first LF when that line ends with a bare CR.
  const lf = bytes.indexOf(10);
  const cr = bytes.indexOf(13);
  if (lf < 0) return lineEnding === 'cr' || cr >= 0 ? '\r' : '\n';
  if (cr >= 0 && cr < lf && bytes[cr + 1] === 10) return '\r\n';
  if (cr >= 0 && cr < lf) return bytes[lf - 1] === 13 ? '\r\n' : '\n';
  return '\n';
}

// Header values we write must never carry a CR, LF or other control character taken from the message: one would
// let a sender end our field early and inject a field of their own (header injection).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * One line of printable ASCII: controls become a space, runs of space collapse, any other character outside
 * printable ASCII becomes "?" (a bidi override, an invisible character, raw 8-bit text: our fields are plain ASCII,
 * and a length cap then counts octets), length capped.
 */
export function headerSafe(text: string, max = 200): string {
  const flat = text.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim().replace(NOT_ASCII, '?');
  return flat.length <= max ? flat : `${flat.slice(0, max - 3)}...`;
}

const NOT_ASCII = /[^\x20-\x7e]/g;

/** A domain, or the domain of an address, with an IDN in its ASCII form (bücher.example: xn--bcher-kva.example). */
function asciiDomain(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const at = text.lastIndexOf('@');
  const ace = domainToASCII(text.slice(at + 1));
  return ace ? text.slice(0, at + 1) + ace : text;
}

/**
 * Fold "Name: item1 item2 ..." at the separators so that no line exceeds the width (RFC 5322 2.2.3: a fold is
 * CRLF followed by whitespace). An item longer than a line stays whole on its own line.
 */
export function foldField(name: string, items: readonly string[], eol: Eol, separator = '', width = FOLD_WIDTH): string {
  let out = `${name}:`;
  let lineLength = out.length;
  items.forEach((item, i) => {
    const word = i < items.length - 1 ? item + separator : item;
    if (lineLength + 1 + word.length > width && lineLength > name.length + 1) {
      out += `${eol}\t${word}`;
      lineLength = 8 + word.length;
    } else {
      out += ` ${word}`;
      lineLength += 1 + word.length;
    }
  });
  return out + eol;
}

// RFC 8601 2.2: the authserv-id is a "value" (token or quoted-string); we accept a token only, so it can be
// written and matched without quoting rules.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;

export function isValidAuthservId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && TOKEN.test(id);
}

/** A property value (RFC 8601 2.2 pvalue): a token as is, anything else as a quoted-string of printable ASCII. */
function pvalue(text: string): string {
  const safe = headerSafe(asciiDomain(text), 255);
  return /^[A-Za-z0-9.@_+\-=/]+$/.test(safe) ? safe : `"${safe.replace(/["\\]/g, '\\$&')}"`;
}

/** An RFC 5322 comment: parentheses and backslashes escaped, controls removed. */
function comment(text: string): string {
  return `(${headerSafe(text, 120).replace(/[()\\]/g, '\\$&')})`;
}

/** The properties RFC 8601 2.7 defines for each method, from what our checks evaluated. */
function properties(result: MethodResult, report: Report): string[] {
  const props: string[] = [];
  const detail = (key: string) => {
    const v = result.details?.[key];
    return typeof v === 'string' && v ? v : undefined;
  };
  switch (result.method) {
    case 'spf': {
      // RFC 7208 2.3/2.4: the HELO check and the MAIL FROM check are separate results with their own ptype.
      if (detail('identity') === 'helo') {
        const helo = detail('helo') ?? result.domain;
        if (helo) props.push(`smtp.helo=${pvalue(helo)}`);
        break;
      }
      const mailFrom = detail('mailFrom') ?? report.auth.inputs?.mailFrom ?? result.domain;
      if (mailFrom) props.push(`smtp.mailfrom=${pvalue(mailFrom)}`);
      break;
    }
    case 'dkim': {
      if (result.domain) props.push(`header.d=${pvalue(result.domain)}`);
      const selector = detail('selector');
      if (selector) props.push(`header.s=${pvalue(selector)}`);
      break;
    }
    case 'dmarc':
      if (result.domain) props.push(`header.from=${pvalue(result.domain)}`);
      break;
    case 'arc': {
      const ip = report.auth.inputs?.ip;
      if (ip) props.push(`smtp.remote-ip=${pvalue(ip)}`);
      break;
    }
  }
  return props;
}

/**
 * Only what we evaluated ourselves goes under our authserv-id. A result read from the receiver's recorded
 * Authentication-Results (offline mode: details.source "recorded") is theirs, and stays in their own field;
 * restating it as ours would vouch for a check we never ran. 'unknown' (not evaluated) has no RFC 8601 keyword.
 */
function resinfos(report: Report, eol: Eol): string[] {
  return report.auth.results
    .filter((r) => r.result !== 'unknown' && r.details?.['source'] !== 'recorded')
    .map((r) => foldResinfo([`${r.method}=${r.result}`, ...(r.comment ? [comment(r.comment)] : []), ...properties(r, report)], eol));
}

/**
 * A resinfo on its own line after a tab, folded between its parts where the line would pass 78 columns (with the
 * ";" after it): a comment and two long quoted properties made one line of over 998 octets (RFC 5322 2.1.1's MUST).
 */
function foldResinfo(parts: readonly string[], eol: Eol): string {
  let out = parts[0]!;
  let column = TAB_COLUMNS + out.length;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (column + 1 + part.length + 1 > FOLD_WIDTH) {
      out += `${eol}\t${part}`;
      column = TAB_COLUMNS + part.length;
    } else {
      out += ` ${part}`;
      column += 1 + part.length;
    }
  }
  return out;
}

const TAB_COLUMNS = 8;

/**
 * Authentication-Results (RFC 8601 2.2) carrying our authserv-id and our own results. With nothing evaluated
 * (offline, or no DNS), the result is "none" (RFC 8601 2.2: "no-result").
 */
export function authenticationResults(report: Report, authservId: string, eol: Eol): string {
  const infos = resinfos(report, eol);
  if (infos.length === 0) return `Authentication-Results: ${authservId}; none${eol}`;
  return `Authentication-Results: ${authservId};${infos.map((i) => `${eol}\t${i}`).join(';')}${eol}`;
}

/** The fields added to an analysed message, topmost first. */
export function filterHeaders(report: Report, authservId: string, eol: Eol): string {
  const ids = [...new Set(report.findings.map((f) => headerSafe(f.id, 80)))];
  return (
    authenticationResults(report, authservId, eol) +
    `X-Mailtrace-Verdict: ${report.verdict}${eol}` +
    `X-Mailtrace-Score: ${report.score}${eol}` +
    foldField('X-Mailtrace-Findings', ids.length ? ids : ['none'], eol, ',')
  );
}

/** The field added when the message was not analysed: why, in one line the sender cannot shape into a field. */
export function errorHeader(reason: string, eol: Eol): string {
  return foldField('X-Mailtrace-Error', headerSafe(reason, 300).split(' '), eol);
}

/**
 * The authserv-id of an Authentication-Results value: its first token, after any comments (RFC 8601 2.2, CFWS of
 * RFC 5322 3.2.2: comments nest, and a backslash quotes the next character). A comment skipped short of its real
 * end would hide the id from us but not from the next reader: "((a) b) mx.example.org; dmarc=pass" is ours.
 */
export function authservIdOf(value: string): string {
  let i = 0;
  for (;;) {
    while (i < value.length && isBlank(value.charCodeAt(i))) i++;
    if (value[i] !== '(') break;
    i = commentEnd(value, i);
  }
  // A quoted-string as RFC 5322 reads it: quoted-pairs undone ("mx\.test" is mx.test). An id is at most 255.
  if (value[i] === '"') return readQuoted(value.slice(i, i + 512), 0).text;
  const match = /^[^\s;"(]*/.exec(value.slice(i, i + 512));
  return match ? match[0] : '';
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Index just past the comment opening at `open` (the value's end when it is never closed). */
function commentEnd(value: string, open: number): number {
  let depth = 0;
  for (let i = open; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return value.length;
}

export interface Rewrite {
  /** Where the added fields go: after a leading mbox "From " line, else at byte 0. */
  insertAt: number;
  /** Byte ranges [start, end) of the fields removed, flat: start0, end0, start1, end1, ... */
  removed: number[];
  eol: Eol;
  /** Header fields the analysis' split found (0: the input does not start with a header). */
  fields: number;
}

/**
 * Plan the rewrite of a raw message: remove every X-Mailtrace-* field (a sender cannot pre-set our verdict) and
 * every Authentication-Results carrying our authserv-id (RFC 8601 5: such a field arriving from outside is a
 * forgery and MUST be removed), and find where our fields go. The analysis reads at most `maxHeaderBytes` of header;
 * the removal reads the whole header section, whatever its size (see forgedFields). `complete` is false when `raw`
 * is only the start of the input (the rest streams through unread).
 */
export function planRewrite(raw: Uint8Array, authservId: string, maxHeaderBytes: number, complete = true): Rewrite {
  const split = splitHeader(raw, maxHeaderBytes);
  return {
    insertAt: split.start,
    removed: forgedFields(raw, split.start, authservId.toLowerCase(), complete),
    eol: eolFor(split.lineEnding, raw.subarray(split.start)),
    fields: split.fields.length,
  };
}

/**
 * The byte ranges of the forged fields, looked for in everything a later reader could take for the header: the
 * analysis stops at its size cap and at the first line that is not a field, but a mail reader or a Sieve script
 * further down may read on, so this scan goes on to the first empty line. A line starts after LF, CRLF or a bare
 * CR, and an empty line ends the header only where an LF reader (procmail) sees one too: not a sender's "\r\r\n",
 * and not a "\r\n" line after LF-terminated ones (procmail reads it as a line holding a CR, and reads on).
 * Linear: one pass with the split's line reader.
 */
function forgedFields(raw: Uint8Array, start: number, ours: string, complete: boolean): number[] {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const lines = new LineReader(bytes, bytes.length);
  // Without any LF (CR-only mail) every line ends with a bare CR, and LF readers do not matter. With one anywhere, LF
  // readers do: a CR-only empty line then ends nothing ("X: a\r\r\r\nX-Mailtrace-Verdict: pass\n" is a field to
  // them). With a bare LF anywhere (an MTA delivers LF lines; a sender's extra CR before a line break survives as
  // "\r\n"), a "\r\n" line is a line holding a CR to them, however the lines before it ended: only an LF empty line
  // ends the header. A message of CRLF lines only is read as CRLF readers read it.
  const hasLf = bytes.indexOf(10, start) !== -1;
  const bareLf = hasLf && hasBareLf(bytes, start);
  const removed: number[] = [];
  // The field being read, in one object for the whole pass (a header can hold millions of fields).
  const field: PendingField = { open: false, start: 0, contentEnd: 0, end: 0, afterBareCr: false, lastTerminator: 'lf' };
  const flush = () => {
    if (field.open && isForged(bytes, field, ours)) {
      // A field that starts after a bare CR is inside a line as LF readers see it: its last LF stays, so that the
      // line before it does not run into the next one.
      const keepBreak = field.afterBareCr && field.lastTerminator !== 'cr';
      removed.push(field.start, keepBreak ? field.contentEnd : field.end);
    }
    field.open = false;
  };
  let previous: Terminator = 'lf';
  let ended = false;
  // Past an empty line that ended the header for CR or CRLF readers, only LF readers read on, and a line starts for
  // them only after an LF: a field after a bare CR there is body text to everyone (CR-only mail with an LF at its end).
  let onlyLfReaders = false;
  for (let pos = start; pos < bytes.length; pos = lines.next) {
    lines.read(pos);
    if (lines.end === pos) {
      if (!hasLf || endsForLfReaders(lines.terminator, previous, bareLf)) {
        ended = true;
        break;
      }
      onlyLfReaders = true;
    }
    if ((bytes[pos] === SP || bytes[pos] === TAB) && field.open) {
      field.contentEnd = lines.end;
      field.end = lines.next;
    } else {
      flush();
      field.open = !(onlyLfReaders && previous === 'cr');
      field.start = pos;
      field.contentEnd = lines.end;
      field.end = lines.next;
      field.afterBareCr = hasLf && previous === 'cr';
    }
    field.lastTerminator = lines.terminator;
    previous = lines.terminator;
  }
  // Input cut at --max-size inside the header (the cut is put at a line's end, see filter-command.ts): a last field
  // whose line ended with an LF is removed like any other; one cut inside a line (a line longer than the reading on
  // allows) may go on in the part streamed through unread, and stays whole rather than leave a stray rest behind.
  if (complete || ended || field.lastTerminator === 'lf' || field.lastTerminator === 'crlf') flush();
  return removed;
}

/** An LF not preceded by CR, from `start` on. */
function hasBareLf(bytes: Buffer, start: number): boolean {
  for (let at = bytes.indexOf(10, start); at !== -1; at = bytes.indexOf(10, at + 1)) if (bytes[at - 1] !== 13) return true;
  return false;
}

/**
 * An empty line (ending with `terminator`, after a line ending with `previous`) that ends the header for LF readers:
 * an LF one, or a CRLF one in a message whose LFs all follow a CR (read as CRLF readers read it).
 */
function endsForLfReaders(terminator: Terminator, previous: Terminator, bareLf: boolean): boolean {
  if (previous === 'cr') return false;
  if (terminator === 'lf') return true;
  return terminator === 'crlf' && !bareLf;
}

const SP = 32;
const TAB = 9;
const COLON = 58;
const X = 120;
const A = 97;

interface PendingField {
  open: boolean;
  start: number;
  /** End of the last line's content, and just past its line break. */
  contentEnd: number;
  end: number;
  afterBareCr: boolean;
  lastTerminator: Terminator;
}

function isForged(bytes: Buffer, field: PendingField, ours: string): boolean {
  // Only names starting "x-mailtrace-" or "authentication-results" can be forged: most fields are passed on the first
  // byte, with no string made of them.
  const first = bytes[field.start]! | 32;
  if (first !== X && first !== A) return false;
  // The colon is looked for within the field only (a search to the next colon anywhere would make a header of
  // colon-less lines quadratic), and also on its continuation lines: a lenient reader unfolds "X-Mailtrace-Score
  // CRLF : 0" into a field of that name.
  const colon = bytes.subarray(field.start, field.contentEnd).indexOf(COLON);
  if (colon === -1) return false;
  const name = bytes.toString('latin1', field.start, field.start + colon).replace(/[\r\n]/g, '').trimEnd().toLowerCase();
  if (name.startsWith(OWN_PREFIX)) return true;
  return name === 'authentication-results' && authservIdOf(bytes.toString('latin1', field.start + colon + 1, field.contentEnd)).toLowerCase() === ours;
}

/**
 * The output as a list of chunks. Without removed fields (the usual case) the message bytes are views, never copies;
 * with them, one buffer holds the whole rewritten message: a header of 1.5 million planted fields made 3 million
 * views and as many writes (8.7 s and 513 MB for a 30 MB message; one copy of it costs a few milliseconds).
 */
export function applyRewrite(raw: Uint8Array, plan: Rewrite, added: string): Uint8Array[] {
  const top = Buffer.from(added, 'utf8');
  if (plan.removed.length === 0) return [raw.subarray(0, plan.insertAt), top, raw.subarray(plan.insertAt)].filter((c) => c.length > 0);
  const ranges = plan.removed;
  let removedBytes = 0;
  for (let i = 0; i < ranges.length; i += 2) removedBytes += ranges[i + 1]! - ranges[i]!;
  const source = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = Buffer.allocUnsafe(raw.length - removedBytes + top.length);
  let at = source.copy(out, 0, 0, plan.insertAt);
  at += top.copy(out, at);
  let pos = plan.insertAt;
  for (let i = 0; i < ranges.length; i += 2) {
    at += source.copy(out, at, pos, ranges[i]!);
    pos = ranges[i + 1]!;
  }
  source.copy(out, at, pos);
  return [out];
}
