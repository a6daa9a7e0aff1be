// Lookalike domains: Unicode confusables (UTS #39 skeletons), mixed scripts, punycode that decodes to a
// confusable, and a small edit distance to a brand's or the recipient's own domain.
//
// The attack: "pаypal.com" with a Cyrillic "а" (xn--pypal-4ve.com) renders exactly like the real domain;
// "paypa1.com" and "rnicrosoft.com" do too in most fonts; "micros0ft-support.com" borrows the brand.
// Naive edit distance flags real names ("ebay.com" vs "ebby.com"), so a match must be close AND long enough
// AND not itself a known domain of the brand.
import { domainToUnicode } from 'node:url';
import { createRequire } from 'node:module';
import { BRAND_ORDER, BRANDS } from './domains.js';
import { orgDomain } from './org.js';

export type LookalikeKind =
  | 'confusable-brand' // the skeleton equals a brand domain's skeleton, but the domain differs
  | 'confusable-recipient' // same, against the recipient's own domain
  | 'mixed-script' // one label mixes scripts (Latin + Cyrillic ...)
  | 'punycode-confusable' // an xn-- label that decodes to characters confusable with ASCII
  | 'edit-distance-brand' // one edit away from a brand's domain label
  | 'edit-distance-recipient' // one edit away from the recipient's own domain label
  | 'brand-embedded'; // the brand's name is a whole token of another organisation's domain ("paypal-secure.com")

export interface Lookalike {
  kind: LookalikeKind;
  /** The domain examined, ASCII (punycode) form as written. */
  domain: string;
  /** Its Unicode form, when it differs. */
  unicode?: string;
  /** The real domain it imitates, when there is one. */
  target?: string;
  detail: string;
}

const MAX_LABEL = 63;

/** UTS #39 skeleton: NFD, map each confusable to its prototype, NFD again. Lower-cased first (domains are case-insensitive). */
export function skeleton(text: string): string {
  const lower = text.toLowerCase();
  // ASCII (every domain label before IDNA, most names): NFD changes nothing, before or after the mapping (whose
  // non-ASCII prototypes, for '%', have no canonical decomposition), so one replace does it.
  if (isAscii(lower)) return lower.replace(ASCII_CONFUSABLE, (c) => ASCII_PROTOTYPES.get(c)!).toLowerCase();
  const table = allPrototypes();
  let mapped = '';
  for (const c of lower.normalize('NFD')) mapped += table.get(c) ?? c;
  return mapped.normalize('NFD').toLowerCase();
}

/**
 * The ASCII keys of Unicode's confusables.txt (test/identity/lookalike.test.ts holds this to unhomoglyph's data).
 * Most display names and every domain label before IDNA are ASCII, and need no more than these.
 */
export const ASCII_PROTOTYPES: ReadonlyMap<string, string> = new Map([
  ['0', 'O'], ['1', 'l'], ['`', "'"], ['"', "''"], ['|', 'l'], ['I', 'l'], ['%', '\u00ba/\u2080'], ['m', 'rn'],
]);
/** Any key of ASCII_PROTOTYPES (each one character). */
const ASCII_CONFUSABLE = new RegExp(`[${[...ASCII_PROTOTYPES.keys()].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`, 'g');

/**
 * unhomoglyph's data is confusables.txt as code point -> prototype: 6,311 entries that cost ~10 ms to build, so
 * they are read only when non-ASCII text arrives. Its own replace() compiles one regex of all keys; every key is
 * one code point, so a Map lookup per code point is exact.
 */
let prototypes: ReadonlyMap<string, string> | undefined;
export function allPrototypes(): ReadonlyMap<string, string> {
  prototypes ??= new Map(Object.entries(createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>));
  return prototypes;
}

export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** The public suffix: "mail.paypal.co.uk" -> "co.uk". */
function suffixOf(domain: string): string {
  const org = orgDomain(domain);
  return org.slice(org.indexOf('.') + 1);
}

/** The registrable label: "mail.paypal.co.uk" -> "paypal". */
function registrableLabel(domain: string): string {
  const org = orgDomain(domain);
  return org.split('.')[0] ?? '';
}

