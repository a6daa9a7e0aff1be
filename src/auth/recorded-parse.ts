// Authentication-Results and ARC-Authentication-Results, RFC 8601 section 2.2:
//   authres-header-field = "Authentication-Results:" authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )
//   resinfo    = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
//   methodspec = [CFWS] method [CFWS] "=" [CFWS] result          method = Keyword [ [CFWS] "/" [CFWS] method-version ]
//   propspec   = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
// ARC-Authentication-Results puts "i=N;" in front (RFC 8617 section 4.1.1).
//
// Real headers this reads:
//   Authentication-Results: mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=Ab/c+d=;
//          spf=pass (google.com: domain of a@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.com
//   Authentication-Results: spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=example.com; dkim=none (message not
//          signed) header.d=none;dmarc=fail action=none header.from=example.com;compauth=fail reason=001
//   Authentication-Results: example.org 1; none
// The last-but-one (Microsoft) has no authserv-id at all: the first segment is already a result.
//
// One linear pass: words, quoted strings and comments (nested, depth-capped) are found by single-class regexes that
// resume where the last token ended and never backtrack. Sizes are capped: a hostile header cannot make this quadratic
// or unbounded.
import { commentEnd, readQuoted } from '../message/text.js';

/** Characters of one header value we read; the rest is ignored (no real A-R header comes close). */
export const MAX_AR_VALUE = 16 * 1024;
/** Results read from one header. */
export const MAX_RESULTS_PER_HEADER = 64;
/** Comment nesting deeper than this is read as text (RFC 5322 allows nesting; nothing legitimate nests deeply). */
const MAX_COMMENT_DEPTH = 8;

export interface ParsedResinfo {
  /** Lower-case method name without version ("dkim"). */
  method: string;
  methodVersion?: string;
  /** Lower-case result keyword ("pass"). */
  result: string;
  reason?: string;
  /** ptype.property (lower case) -> value, null-prototype. */
  properties: Record<string, string>;
  /** The first comment after the result, as the receiver wrote it ("2048-bit key"). */
  comment?: string;
}

export interface ParsedAuthResults {
  /** ARC-Authentication-Results instance (i=). */
  instance?: number;
  /** '' when the header has no authserv-id (Microsoft Exchange Online writes none). */
  authservId: string;
  version?: string;
  /** true for "authserv-id; none". */
  noResult: boolean;
  results: ParsedResinfo[];
}

type Token = { kind: 'word'; text: string } | { kind: 'quoted'; text: string } | { kind: 'semi' } | { kind: 'comment'; text: string };

// Words, quoted strings (and comments: commentEnd) are found with sticky and global regexes (native code) rather than
// a look at every character: a scan worker runs its first thousands of messages in unoptimised code, where the
// per-character loop cost several calls a character over values of hundreds. test() sets lastIndex without building a
// match array.
const WORD = /[^ \t\r\n;("]+/y;

/** Splits a value into words, quoted strings, ';' and comments. Whitespace separates words. */
export function tokenize(value: string): Token[] {
  const text = value.length > MAX_AR_VALUE ? value.slice(0, MAX_AR_VALUE) : value;
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      i++;
    } else if (c === 59) {
      tokens.push({ kind: 'semi' });
      i++;
    } else if (c === 40) {
      const end = skipComment(text, i);
      tokens.push({ kind: 'comment', text: text.slice(i + 1, end - 1).trim() });
      i = end;
    } else if (c === 34) {
      const quoted = readQuoted(text, i);
      tokens.push({ kind: 'quoted', text: quoted.text });
      i = quoted.next;
    } else {
      WORD.lastIndex = i;
      WORD.test(text);
      tokens.push({ kind: 'word', text: text.slice(i, WORD.lastIndex) });
      i = WORD.lastIndex;
    }
  }
  return tokens;
}

/** Index just past the comment that opens at `start` (or the end of the text when it is never closed). */
function skipComment(text: string, start: number): number {
  const { end } = commentEnd(text, start, MAX_COMMENT_DEPTH);
  return end < text.length ? end + 1 : text.length;
}

