// RFC 6376 section 3.2 tag lists ("v=1; a=rsa-sha256; d=example.com; s=s1; b=..."), as in DKIM-Signature,
// ARC-Seal and ARC-Message-Signature. Only used to point at the header a result belongs to and to name ARC
// sealers; mailauth does the verifying. Split on ';' and the first '=': linear, no regex over the value.
import type { HeaderField, Message } from '../types.js';

/** Tag values longer than this are cut (a b= of a 16384-bit key is ~2,800 characters). */
const MAX_TAG_LIST = 32 * 1024;

/**
 * A repeated tag keeps its last value, as mailauth's lenient parser (which does the verifying) reads it: "l=1; ...
 * l=9" is a signature with l=9 there. `whole` reads past MAX_TAG_LIST, for a count that must not miss a tag.
 */
export function parseTags(value: string, whole = false): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of (whole ? value : value.slice(0, MAX_TAG_LIST)).split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** c= as a full "header/body" pair (RFC 6376 3.5: default simple, a lone value is the header part). */
function canonPair(c: string | undefined): string {
  const v = (c ?? '').toLowerCase();
  if (!v) return 'simple/simple';
  return v.includes('/') ? v : `${v}/simple`;
}

export interface SignatureRef {
  signature?: string;
  format?: string;
}

/**
 * Pairs mailauth's DKIM results with the DKIM-Signature fields they came from (mailauth reports b= and c= but
 * not the header), in order. Fields no result belongs to are the ones mailauth skipped without a word (an
 * unknown c=, an unparseable field): returned in `skipped`, so that no signature goes unreported.
 */
export function pairSignatures(message: Message, results: readonly SignatureRef[]): { fields: (HeaderField | undefined)[]; skipped: HeaderField[] } {
  const candidates = message.headers.filter((f) => f.key === 'dkim-signature').map((f) => ({ f, tags: parseTags(f.value), used: false }));
  const fields = results.map((r) => {
    if (!r.signature) return undefined;
    const hit = candidates.find((c) => !c.used && c.tags.get('b') === r.signature && (r.format === undefined || canonPair(c.tags.get('c')) === canonPair(r.format)));
    if (hit) hit.used = true;
    return hit?.f;
  });
  return { fields, skipped: candidates.filter((c) => !c.used).map((c) => c.f) };
}

export interface ArcSetHeaders {
  instance: number;
  seal?: HeaderField;
  sealTags: Map<string, string>;
  messageSignature?: HeaderField;
  amsTags: Map<string, string>;
  authResults?: HeaderField;
}

/** ARC sets by instance, highest first (the order they were added in reverse). At most 50 (RFC 8617 4.2.1). */
export function arcSets(message: Message): ArcSetHeaders[] {
  const sets = new Map<number, ArcSetHeaders>();
  const get = (i: number) => {
    let s = sets.get(i);
    if (!s) sets.set(i, (s = { instance: i, sealTags: new Map(), amsTags: new Map() }));
    return s;
  };
  for (const f of message.headers) {
    if (f.key === 'arc-seal' || f.key === 'arc-message-signature') {
      const tags = parseTags(f.value);
      const i = Number(tags.get('i'));
      if (!Number.isInteger(i) || i < 1 || i > 50) continue;
      const s = get(i);
      if (f.key === 'arc-seal' && !s.seal) Object.assign(s, { seal: f, sealTags: tags });
      if (f.key === 'arc-message-signature' && !s.messageSignature) Object.assign(s, { messageSignature: f, amsTags: tags });
    } else if (f.key === 'arc-authentication-results') {
      const m = /^\s*i\s*=\s*(\d{1,2})\s*;/.exec(f.value.slice(0, 16));
      if (m) {
        const s = get(Number(m[1]));
        s.authResults ??= f;
      }
    }
  }
  return [...sets.values()].sort((a, b) => b.instance - a.instance);
}