/** Scripts of the letters in a string, Common and Inherited left out. */
function scriptsOf(text: string): Set<string> {
  const scripts = new Set<string>();
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    if (/\p{Script=Latin}/u.test(ch)) scripts.add('Latin');
    else if (/\p{Script=Cyrillic}/u.test(ch)) scripts.add('Cyrillic');
    else if (/\p{Script=Greek}/u.test(ch)) scripts.add('Greek');
    else if (/\p{Script=Armenian}/u.test(ch)) scripts.add('Armenian');
    else if (/\p{Script=Han}/u.test(ch)) scripts.add('Han');
    else if (/\p{Script=Hiragana}|\p{Script=Katakana}/u.test(ch)) scripts.add('Kana');
    else if (/\p{Script=Hangul}/u.test(ch)) scripts.add('Hangul');
    else if (/\p{Script=Cherokee}/u.test(ch)) scripts.add('Cherokee');
    else scripts.add('Other');
  }
  return scripts;
}

/** UTS #39 "highly restrictive": Latin may mix with the CJK scripts only. */
function isMixedScript(label: string): boolean {
  const s = scriptsOf(label);
  if (s.size < 2) return false;
  const cjk = ['Latin', 'Han', 'Kana', 'Hangul'];
  return ![...s].every((x) => cjk.includes(x));
}

/**
 * Whether a and b are exactly one edit apart (Damerau-Levenshtein, optimal string alignment: one substitution,
 * insertion, deletion or swap of neighbours), without a table: after their common prefix, the rest must match once
 * one character is substituted, dropped from the longer, or swapped with the next.
 * findLookalikes asks this of every brand label for every domain, so it must not allocate.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length > MAX_LABEL || b.length > MAX_LABEL) return false;
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (a.length > b.length) return a.slice(i + 1) === b.slice(i);
  if (a.length < b.length) return a.slice(i) === b.slice(i + 1);
  if (a.slice(i + 1) === b.slice(i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Every organisational domain a brand sends from, and a reverse index: org domain -> brand. */
const BRAND_ORGS = new Set([...BRANDS.values()].flat());
const BRAND_LABELS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const d of [...BRANDS.values()].flat()) {
    const label = registrableLabel(d);
    if (label.length >= 4 && !m.has(label)) m.set(label, d);
  }
  return m;
})();
/**
 * The brand labels, in BRAND_LABELS order, within one letter of this length: only those can be one edit away from an
 * ASCII label of it, and every domain is compared with the brands. Remembered per length (at most 254 lists).
 */
const ALL_BRAND_LABELS: readonly (readonly [string, string])[] = [...BRAND_LABELS];
const labelsNear = new Map<number, readonly (readonly [string, string])[]>();
function brandLabelsNear(length: number): readonly (readonly [string, string])[] {
  let near = labelsNear.get(length);
  if (!near) labelsNear.set(length, (near = ALL_BRAND_LABELS.filter(([label]) => Math.abs(label.length - length) <= 1)));
  return near;
}

/** The public suffixes a brand label is registered under ("amazon" -> com, co.uk, de, ...). */
function brandSuffixes(label: string): Set<string> {
  return new Set([...BRANDS.values()].flat().filter((d) => registrableLabel(d) === label).map(suffixOf));
}

/** Brand label skeletons, computed once on first use. */
let brandSkeletons: Map<string, string> | undefined;
function brandBySkeleton(sk: string): string | undefined {
  brandSkeletons ??= new Map([...BRAND_LABELS].map(([l, d]) => [skeleton(l), d] as const));
  return brandSkeletons.get(sk);
}

/** True when the domain is one a bundled brand really uses. */
export function isBrandDomain(domain: string): boolean {
  return BRAND_ORGS.has(orgDomain(domain));
}

function unicodeForm(domain: string): string {
  if (!/(^|\.)xn--/i.test(domain)) return domain;
  const u = domainToUnicode(domain);
  return u || domain;
}

/** Labels of at least this length are compared by edit distance: shorter ones collide with real names too often. */
const MIN_EDIT_LABEL = 6;

/**
 * Check one domain. `recipientOrgs` are the organisational domains of the message's own recipients (the
 * company a BEC fraud imitates). Returns at most one finding per kind.
 */
