// A Received value split into its clauses (RFC 5321 4.4, RFC 5322 3.6.7):
//   Received: from <name> (<comments>) by <name> (<comments>) via <link> with <protocol> id <id> for <path> ; <date>
// The tokenizer scans once, left to right, so its cost is linear in the input. Comments nest (RFC 5322 3.2.2), so a
// keyword inside a comment ("(using TLSv1.3 with cipher ...)", "(Postfix, from userid 0)") never opens a clause.
// Real headers break the grammar in every way, so nothing here throws: oddities become notes.

import { commentEnd, isRegexSpace } from '../message/text.js';

export type ClauseKey = 'from' | 'by' | 'via' | 'with' | 'id' | 'for';

export interface Clause {
  key: ClauseKey;
  /** The words after the keyword, up to the next keyword ("Microsoft", "SMTP", "Server"). */
  words: string[];
  /** The comments after the keyword, outer parentheses removed, in order. */
  comments: string[];
}

export interface SplitReceived {
  /** Comments and words before the first keyword ("(qmail 123 invoked by uid 89)"). */
  lead: { words: string[]; comments: string[] };
  /** The first clause of each kind, in order of appearance. */
  clauses: Map<ClauseKey, Clause>;
  /** Clauses of a kind already seen ("by me by you"), kept for the notes. */
  repeated: Clause[];
  /** The date text (after the last top-level ';', or a trailing date when the ';' is missing). */
  dateText?: string;
  /** Comments outside the clauses: between the ';' and the date, and after it ("(envelope-from <x>)", PowerMTA). */
  trailer: string[];
  /** IBM's "for <rcpt> from <sender>": the envelope sender. */
  envelopeSender?: string;
  /** Things that do not fit the grammar; a hop with notes is 'partial'. */
  notes: string[];
}

/** Longest Received value we look at. Real ones stay under 1 KiB; the cap stops a megabyte-long field costing time. */
export const MAX_RECEIVED_CHARS = 8192;
/** Deeper nesting than any MTA writes; beyond it the rest is one comment. */
const MAX_COMMENT_DEPTH = 8;
const MAX_TOKENS = 400;

type Token = { t: 'word' | 'comment' | 'semi'; text: string; pos: number };

const KEYWORDS: readonly ClauseKey[] = ['from', 'by', 'via', 'with', 'id', 'for'];

/** `word` equals the lower-case ASCII `keyword` in any case ('|32' folds 'A'-'Z' onto 'a'-'z', and nothing else onto them). */
function isKeywordWord(word: string, keyword: string): boolean {
  if (word.length !== keyword.length) return false;
  for (let i = 0; i < word.length; i++) if ((word.charCodeAt(i) | 32) !== keyword.charCodeAt(i)) return false;
  return true;
}

/** The clause keyword a word is, in any case ("BY", "With"), or undefined; compared in place, without a lower-cased copy. */
function keywordOf(word: string): ClauseKey | undefined {
  if (word.length < 2 || word.length > 4) return undefined;
  for (let i = 0; i < KEYWORDS.length; i++) if (isKeywordWord(word, KEYWORDS[i]!)) return KEYWORDS[i]; // every word: no iterator
  return undefined;
}

// Words (and comments: commentEnd) are found with a sticky regex (native code) rather than a loop over every
// character: a scan worker runs its first thousands of messages in unoptimised code, where that loop cost a call or
// two a character. test() sets lastIndex without building a match array.
/** A word runs to whitespace, '(' or ';' (so "with;ESMTP" splits into a keyword, a ';' and a word). */
const WORD = /[^\s(;]+/y;

export function tokenize(value: string, notes: string[]): Token[] {
  const s = value;
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length && tokens.length < MAX_TOKENS) {
    const c = s.charCodeAt(i);
    if (c === 32 || isRegexSpace(c)) {
      // Any \s ends a word, so any \s is skipped here too: a no-break space or a form feed used to start an empty
      // word that never advanced, until the token cap dropped the rest of the header.
      i++;
    } else if (c === 40) {
      // '(' ... ')', nested
      const { end, depth } = commentEnd(s, i);
      if (end >= s.length) notes.push('unbalanced parenthesis');
      if (depth > MAX_COMMENT_DEPTH) notes.push('deeply nested comment');
      tokens.push({ t: 'comment', text: s.slice(i + 1, end).trim(), pos: i });
      i = end + 1;
    } else if (c === 59) {
      tokens.push({ t: 'semi', text: ';', pos: i });
      i++;
    } else {
      WORD.lastIndex = i;
      WORD.test(s);
      tokens.push({ t: 'word', text: s.slice(i, WORD.lastIndex), pos: i });
      i = WORD.lastIndex;
    }
  }
  if (tokens.length >= MAX_TOKENS) notes.push('too many tokens; rest ignored');
  return tokens;
}

// A date written without the ';' in front, as SendGrid and some Exchange builds do:
//   "by filter0383p1iad2.sendgrid.net with SMTP id filter0383p1iad2-15318-5AB8F728-C 2018-03-26 13:35:36.270951634 +0000 UTC"
//   "by ismtpd0003p1iad2.sendgrid.net (SG) with ESMTP id gDQRSEGgSqCsi9tFtF1Vtg Mon, 26 Mar 2018 13:35:36.102 +0000 (UTC)"
const BARE_DATE_START =
  /(?:^|\s)(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+\d{1,2}\s+[A-Za-z]{3}|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{2,4}\s+\d|\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2})/gi;

