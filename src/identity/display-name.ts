// Display-name impersonation: the name shown in bold by every mail client is free text. "PayPal Service
// <x@mailer.example>" and "\"ceo@victim.example\" <attacker@gmail.com>" rely on the reader never seeing the
// address behind it.
import { parse } from 'tldts';
import type { Mailbox } from '../types.js';
import { AMBIGUOUS_BRAND_WORDS, BRAND_ORDER, BRANDS } from './domains.js';
import { isAscii, skeleton } from './lookalike.js';
import { orgDomain, sameOrg } from './org.js';

export interface NameClaim {
  kind: 'address-in-name' | 'domain-in-name' | 'brand-in-name' | 'mixed-script-name';
  /** What the name claims: an address, a domain or a brand. */
  claimed: string;
  /** For a brand: its real domains. */
  brandDomains?: readonly string[];
}

const MAX_NAME = 400;
// "support@paypal.com" inside a display name; bounded pieces, no nesting: linear.
const ADDRESS_IN_NAME = /[A-Za-z0-9._%+'-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})/g;
// "paypal.com", "Amazon.co.uk" inside a display name: a whole word, so neither side touches a letter, digit or mark
// of any script. "Μetamаsk.io" and "service@lnt.ҏaypal.com" (Greek, Cyrillic letters) name no "sk.io" or "aypal.com":
// their ASCII tail is no domain of its own. The Unicode pattern runs only on names that are not ASCII.
const DOMAIN_IN_NAME = /(?<![A-Za-z0-9@.-])((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9@-])/g;
const DOMAIN_IN_NAME_UNICODE = /(?<![\p{L}\p{N}\p{M}@.-])((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![\p{L}\p{N}\p{M}@-])/gu;
// "Craig R.Hughes": an initial and a surname, which a brand top-level domain (.hughes, .money) makes look like a domain.
const INITIAL_AND_SURNAME = /^[A-Z]\.[A-Z][a-z]{3,23}$/;
/** Words that make a name read as a company's service account ("Apple Support", "Chase Bank Alerts"). */
const SERVICE_WORDS = new Set([
  'support', 'service', 'services', 'security', 'account', 'accounts', 'team', 'id', 'billing', 'customer', 'online', 'notification',
  'notifications', 'alert', 'alerts', 'bank', 'prime', 'store', 'help', 'pay', 'center', 'centre', 'verification', 'admin', 'noreply',
  'no-reply', 'info', 'mail', 'inc', 'com', 'care', 'helpdesk', 'desk', 'official', 'member', 'members', 'rewards', 'wallet', 'cloud',
  'live', 'news', 'exchange', 'express', 'delivery', 'parcel', 'tracking', 'shop', 'online-banking',
]);

/** Domains a display name names (as an address or a bare domain), ICANN suffixes only ("john.smith" is not a domain). */
export function domainsInName(name: string): string[] {
  const n = readable(name);
  const out = new Set<string>();
  for (const m of n.matchAll(ADDRESS_IN_NAME)) out.add(m[1]!.toLowerCase());
  for (const m of n.matchAll(isAscii(n) ? DOMAIN_IN_NAME : DOMAIN_IN_NAME_UNICODE)) {
    if (INITIAL_AND_SURNAME.test(m[1]!)) continue;
    const d = m[1]!.toLowerCase();
    const p = parse(d);
    if (p.isIcann && p.domain) out.add(d);
  }
  return [...out];
}

// Invisible characters phishers thread through a name so filters miss "service@paypal.com":
// "s\u034fe\u034fr\u034fv..." (combining grapheme joiner), zero-width spaces and joiners, soft hyphens, BOMs.
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]/g;

/**
 * The letters a reader makes out: invisible characters gone and, in a name that is not ASCII, every combining mark
 * too. "Am\u073faz\u073fon.com" (a Syriac mark after two letters, sample of phishing_pot) reads "Amazon.com", and
 * "W\u00e1ll\u00e9t.com" reads "Wallet.com"; with the marks left in, the brand was cut into "am", "az", "on" and
 * the name seemed to name "on.com". For matching only: findings quote the name as written.
 */
function readable(name: string): string {
  const n = name.slice(0, MAX_NAME).replace(INVISIBLE, '');
  return isAscii(n) ? n : n.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** What a mailbox's display name claims that its address does not back. */
export function nameClaims(mailbox: Mailbox): NameClaim[] {
  const written = mailbox.name.slice(0, MAX_NAME).replace(INVISIBLE, '');
  const name = readable(mailbox.name);
  const own = mailbox.domain;
  if (!name || !own) return [];
  const out: NameClaim[] = [];
  for (const m of name.matchAll(ADDRESS_IN_NAME)) {
    const claimed = m[0].toLowerCase();
    if (!sameOrg(m[1], own)) out.push({ kind: 'address-in-name', claimed });
  }
  if (out.length === 0) {
    for (const d of domainsInName(name)) if (!sameOrg(d, own)) out.push({ kind: 'domain-in-name', claimed: d });
  }
  // "МеtaМask", "ΝFT@υniswaρ": Cyrillic or Greek letters inside a Latin word, so a filter's word list misses it
  // while the reader sees the brand. Real names are written in one script per word.
  // An ASCII name has no such letters, and skips these Unicode property regexes: compiling them costs ~2 ms of start-up.
  const mixedWord = isAscii(written) ? undefined : written.split(/\s+/).find((w) => /\p{Script=Latin}/u.test(w) && /\p{Script=Cyrillic}|\p{Script=Greek}|\p{Script=Armenian}|\p{Script=Cherokee}/u.test(w));
  if (mixedWord) out.push({ kind: 'mixed-script-name', claimed: mixedWord });
  // Brands, matched on skeletons as whole words: "PayPaI Service" and "Micr0soft" count, "Applebee's" does not.
  const nameSkeleton = skeleton(name);
  // On ASCII text, \p{L} and \p{N} are exactly A-Z, a-z and 0-9.
  const words = joinSpelledOut(nameSkeleton.split(isAscii(nameSkeleton) ? /[^A-Za-z0-9-]+/ : /[^\p{L}\p{N}-]+/u).filter(Boolean));
  const ownOrg = orgDomain(own);
  for (const { brand, domains, skeleton: skBrand } of brandsNamedIn(words)) {
    if (domains.some((d) => orgDomain(d) === ownOrg)) continue;
    if (AMBIGUOUS_BRAND_WORDS.has(brand)) {
      // "Apple" alone or with service words: a brand; "Jane Apple" or "Chase Miller": a person.
      const others = words.filter((w) => w !== skBrand);
      if (!(others.length <= 3 && others.every((w) => SERVICE_WORDS.has(w)))) continue;
    }
    out.push({ kind: 'brand-in-name', claimed: brand, brandDomains: domains });
    break;
  }
  return out;
}

/**
 * Words spelt out a letter at a time ("C o i n b a s e", "N.E.T.F.L.I.X") read as one word: a run of three or more
 * one-letter words becomes the word they spell, so the brand list sees "coinbase". A reader sees the brand; a
 * word filter saw eight letters.
 */
function joinSpelledOut(words: string[]): string[] {
  if (!words.some((w, i) => isLetter(w) && isLetter(words[i + 1]) && isLetter(words[i + 2]))) return words;
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    let j = i;
    while (isLetter(words[j])) j++;
    if (j - i >= 3) {
      out.push(words.slice(i, j).join(''));
      i = j;
    } else out.push(words[i++]!);
  }
  return out;
}

/** One letter or digit of any script (one code point, or a letter split from its mark by NFD in a skeleton). */
function isLetter(word: string | undefined): boolean {
  return word !== undefined && word !== '-' && [...word.normalize('NFC')].length === 1;
}

interface NamedBrand {
  brand: string;
  domains: readonly string[];
  skeleton: string;
}

/**
 * The brands whose skeleton is one of the words, in BRANDS order. The brands are indexed by skeleton once (the list
 * is fixed, and this runs for every display name): a name is looked up word by word, where it was compared with
 * every brand.
 */
let brandsBySkeleton: Map<string, NamedBrand[]> | undefined;
function brandsNamedIn(words: readonly string[]): NamedBrand[] {
  if (!brandsBySkeleton) {
    brandsBySkeleton = new Map();
    for (const [brand, domains] of BRANDS) {
      const sk = skeleton(brand);
      const named = brandsBySkeleton.get(sk) ?? [];
      named.push({ brand, domains, skeleton: sk });
      brandsBySkeleton.set(sk, named);
    }
  }
  const found: NamedBrand[] = [];
  for (const word of words) for (const b of brandsBySkeleton.get(word) ?? []) if (!found.includes(b)) found.push(b);
  return found.length > 1 ? found.sort((a, b) => BRAND_ORDER.get(a.brand)! - BRAND_ORDER.get(b.brand)!) : found;
}
