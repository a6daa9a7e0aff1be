// Organisational domains, the way DMARC relaxed alignment computes them (RFC 7489 3.2): the registrable
// domain under the Public Suffix List. "bounces.mail.example.co.uk" and "example.co.uk" align; "example.com"
// and "example.net" do not.
import { getDomain } from 'tldts';
import { memoize } from '../memo.js';

const MAX_DOMAIN = 253;

/** The organisational domain of a host or domain name; the name itself when the PSL knows no registrable part (IPs, "localhost"). */
export function orgDomain(domain: string | undefined): string {
  return domain ? orgDomainMemo(domain) : '';
}

// The rules ask for the same few domains' organisations again and again (From, Return-Path, every relay).
const orgDomainMemo = memoize((domain: string): string => {
  const d = domain.toLowerCase().replace(/\.$/, '').slice(0, MAX_DOMAIN);
  if (!d) return '';
  return getDomain(d) ?? d;
});

/** Relaxed alignment: both names have the same organisational domain. Empty names never align. */
export function sameOrg(a: string | undefined, b: string | undefined): boolean {
  const x = orgDomain(a);
  return x !== '' && x === orgDomain(b);
}

/** The domain of an address ("a@b.example" -> "b.example"), lower case; '' when there is none. */
export function domainOfAddress(address: string | undefined): string {
  const a = address ?? '';
  const at = a.lastIndexOf('@');
  return at < 0 ? '' : bareDomain(a.slice(at + 1));
}

/**
 * A domain as written in a header, as compared: lower case, without the angle brackets, blanks and root dot around it
 * ("<Sender.Test.>" -> "sender.test"). Trimmed by a loop: /[>.\s]+$/ retries every character of a long run that does
 * not end the value, and a From of "a@" and 200,000 dots took ~60 s of CPU for each of its fields.
 */
export function bareDomain(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && LEADING.test(text[start]!)) start++;
  while (end > start && TRAILING.test(text[end - 1]!)) end--;
  return text.slice(start, end).toLowerCase();
}

const LEADING = /[<\s]/;
const TRAILING = /[>.\s]/;

/** A name worth comparing at all: has a dot, is not an IP literal, not a local-only name. */
export function isPublicName(domain: string | undefined): boolean {
  return domain ? isPublicNameMemo(domain) : false;
}

// Asked for every relay name and address domain by several rules.
const isPublicNameMemo = memoize((domain: string): boolean => {
  const d = domain.toLowerCase();
  if (!d.includes('.') || d.length > MAX_DOMAIN) return false;
  if (/^\[?[\d.]+\]?$/.test(d) || d.includes(':')) return false;
  return !/(^|\.)(localhost|localdomain|local|lan|home|internal|intranet|corp|invalid)$/.test(d);
});