export function findLookalikes(domain: string, recipientOrgs: readonly string[] = []): Lookalike[] {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (!d.includes('.') || d.length > 253) return [];
  const org = orgDomain(d);
  if (BRAND_ORGS.has(org) || recipientOrgs.includes(org)) return [];
  const out: Lookalike[] = [];
  const unicode = unicodeForm(d);
  const uni = unicode !== d ? { unicode } : {};
  const uniOrg = unicodeForm(org);
  const label = uniOrg.split('.')[0] ?? '';
  const nonAscii = /[^\x00-\x7f]/.test(uniOrg);

  if (nonAscii && unicode.split('.').some(isMixedScript)) {
    out.push({ kind: 'mixed-script', domain: d, ...uni, detail: `a label mixes scripts (${[...scriptsOf(uniOrg)].join(' + ')})` });
  }
  if (nonAscii && /^[\x00-\x7f]*$/.test(skeleton(uniOrg).normalize('NFC').replace(/[\u0300-\u036f]/g, ''))) {
    out.push({ kind: 'punycode-confusable', domain: d, ...uni, detail: `${d} decodes to "${unicode}", which renders like a plain ASCII name` });
  }

  // Confusable with a brand or the recipient: the skeleton of the registrable label equals theirs.
  const sk = skeleton(label);
  const brandHit = brandBySkeleton(sk);
  if (brandHit && label !== registrableLabel(brandHit)) {
    out.push({ kind: 'confusable-brand', domain: d, ...uni, target: brandHit, detail: `"${label}" looks like "${registrableLabel(brandHit)}" (${brandHit})` });
  }
  for (let i = 0; i < recipientOrgs.length; i++) {
    const r = recipientOrgs[i]!;
    const rl = registrableLabel(r);
    if (rl.length >= 4 && skeleton(rl) === sk && rl !== label) {
      out.push({ kind: 'confusable-recipient', domain: d, ...uni, target: r, detail: `"${label}" looks like the recipient's own "${rl}" (${r})` });
    }
  }

  // One edit away (insertion, deletion, substitution, transposition), on long enough labels only, and under the
  // same public suffix: "amazom.com" imitates "amazon.com", but "telkom.co.id" is Telkom Indonesia, not Telekom.
  // A non-ASCII label is compared by its skeleton, and from a shorter length: no real name needs Cyrillic letters
  // that are one step from a brand.
  const minLength = nonAscii ? 4 : MIN_EDIT_LABEL;
  const compared = nonAscii ? sk : label;
  if (!out.some((o) => o.kind.startsWith('confusable')) && label.length >= minLength) {
    const suffix = suffixOf(uniOrg);
    // A non-ASCII label is compared by skeleton, whose length is not the label's: every brand is a candidate then.
    // Index loops, no destructuring: in a worker's unoptimised code, for...of and [a, b] = pair allocate an iterator
    // and a result object a step, and every domain of every message comes here.
    const candidates = nonAscii ? ALL_BRAND_LABELS : brandLabelsNear(compared.length);
    for (let i = 0; i < candidates.length; i++) {
      const bl = candidates[i]![0];
      const bd = candidates[i]![1];
      if (bl.length >= minLength && bl !== label && oneEditApart(compared, nonAscii ? skeleton(bl) : bl) && brandSuffixes(bl).has(suffix)) {
        out.push({ kind: 'edit-distance-brand', domain: d, ...uni, target: bd, detail: `"${label}" is one letter away from "${bl}" (${bd})` });
        break;
      }
    }
    for (let i = 0; i < recipientOrgs.length; i++) {
      const r = recipientOrgs[i]!;
      const rl = registrableLabel(r);
      if (rl.length >= MIN_EDIT_LABEL && rl !== label && oneEditApart(label, rl) && suffixOf(r) === suffix) {
        out.push({ kind: 'edit-distance-recipient', domain: d, ...uni, target: r, detail: `"${label}" is one letter away from the recipient's own "${rl}" (${r})` });
      }
    }
  }

  // The brand's name as a whole token of someone else's domain: "paypal-resolution.com", "paypal.com.secure-login.ru".
  // The brand's own label under another suffix ("outlook.fr", "yahoo.com.hk") is usually the brand's country
  // domain: without a complete list of those, it is not reported.
  // The first such brand in BRANDS order, found by looking each token up.
  let embedded: string | undefined;
  const tokens = unicode.split(/[.-]/);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.length < 5 || token === label || !BRAND_ORDER.has(token)) continue;
    if (embedded === undefined || BRAND_ORDER.get(token)! < BRAND_ORDER.get(embedded)!) embedded = token;
  }
  if (embedded !== undefined) {
    out.push({ kind: 'brand-embedded', domain: d, ...uni, target: BRANDS.get(embedded)![0]!, detail: `the name "${embedded}" sits inside ${d}, which is not one of ${embedded}'s domains` });
  }
  return out;
}
