// Ambiguous From headers: the constructs with which "Composition Kills" (Chen et al., USENIX Security 2020;
// the espoofer tool) made the server that checks DMARC and the client that shows the mail disagree about who
// the author is. Each is legal-looking enough that one parser accepts it and another reads it differently.
// Every check works on the raw text (HeaderField.raw / value), never only on a parser's result.
import type { HeaderField, Message } from '../types.js';
import { fieldMailboxes } from '../message/addresses.js';
import { decodeWords } from '../message/encoded-words.js';
import { isRegexSpace } from '../message/text.js';

export type FromAmbiguity =
  | 'multiple-from-fields' // A8: two From fields; DMARC checks one, the client shows the other
  | 'space-before-colon' // A10: "From : x"; some parsers drop the field, others keep it
  | 'folded-name' // A11-A13: "From\r\n : x"; the field name is folded away from its colon
  | 'hidden-in-continuation' // A9: " From: x" indented, so it continues the previous field for one parser only
  | 'multiple-mailboxes' // A14, A18: several addresses in one From
  | 'encoded-address' // A15: an encoded word that decodes to an address or angle brackets
  | 'route' // A16: an obsolete source route "<@a,@b:x@y>"
  | 'quoted-pair' // A17: a backslash escape outside quotes ("<a@b>\,<c@d>")
  | 'text-after-address' // A19: "<a@evil>admin@good": text beside the angle address holds another address
  | 'two-angle-addresses' // '"x" <a@good> <b@evil>': one mailbox, two angle addresses
  | 'stray-display-name' // "Amazon Gutschein, <service@x.example>": a name cut off from its address by a comma
  | 'no-address' // a From field with no usable address at all
  | 'invalid-address'; // "Todays@winner!", "a@b@c": no domain name, so nothing (DMARC, a reply) can check it

export interface FromIssue {
  code: FromAmbiguity;
  /** The header field it concerns (-1 when the evidence is not a field, e.g. a line that ended the header block). */
  index: number;
  raw: string;
  detail: string;
}

const MAX_SCAN = 8 * 1024;

interface Segment {
  /** The segment as written, with the comma that ends it. */
  text: string;
  angles: number;
  /** Text after the last '>' outside quotes/comments. */
  afterAngle: string;
  route: boolean;
  quotedPair: boolean;
}

const newSegment = (): Segment => ({ text: '', angles: 0, afterAngle: '', route: false, quotedPair: false });

/**
 * Split a From value into mailbox segments at top-level commas, tracking quotes, comments and angle brackets. Linear;
 * a segment's text is cut out of the value once it ends, not built a character at a time.
 */
export function scanMailboxList(value: string): Segment[] {
  const v = value.slice(0, MAX_SCAN);
  const segments: Segment[] = [];
  let cur = newSegment();
  let start = 0;
  let inQuote = false;
  let comment = 0;
  let inAngle = false;
  let angleStart = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      if (!inQuote && comment === 0) cur.quotedPair = true;
      i++;
      continue;
    }
    if (inQuote) {
      if (c === '"') inQuote = false;
      continue;
    }
    if (comment > 0) {
      if (c === '(') comment++;
      else if (c === ')') comment--;
      continue;
    }
    if (c === '"') {
      inQuote = true;
      // A quoted local part starts the address: an @ inside or after it is no source route ("<\"a@b\"@example.org>").
      if (inAngle) angleStart = false;
    } else if (c === '(') comment = 1;
    else if (c === '<' && !inAngle) {
      inAngle = true;
      angleStart = true;
      cur.angles++;
      cur.afterAngle = '';
    } else if (c === '>' && inAngle) inAngle = false;
    else if (inAngle) {
      if (angleStart && c === '@') cur.route = true;
      if (c !== ' ' && c !== '\t') angleStart = false;
    } else if (c === ',') {
      cur.text = v.slice(start, i + 1);
      segments.push(cur);
      cur = newSegment();
      start = i + 1;
    } else if (cur.angles > 0) cur.afterAngle += c;
  }
  cur.text = v.slice(start);
  segments.push(cur);
  return segments.filter((s) => s.text.trim() !== '');
}

// An encoded word anywhere in the field, e.g. "From: =?utf-8?B?PGFkbWluQGxlZ2l0aW1hdGUuY29tPg==?=,<second@attack.com>"
const ENCODED_WORD = /=\?[^?\s]{1,64}\?[bBqQ]\?[^?\s]{0,2000}\?=/g;
const NO_MATCHES: readonly RegExpExecArray[] = [];