/** Groups tokens into `key=value` pairs, allowing CFWS around '=' (RFC 8601 permits "spf = pass"). */
function pairsOf(tokens: Token[]): { pairs: [string, string][]; comments: string[] } {
  const pairs: [string, string][] = [];
  const comments: string[] = [];
  const words: ({ kind: 'word' | 'quoted'; text: string })[] = [];
  // Index loops, no destructuring, in this module: every result of every Authentication-Results field comes
  // through here, mostly in a worker's unoptimised code, where for...of allocates an iterator result a step.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'comment') comments.push(t.text);
    else if (t.kind === 'word' || t.kind === 'quoted') words.push(t);
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.kind === 'quoted') continue; // a stray quoted string with no key
    const eq = w.text.indexOf('=');
    if (eq > 0) {
      const key = w.text.slice(0, eq);
      let value = w.text.slice(eq + 1);
      if (value === '' && words[i + 1]) value = words[++i]!.text;
      pairs.push([key, value]);
    } else if (eq < 0 && words[i + 1]?.kind === 'word' && words[i + 1]!.text.startsWith('=')) {
      // "key =value" or "key = value"
      let value = words[++i]!.text.slice(1);
      if (value === '' && words[i + 1]) value = words[++i]!.text;
      pairs.push([w.text, value]);
    } else if (eq < 0 && w.text.endsWith('.') && words[i + 1]) {
      // "header . d=x" style CFWS around the dot: rejoin
      words[i + 1] = { kind: words[i + 1]!.kind, text: w.text + words[i + 1]!.text };
    }
  }
  return { pairs, comments };
}

function splitSegments(tokens: Token[]): Token[][] {
  const segments: Token[][] = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'semi') segments.push([]);
    else segments[segments.length - 1]!.push(t);
  }
  return segments;
}

function resinfoOf(segment: Token[]): ParsedResinfo | undefined {
  const { pairs, comments } = pairsOf(segment);
  const first = pairs[0];
  if (!first) return undefined;
  const methodSpec = first[0];
  const result = first[1];
  const slash = methodSpec.indexOf('/');
  const method = (slash < 0 ? methodSpec : methodSpec.slice(0, slash)).trim().toLowerCase();
  if (!method || !result) return undefined;
  const properties: Record<string, string> = Object.create(null);
  let reason: string | undefined;
  for (let i = 1; i < pairs.length; i++) {
    const key = pairs[i]![0];
    const value = pairs[i]![1];
    const k = key.toLowerCase();
    if (k === 'reason') reason ??= value;
    else if (k.includes('.')) properties[k] ??= value;
    else properties[k] ??= value; // non-standard ("action=none", "compauth" extras): kept, harmless
  }
  // Keys assigned in this order, each optional one only when present (no spread objects: this runs per result).
  const out = { method } as ParsedResinfo;
  if (slash >= 0) out.methodVersion = methodSpec.slice(slash + 1).trim();
  out.result = result.toLowerCase();
  if (reason !== undefined) out.reason = reason;
  out.properties = properties;
  if (comments[0]) out.comment = comments[0];
  return out;
}

/** Parses one header value. `arc` reads the leading "i=N;" of ARC-Authentication-Results. */
export function parseAuthResults(value: string, arc = false): ParsedAuthResults {
  const segments = splitSegments(tokenize(value));
  let instance: number | undefined;
  if (arc) {
    // The instance tag is dropped whatever its value: "i=abc;" left in place read as a result for a method "i".
    const head = segments[0]?.find((t) => t.kind === 'word');
    if (head && head.kind === 'word' && /^i=/i.test(head.text)) {
      const m = /^i=(\d{1,3})$/i.exec(head.text);
      if (m) instance = Number(m[1]);
      segments.shift();
    }
  }
  const idWords = (segments[0] ?? []).filter((t): t is { kind: 'word' | 'quoted'; text: string } => t.kind === 'word' || t.kind === 'quoted');
  // Microsoft style: the first segment is already "spf=pass ..." (a word with '=' that is not quoted).
  const hasId = idWords.length > 0 && !(idWords[0]!.kind === 'word' && idWords[0]!.text.includes('='));
  const authservId = hasId ? idWords[0]!.text.toLowerCase() : '';
  const version = hasId && idWords[1] && /^\d+$/.test(idWords[1].text) ? idWords[1].text : undefined;
  const resultSegments = hasId ? segments.slice(1) : segments;
  const noResult = resultSegments.length === 1 && resultSegments[0]!.length === 1 && resultSegments[0]![0]!.kind === 'word' && resultSegments[0]![0]!.text.toLowerCase() === 'none';
  const results: ParsedResinfo[] = [];
  if (!noResult) {
    for (const segment of resultSegments) {
      if (results.length >= MAX_RESULTS_PER_HEADER) break;
      const r = resinfoOf(segment);
      if (r) results.push(r);
    }
  }
  return { ...(instance !== undefined ? { instance } : {}), authservId, ...(version ? { version } : {}), noResult, results };
}
