// A small MIME walker, just enough to find the parts of a report: multipart bodies cut at their boundary lines
// (RFC 2046 5.1.1), each part's headers and content-transfer-encoding. Bytes are handled as latin-1 strings, so a
// string index is a byte offset and 8-bit content survives untouched (DKIM of an embedded message needs its bytes).
// Bounded: at most MAX_DEPTH nesting levels and MAX_PARTS parts, because a report is hostile input too.
import { splitHeader } from '../message/split.js';
import { DEFAULT_MAX_HEADER_BYTES } from '../message/parse.js';
import type { HeaderField } from '../types.js';

export const MAX_DEPTH = 4;
export const MAX_PARTS = 64;
const MAX_PART_HEADER = 64 * 1024;

export interface MimePart {
  headers: HeaderField[];
  /** Lower-case type/subtype; text/plain when absent (RFC 2045 5.2). */
  contentType: string;
  /** Parameters of Content-Type, lower-case names. */
  params: Map<string, string>;
  /** Lower-case Content-Transfer-Encoding, '7bit' when absent. */
  encoding: string;
  /** The body, still transfer-encoded. */
  body: Buffer;
  children: MimePart[];
}

// Content-Type: multipart/report; report-type="feedback-report";
//     boundary="_----------=_20000000000000000222"
export function parseContentType(value: string): { type: string; params: Map<string, string> } {
  const [typePart, ...rest] = splitParams(value);
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
    params.set(p.slice(0, eq).trim().toLowerCase(), v);
  }
  return { type: (typePart ?? '').trim().toLowerCase() || 'text/plain', params };
}

/** Split on ';' outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted && i + 1 < value.length) {
      cur += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function headerValue(headers: HeaderField[], key: string): string | undefined {
  return headers.find((h) => h.key === key)?.value;
}

/** Parse one entity (a message or a part). */
export function parseEntity(bytes: Buffer, depth = 0, budget = { parts: MAX_PARTS }): MimePart {
  // The message itself gets the analysis' header cap: a report with an outer header over a part's 64 KiB cap was cut
  // mid-header there, lost its Content-Type and was analysed as itself.
  const split = splitHeader(bytes, depth === 0 ? DEFAULT_MAX_HEADER_BYTES : MAX_PART_HEADER);
  const headers = split.fields;
  const { type, params } = parseContentType(headerValue(headers, 'content-type') ?? 'text/plain');
  const encoding = (headerValue(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const body = bytes.subarray(Math.min(split.bodyOffset, bytes.length));
  const part: MimePart = { headers, contentType: type, params, encoding, body, children: [] };
  const boundary = params.get('boundary');
  if (type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    for (const child of splitMultipart(body, boundary, Math.max(0, budget.parts))) {
      if (budget.parts-- <= 0) break;
      part.children.push(parseEntity(child, depth + 1, budget));
    }
  }
  return part;
}

/**
 * The parts of a multipart body: the text between "--boundary" lines, up to "--boundary--". The line break before a
 * delimiter belongs to the delimiter (RFC 2046 5.1.1), so it is not part of the content. At most `max` parts: a body
 * of ten million empty parts is read no further than its first few (it took seconds and a gigabyte when every part
 * was collected before the budget was checked).
 */
export function splitMultipart(body: Buffer, boundary: string, max = MAX_PARTS): Buffer[] {
  const delimiter = Buffer.from('--' + boundary, 'latin1');
  const parts: Buffer[] = [];
  let partStart = -1;
  let pos = 0;
  while (pos <= body.length) {
    const at = body.indexOf(delimiter, pos);
    if (at === -1) break;
    if (at !== 0 && body[at - 1] !== LF) {
      pos = at + delimiter.length;
      continue;
    }
    const after = at + delimiter.length;
    const closing = body[after] === DASH && body[after + 1] === DASH;
    if (partStart !== -1) {
      let end = at;
      if (body[end - 1] === LF) end--;
      if (body[end - 1] === CR) end--;
      parts.push(body.subarray(partStart, Math.max(partStart, end)));
      if (parts.length >= max) return parts;
    }
    if (closing) return parts;
    // (CR-only input was converted to CRLF before the walk: see unwrap.ts.)
    const lineEnd = body.indexOf(LF, after);
    if (lineEnd === -1) return parts;
    partStart = lineEnd + 1;
    pos = partStart;
  }
  // No closing delimiter (a truncated report): keep what was started.
  if (partStart !== -1 && partStart < body.length) parts.push(body.subarray(partStart));
  return parts;
}

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/** The part content with its transfer encoding removed. */
export function decodeBody(part: MimePart): Buffer {
  if (part.encoding === 'base64') return Buffer.from(part.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (part.encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  const out = Buffer.allocUnsafe(text.length);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[o++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

/** Depth-first, document order. */
export function* walkParts(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.children) yield* walkParts(child);
}