/** One finding is enough: a From of 2,000 such words is reported by its first few. */
const MAX_ENCODED_ISSUES = 8;

/**
 * The decoded text of each encoded word that stands where an address is read. An encoded word is allowed only in a
 * display name (RFC 2047 5(3)); one that decodes to brackets, stands inside <...> or right before an "@", or decodes
 * to an address with no <address> after it, hides an address from one parser and shows it to another. One pass over
 * the value: the last "<" and ">" before each word are carried forward, and whether only encoded words and white
 * space stand between a word and a "<" is carried backward (a test of the text before and after each word cost
 * quadratic time: a 33 KB From of 4,000 "<" and 2,000 words took 11 s).
 */
function encodedWordsInAddressPlaces(value: string, words: readonly RegExpExecArray[]): string[] {
  const n = words.length;
  if (n === 0) return [];
  // Backward: word i is followed, past white space and further encoded words, by "<".
  const beforeAngle: boolean[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let j = words[i]!.index + words[i]![0].length;
    while (j < value.length && isRegexSpace(value.charCodeAt(j))) j++;
    beforeAngle[i] = i + 1 < n && words[i + 1]!.index === j ? beforeAngle[i + 1]! : value.charCodeAt(j) === LT;
  }
  const out: string[] = [];
  let lastLt = -1;
  let lastGt = -1;
  let scanned = 0;
  for (let i = 0; i < n; i++) {
    const m = words[i]!;
    for (; scanned < m.index; scanned++) {
      const c = value.charCodeAt(scanned);
      if (c === LT) lastLt = scanned;
      else if (c === GT) lastGt = scanned;
    }
    const decoded = decodeWords(m[0]);
    const inAddrSpec = value.charCodeAt(m.index + m[0].length) === AT || lastLt > lastGt;
    if (/[<>]/.test(decoded) || inAddrSpec || (decoded.includes('@') && !beforeAngle[i])) out.push(decoded);
  }
  return out;
}

const LT = 60;
const GT = 62;
const AT = 64;

function checkField(field: HeaderField): FromIssue[] {
  const out: FromIssue[] = [];
  const add = (code: FromAmbiguity, detail: string) => out.push({ code, index: field.index, raw: field.raw, detail });
  if (field.spaceBeforeColon) add('space-before-colon', 'whitespace between "From" and the colon: some software ignores this field, some uses it');
  const segments = scanMailboxList(field.value);
  const mailboxes = fieldMailboxes(field);
  const withAddress = mailboxes.filter((m) => m.address.includes('@'));
  if (withAddress.length > 1) add('multiple-mailboxes', `${withAddress.length} addresses in one From: ${withAddress.map((m) => m.address).join(', ')}`);
  if (withAddress.length === 0 && !/=\?/.test(field.value)) add('no-address', 'no usable address in this From field');
  for (let i = 0; i < withAddress.length; i++) {
    const problem = addressProblem(withAddress[i]!.address);
    if (problem) add('invalid-address', `"${withAddress[i]!.address}" is not an address: ${problem}`);
  }
  // A quoted name with a comma ("Doe, John" <j@x>) is fine; an unquoted one leaves a mailbox without an address,
  // which the reader sees as the sender's name while DMARC sees only the address.
  const stray = mailboxes.filter((m) => !m.address && m.name && m.group === undefined).map((m) => m.name);
  // The address parser joins a stray name to the next mailbox when that one has a name too: "Lernen Sie heute!, jehd
  // <service@x.example>" comes back as one mailbox named "Lernen Sie heute!, jehd". The raw segments still show it:
  // one with no address, no angle brackets and no group (":"), beside a segment that has the address.
  if (stray.length === 0 && withAddress.length) {
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const text = s.text.replace(/,\s*$/, '').trim();
      if (s.angles === 0 && text !== '' && !text.includes('@') && !text.includes(':')) stray.push(decodeWords(text.replace(/^"([^"]*)"$/, '$1')));
    }
  }
  if (stray.length && withAddress.length) add('stray-display-name', `"${stray.join(', ')}" stands apart from the address ${withAddress[0]!.address}: clients show it as the sender's name`);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.route) add('route', `an obsolete source route in "${s.text.trim()}": the real mailbox is after the colon`);
    if (s.quotedPair) add('quoted-pair', `a backslash escape outside quotes in "${s.text.trim()}"`);
    if (s.angles > 1) add('two-angle-addresses', `one mailbox with ${s.angles} angle-bracket addresses: "${s.text.trim()}"`);
    if (s.angles > 0 && /@/.test(s.afterAngle)) add('text-after-address', `text after the address holds another address: "${s.afterAngle.trim()}"`);
  }
  // matchAll builds an iterator even when nothing matches: most From values have no encoded word at all.
  const encoded = field.value.includes('=?') ? [...field.value.matchAll(ENCODED_WORD)] : NO_MATCHES;
  const hidden = encodedWordsInAddressPlaces(field.value, encoded);
  for (let i = 0; i < hidden.length && i < MAX_ENCODED_ISSUES; i++) {
    add('encoded-address', `an encoded word that decodes to "${hidden[i]}" stands where an address is read`);
  }
  return out;
}

