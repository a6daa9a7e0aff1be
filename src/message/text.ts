// Bytes to text for header data: UTF-8 when the bytes are valid UTF-8 (RFC 6532), else latin-1 so that
// every byte stays visible and countable as evidence.
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function latin1(bytes: Uint8Array): string {
  return toBuffer(bytes).toString('latin1');
}

export function bytesToText(bytes: Uint8Array): string {
  // Pure ASCII is the common case: latin-1 decoding is exact and cheaper than a fatal UTF-8 pass. isAscii is native
  // (a byte loop here ran in a worker's unoptimised code for its first thousands of messages).
  if (isAscii(bytes)) return latin1(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

/**
 * What the regex class \s matches (ECMA-262 WhiteSpace and LineTerminator), tested on a character code, for the hot
 * loops where a regex test per character cost more than the work around it.
 */
export function isRegexSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** text.replace(/\s+/g, ' '), without building a new string when there is nothing to replace (the usual case). */
export function collapseSpaces(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isRegexSpace(c) && (c !== 32 || (i + 1 < text.length && isRegexSpace(text.charCodeAt(i + 1))))) return text.replace(/\s+/g, ' ');
  }
  return text;
}

/** What changes a comment's depth, or escapes the next character (RFC 5322 3.2.1, 3.2.2). */
const COMMENT_MARK = /[()\\]/g;

/**
 * The comment that opens with the '(' at `open`: the index of its closing ')' (value.length when it is never closed),
 * and the depth still open there (0 when closed). Nesting counts up to `maxDepth`; a backslash quotes the next
 * character. Found with a global regex (native code), not a look at every character: Received and
 * Authentication-Results values are full of comments, and a scan worker reads most of them in unoptimised code.
 */
export function commentEnd(value: string, open: number, maxDepth = Infinity): { end: number; depth: number } {
  let depth = 0;
  COMMENT_MARK.lastIndex = open;
  while (COMMENT_MARK.test(value)) {
    const at = COMMENT_MARK.lastIndex - 1;
    const c = value.charCodeAt(at);
    if (c === 92) COMMENT_MARK.lastIndex = at + 2; // a quoted-pair: the next character does not count
    else if (c === 40) depth = Math.min(depth + 1, maxDepth);
    else if (--depth === 0) return { end: at, depth };
  }
  return { end: value.length, depth };
}

/** What ends or escapes inside a quoted string. */
const QUOTED_MARK = /["\\]/g;

/**
 * The quoted string that opens at `open`, its quoted-pairs resolved (a backslash at the very end stays), and the
 * index just past its closing quote (past the end when it is never closed).
 */
export function readQuoted(text: string, open: number): { text: string; next: number } {
  let out = '';
  let from = open + 1;
  QUOTED_MARK.lastIndex = from;
  while (QUOTED_MARK.test(text)) {
    const at = QUOTED_MARK.lastIndex - 1;
    if (text.charCodeAt(at) === 34) return { text: out + text.slice(from, at), next: at + 1 };
    if (at + 1 >= text.length) break;
    out += text.slice(from, at) + text[at + 1];
    from = at + 2;
    QUOTED_MARK.lastIndex = from;
  }
  return { text: out + text.slice(from), next: text.length + 1 };
}
