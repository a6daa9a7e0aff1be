// Address lists through nodemailer's addressparser (the one mailparser uses), keeping the addr-spec as written:
// punycode is NOT decoded here, so a homograph domain stays visible in its xn-- form.
import addressparser from 'nodemailer/lib/addressparser';
import type { HeaderField, Mailbox } from '../types.js';
import { decodeWords } from './encoded-words.js';

/** Address headers longer than this are cut before parsing: no legitimate header needs more. */
const MAX_ADDRESS_HEADER = 64 * 1024;

interface ParsedEntry {
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
  return {
    name: decodeWords((entry.name ?? '').trim()),
    address: normalised,
    domain: domainOf(address),
    ...(group !== undefined ? { group } : {}),
  };
}

/** Every mailbox of an address header value, groups flattened (members keep their group name). */
export function parseMailboxes(value: string): Mailbox[] {
  const parsed = addressparser(value.slice(0, MAX_ADDRESS_HEADER)) as ParsedEntry[];
  const out: Mailbox[] = [];
  for (const entry of parsed) {
    if (entry.group) {
      const group = decodeWords(entry.name ?? '');
      for (const member of entry.group) out.push(toMailbox(member, group));
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