/**
 * Why an address cannot be anyone's (undefined when it can): its domain is no domain name (a label holds a character
 * no host name or IDN label has: "winner!", a control or bidi character) and no [address literal], or an unquoted
 * local part holds another '@' ("reward@phishing@pot!"). Lenient otherwise: a hyphen or underscore anywhere passes.
 */
export function addressProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).replace(/\.$/, '');
  if (!local.startsWith('"') && local.includes('@')) return 'more than one @';
  if (/^\[[^\[\]]{1,300}\]$/.test(domain)) return undefined;
  if (domain.length === 0 || domain.length > 253) return 'no domain name';
  return domain.split('.').every((label) => DOMAIN_LABEL.test(label)) ? undefined : `"${domain}" is no domain name`;
}

/** A host name or IDN label: letters, marks and digits of any script, hyphens and underscores (seen in the wild). */
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}_-]{1,63}$/u;

/** The text right at the end of the header block, when a line there ended it. */
function textAtHeaderEnd(message: Message): string {
  if (!message.problems.some((p) => p.code === 'invalid-header-line')) return '';
  const start = message.bodyOffset - (message.size - message.bytes.length);
  if (start < 0 || start >= message.bytes.length) return '';
  return Buffer.from(message.bytes.subarray(start, start + 300)).toString('latin1');
}

/** Every ambiguity of the message's From fields, the hidden ones (outside any From field) included. */
export function fromAmbiguities(message: Message): FromIssue[] {
  const fields = message.headers.filter((f) => f.key === 'from');
  const out: FromIssue[] = [];
  if (fields.length > 1) {
    out.push({
      code: 'multiple-from-fields',
      index: fields[1]!.index,
      raw: fields.map((f) => f.raw).join('\n'),
      detail: `${fields.length} From fields: DMARC may check one while the mail client shows another`,
    });
  }
  for (let i = 0; i < fields.length; i++) {
    const issues = checkField(fields[i]!);
    for (let k = 0; k < issues.length; k++) out.push(issues[k]!);
  }
  // "From\r\n : <first@attack.com>": the name alone on its line ends the header block for us (and for Postfix);
  // other parsers unfold it into a From field.
  const tail = textAtHeaderEnd(message);
  const folded = /^(From|Sender|Resent-From)[ \t]*\r?\n[ \t]+:([^\r\n]{0,200})/i.exec(tail);
  if (folded) {
    out.push({ code: 'folded-name', index: -1, raw: folded[0].replace(/\r/g, ''), detail: `a "${folded[1]}" field name folded away from its colon: some software reads "${folded[2]!.trim()}" as the author` });
  }
  // " From: <first@attack.com>" right under another field: a continuation line to us, a From field to some clients.
  // A DKIM or ARC signature's "h=" list folds as "\tFrom:Date:Message-Id;" legitimately: only a line that
  // carries an address counts.
  // An index loop over every field: for...of allocates an iterator result a step in a worker's unoptimised code.
  for (let i = 0; i < message.headers.length; i++) {
    const f = message.headers[i]!;
    // Only a folded field has a continuation line to hide in.
    if (f.key === 'from' || !f.raw.includes('\n')) continue;
    const hidden = /\n[ \t]+(From[ \t]*:[^\n@]{0,200}@[^\n]{0,200})/i.exec(f.raw);
    if (hidden) out.push({ code: 'hidden-in-continuation', index: f.index, raw: f.raw, detail: `"${hidden[1]!.trim()}" is folded into the ${f.name} field: a client that does not unfold shows it as the author` });
  }
  return out;
}