function findBareDate(tokens: Token[], value: string): number | undefined {
  // Only where no comment spans the match: search the text of the last top-level stretch.
  let last: number | undefined;
  BARE_DATE_START.lastIndex = 0;
  for (let m = BARE_DATE_START.exec(value); m; m = BARE_DATE_START.exec(value)) {
    const at = m.index + (/^\s/.test(m[0]) ? 1 : 0);
    if (!tokens.some((t) => t.t === 'comment' && t.pos < at && at < t.pos + t.text.length + 2)) last = at;
    if (m[0].length === 0) BARE_DATE_START.lastIndex++;
  }
  return last;
}

/** A ';' among tokens[0 .. end). */
function hasSemi(tokens: Token[], end: number): boolean {
  for (let k = 0; k < end; k++) if (tokens[k]!.t === 'semi') return true;
  return false;
}

export function splitReceived(rawValue: string): SplitReceived {
  const notes: string[] = [];
  let value = rawValue;
  if (value.length > MAX_RECEIVED_CHARS) {
    notes.push(`longer than ${MAX_RECEIVED_CHARS} characters; cut`);
    value = value.slice(0, MAX_RECEIVED_CHARS);
  }
  const tokens = tokenize(value, notes);
  // The date follows the last ';' that is not inside a comment (RFC 5322 3.6.7).
  let semi = -1;
  for (let k = tokens.length - 1; k >= 0; k--) {
    if (tokens[k]!.t === 'semi') {
      semi = k;
      break;
    }
  }
  // The clauses are tokens[0 .. clauseEnd): an index rather than a sliced copy of the array.
  let clauseEnd = tokens.length;
  let dateText: string | undefined;
  const trailer: string[] = [];
  if (semi >= 0) {
    clauseEnd = semi;
    // Comments between the ';' and the date belong to the clauses, not the date: IBM's gateway writes
    //   "with IBM ESMTP SMTP Gateway: Authorized Use Only! Violators will be prosecuted; (version=TLSv1/SSLv3 cipher=AES128-GCM-SHA256 bits=128/128) Wed, 8 Mar 2017 ..."
    let k = semi + 1;
    for (; tokens[k]?.t === 'comment'; k++) trailer.push(tokens[k]!.text);
    const after = value.slice(k < tokens.length ? tokens[k]!.pos : value.length);
    const comment = after.indexOf('(');
    // Keep "(UTC)"-style zone comments with the date; a later "(envelope-from <x>)" goes to the trailer.
    dateText = after.trim();
    if (comment >= 0 && /envelope-from|envelope-sender/i.test(after.slice(comment))) {
      dateText = after.slice(0, comment).trim();
      trailer.push(after.slice(comment).trim().replace(/^\(|\)$/g, ''));
    }
    if (hasSemi(tokens, semi)) notes.push("stray ';' inside the clauses");
  } else {
    const at = findBareDate(tokens, value);
    if (at !== undefined) {
      clauseEnd = 0;
      while (clauseEnd < tokens.length && tokens[clauseEnd]!.pos < at) clauseEnd++; // tokens are in text order
      dateText = value.slice(at).trim();
      if (clauseEnd > 0) notes.push("date without ';'");
    } else {
      notes.push('no date');
    }
  }

  const lead = { words: [] as string[], comments: [] as string[] };
  const clauses = new Map<ClauseKey, Clause>();
  const repeated: Clause[] = [];
  let current: Clause | undefined;
  let senderAfterFor: Clause | undefined;
  for (let k = 0; k < clauseEnd; k++) {
    const tok = tokens[k]!;
    if (tok.t === 'semi') continue;
    if (tok.t === 'comment') {
      (current ?? lead).comments.push(tok.text);
      continue;
    }
    const keyword = keywordOf(tok.text);
    // A keyword opens a clause only after the previous clause got its value: "from by.example" stays a value.
    if (keyword !== undefined && (!current || current.words.length > 0 || current.comments.length > 0)) {
      const afterFor = current?.key === 'for';
      current = { key: keyword, words: [], comments: [] };
      // IBM Domino and its gateway: "for <lina.vailati@dududu.it> from <nicoletta_bernasconi@it.ibm.com>;" is the
      // envelope sender, not a second from clause.
      if (current.key === 'from' && afterFor && clauses.has('from')) senderAfterFor = current;
      else if (clauses.has(current.key)) repeated.push(current);
      else clauses.set(current.key, current);
      continue;
    }
    // "with;ESMTP": the ';' split the keyword from its value; "with ESMTP;" cases land here as plain words.
    if (current) current.words.push(tok.text);
    else lead.words.push(tok.text);
  }
  // IBM's sender is one "<address>"; anything else after "for" is a second from clause after all.
  const sender = senderAfterFor?.words.length === 1 && /^<[^<>]*>$/.test(senderAfterFor.words[0]!) ? senderAfterFor.words[0]! : undefined;
  if (senderAfterFor && !sender) repeated.push(senderAfterFor);
  if (repeated.length) notes.push(`repeated clause: ${[...new Set(repeated.map((c) => c.key))].join(', ')}`);
  if (lead.words.length) notes.push(`words before the first clause: ${lead.words.slice(0, 3).join(' ')}`);
  const envelopeSender = sender?.slice(1, -1);
  // Every key, always in this order: one shape for every line (its readers were recompiled on each new mix of keys).
  return { lead, clauses, repeated, dateText, trailer, envelopeSender, notes };
}
