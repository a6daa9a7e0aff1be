// Address lists through nodemailer's addressparser (the one mailparser uses), keeping the addr-spec as written:
// punycode is NOT decoded here, so a homograph domain stays visible in its xn-- form.
import addressparser from 'nodemailer/lib/addressparser';
import type { HeaderField, Mailbox } from '../types.js';
import { decodeWords } from './encoded-words.js';

/** Address headers longer than this are cut before parsing: no legitimate header needs more. */
const MAX_ADDRESS_HEADER = 64 * 1024;

export interface ParsedEntry {
  name: string;
  address?: string;
  group?: ParsedEntry[];
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

function toMailbox(entry: ParsedEntry, group?: string): Mailbox {
  const address = (entry.address ?? '').trim();
  const at = address.lastIndexOf('@');
  const normalised = at < 0 ? address : address.slice(0, at) + '@' + address.slice(at + 1).toLowerCase();
  const mailbox: Mailbox = { name: decodeWords((entry.name ?? '').trim()), address: normalised, domain: domainOf(address) };
  if (group !== undefined) mailbox.group = group; // only group members carry the key
  return mailbox;
}

// The plain mailboxes most address fields hold, one per comma-separated segment:
//   "To: alice@example.org, Bob Smith <bob@example.org>, \"Carol (Sales)\" <carol@example.org>, undisclosed-recipients:;"
// Letters, digits and . _ % + - ' only (a quoted name may also hold ( ) : ; & ! / # *), or an empty group: no comment,
// no quoted comma or '@', no group with members, no escape, no encoded word. For these the address parser's answer
// is known without running it (test/message/simple-addresses.test.ts holds the two equal over every address field
// of the corpus and random text). Bounded pieces, no nested quantifiers.
const SIMPLE_ADDRESS = String.raw`[A-Za-z0-9._%+-]{1,256}@[A-Za-z0-9.-]{1,256}`;
const SIMPLE_NAME = String.raw`[A-Za-z0-9.'-](?:[A-Za-z0-9.' -]{0,200}[A-Za-z0-9.'-])?`;
const QUOTED_NAME = String.raw`[A-Za-z0-9.'_%+()&!/#*:;-](?:[A-Za-z0-9.'_%+()&!/#*:; -]{0,200}[A-Za-z0-9.'_%+()&!/#*:;-])?`;
const SIMPLE_MAILBOX = new RegExp(
  String.raw`^ ?(?:(${SIMPLE_ADDRESS})|<(${SIMPLE_ADDRESS})>|(${SIMPLE_NAME}) ?<(${SIMPLE_ADDRESS})>|"(${QUOTED_NAME})?" ?<(${SIMPLE_ADDRESS})>|(${SIMPLE_NAME}) ?: ?;) ?$`,
);

/**
 * What addressparser returns for a list of plain mailboxes, or undefined when any segment is not plain (then the
 * parser itself runs). The parser costs far more than the rest of the identity stage, and most fields are plain.
 */
export function plainMailboxList(value: string): ParsedEntry[] | undefined {
  const out: ParsedEntry[] = [];
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(',', start);
    if (end < 0) end = value.length;
    const m = SIMPLE_MAILBOX.exec(value.slice(start, end));
    if (!m) return undefined;
    // "undisclosed-recipients:;": a group without members, which the parser gives as such
    if (m[7] !== undefined) out.push({ name: m[7], group: [] });
    else out.push({ address: m[1] ?? m[2] ?? m[4] ?? m[6]!, name: m[3] ?? m[5] ?? '' });
    start = end + 1;
  }
  return out;
}

/** Every mailbox of an address header value, groups flattened (members keep their group name). */
export function parseMailboxes(value: string): Mailbox[] {
  const text = value.slice(0, MAX_ADDRESS_HEADER);
  const parsed = plainMailboxList(text) ?? (addressparser(text) as ParsedEntry[]);
  const out: Mailbox[] = [];
  // Index loops: every address field of every message, mostly in a worker's unoptimised code (no iterator objects).
  for (let i = 0; i < parsed.length; i++) {
    const entry = parsed[i]!;
    if (entry.group) {
      const group = decodeWords(entry.name ?? '');
      for (let k = 0; k < entry.group.length; k++) out.push(toMailbox(entry.group[k]!, group));
    } else out.push(toMailbox(entry));
  }
  return out;
}

const fieldMailboxCache = new WeakMap<HeaderField, readonly Mailbox[]>();

/**
 * The mailboxes of one address field, parsed once per field: the identity stage and the From checks both need
 * them, and the address parser is the dearest step of either. Shared: read, never modify.
 */
export function fieldMailboxes(field: HeaderField): readonly Mailbox[] {
  let boxes = fieldMailboxCache.get(field);
  if (!boxes) {
    boxes = parseMailboxes(field.value);
    fieldMailboxCache.set(field, boxes);
  }
  return boxes;
}

/** The domain of a bare address or an angle-bracketed path ("<a@b.c>"). */
export function addressDomain(address: string): string {
  return domainOf(address.replace(/^<|>$/g, ''));
}

/** Strip the angle brackets and comments of a path such as a Return-Path value; '' for the null path "<>". */
export function parsePath(value: string): string {
  const m = /<([^<>]{0,998})>/.exec(value);
  const inner = m ? m[1]! : value.replace(/\([^()]{0,998}\)/g, '');
  return inner.trim();
}
