// One Received header field -> one Hop (without its place in the chain). Pure and total: never throws.
// clauses.ts splits the line into from/by/via/with/id/for clauses and the date; dialects/ names the MTA family and
// says how its from clause reads; this file turns clauses into the Hop fields. What the client *claimed* (HELO) is
// kept apart from what the receiver *saw* (IP, reverse DNS), as SpamAssassin's Received.pm and rspamd do.
import type { HeaderField, Hop, HopKind, HopPeer, Protocol } from '../types.js';
import { parseMailDate } from '../message/dates.js';
import { splitReceived, type Clause, type SplitReceived } from './clauses.js';
import { DIALECTS, type DialectInput } from './dialects/index.js';
import { mayBeAddress, normalizeIp, ipScope } from './ip.js';

export type ParsedHop = Omit<Hop, 'index' | 'delaySeconds' | 'trust' | 'trustReason'>;

/** Parse a Received field. `field.value` is the unfolded value (without "Received:"). */
export function parseReceived(field: Pick<HeaderField, 'index' | 'raw' | 'value'>): ParsedHop {
  const split = splitReceived(field.value);
  const notes = split.notes; // the split is this call's own: its notes become the hop's
  const from = split.clauses.get('from');
  const by = split.clauses.get('by');
  const withClause = split.clauses.get('with');
  const withText = withClause ? withClause.words.join(' ') : '';
  const comments = allComments(split);
  const byHost = cleanHost(firstWord(by) ?? '');
  const input: DialectInput = { split, from, by, withText, byHost, comments };
  const dialect = DIALECTS.find((d) => d.matches(input))!;

  const peer = from ? readPeer(from, dialect.fromWordIs, notes) : undefined;
  const byIp = by ? hostIp(by) : undefined;
  const via = split.clauses.get('via');
  const protocol = withClause ? protocolOf(withClause) : via && /^HTTP$/i.test(firstWord(via) ?? '') ? 'HTTP' : undefined;
  const tls = tlsOf(withText, comments, protocol);
  const authenticated = /^(?:E?SMTP|LMTP|UTF8SMTP)S?A$/.test(protocol ?? '') || comments.some((c) => AUTH_COMMENT.test(c));
  const id = clean(firstWord(split.clauses.get('id')));
  const forAddress = forOf(split);
  const envelopeFrom = envelopeFromOf(comments, split);
  const date = split.dateText ? parseMailDate(split.dateText) : undefined;
  if (split.dateText && !date) notes.push('date not understood');
  const kind = kindOf(split, peer, protocol, byHost, comments);
  // SendGrid always writes its Go date without the ';': that is its dialect, not damage.
  if (dialect.name === 'sendgrid') removeNote(notes, "date without ';'");
  if (kind === 'local' && !from && !byHost && !LOCAL_LEAD.test(split.lead.comments.join(' '))) notes.push('no from or by clause');
  const parse: Hop['parse'] = kind === 'unparseable' ? 'unparseable' : notes.length ? 'partial' : 'ok';

  // One object literal with every key of a Hop, always in the same order (the order of the JSON report): every hop
  // then has one hidden class, and the stages and rules that read hops stay monomorphic (hops built key by key had
  // dozens of shapes, and their readers were recompiled again and again on "wrong map"). A field the line does not
  // have is undefined, which JSON.stringify leaves out just as it left out the missing key.
  // index, trust, trustReason and delaySeconds are the chain's (chain.ts fills them in).
  const timestamp = date?.timestamp;
  return {
    header: field.index,
    raw: field.raw,
    kind,
    dialect: kind === 'unparseable' ? 'unknown' : dialect.name,
    parse,
    from: peer,
    by: byHost || undefined,
    byIp: byIp || undefined,
    via: clean(via?.words.join(' ')),
    with: withText || undefined,
    protocol,
    tls: tls.used,
    tlsVersion: tls.version || undefined,
    tlsCipher: tls.cipher || undefined,
    authenticated,
    id: id || undefined,
    for: forAddress || undefined,
    envelopeFrom: envelopeFrom || undefined,
    dateRaw: split.dateText || undefined,
    timestamp: timestamp || undefined,
    zoneOffsetMinutes: timestamp ? date!.zoneOffsetMinutes : undefined,
    notes: notes.length ? notes : undefined,
    index: undefined,
    trust: undefined,
    trustReason: undefined,
    delaySeconds: undefined,
  } as unknown as ParsedHop;
}

/** Every comment of the line in order: the lead's, each clause's (repeated clauses last), the trailer's. */
function allComments(split: SplitReceived): string[] {
  const out = split.lead.comments.slice();
  split.clauses.forEach((c) => pushAll(out, c.comments));
  for (let i = 0; i < split.repeated.length; i++) pushAll(out, split.repeated[i]!.comments);
  pushAll(out, split.trailer);
  return out;
}

// Index loops (and Map forEach) in this module: every hop of every message comes through here, most of them in a
// worker's unoptimised code, where for...of and array destructuring allocate an iterator result a step.
function pushAll(into: string[], items: readonly string[]): void {
  for (let i = 0; i < items.length; i++) into.push(items[i]!);
}

/**
 * A clause's first word. The length is checked before the read: reading past the end of an array sent the
 * optimised parser back to the interpreter ("out of bounds") the first time a clause came without words.
 */
function firstWord(clause: Clause | undefined): string | undefined {
  return clause !== undefined && clause.words.length > 0 ? clause.words[0] : undefined;
}

function removeNote(notes: string[], note: string): void {
  const at = notes.indexOf(note);
  if (at >= 0) notes.splice(at, 1);
}

/** A word as a value: trailing ';' or ',' dropped (some MTAs glue them on), bounded. */
function clean(word: string | undefined): string | undefined {
  if (!word) return undefined;
  let end = word.length;
  while (end > 0 && (word[end - 1] === ';' || word[end - 1] === ',')) end--;
  const w = word.slice(0, Math.min(end, 255));
  return w || undefined;
}

/** A host name as written, without the trailing root dot Gmail adds, or the address of an IP literal. */
function cleanHost(word: string): string {
  let w = clean(word) ?? '';
  // "by spica26.mgt.mul.t-online.de:8080 with HTTP/1.1": a port after a name (never after a bare IPv6 address)
  if (w.includes(':')) w = w.replace(/^([^:]+\.[^:]+):\d{1,5}$/, '$1');
  if (w.endsWith('.')) w = w.slice(0, -1);
  return normalizeIp(w) ?? w;
}

// ---------------------------------------------------------------- from clause: the peer

// "[203.0.113.9]", "[IPv6:2001:db8::1]", Gmail's "?IPv6:2001:db8::1?"; the port Exim writes as "]:45321".
const BRACKET_IP = /[[?]((?:IPv6:)?[0-9A-Fa-f:.]{2,45}(?:%[0-9A-Za-z]{1,16})?)[\]?](?::(\d{1,5}))?/;
// "helo=regina" (Exim), "(HELO maya.dyndns.org)" (qmail, CommuniGate), "EHLO x"
// vger.kernel.org's ZMailer: '([45.249.212.35]:41652 "EHLO huawei.com" rhost-flags-OK-OK-OK-FAIL)'
const HELO_IN_COMMENT = /(?:^|\s)helo=([^\s)]{1,255})|^(?:HELO|EHLO)\s+(\S{1,255})|"(?:HELO|EHLO)\s+([^"\s]{1,255})"/i;
// "root@localhost [127.0.0.1]" (Sendmail ident), "relay.kernel.org [52.25.139.140]", "unknown [1.2.3.4]"
// Sendmail writes the ident user without a name when the address has none, and Red Hat's builds label it "IDENT:":
//   Received: from einstein.ssz.com (cpunks@[207.200.56.4]) by hq.pro-ns.net (8.12.5/8.12.5) with ESMTP id ...
//   Received: from aztec.zanshin.com (IDENT:schaefer@aztec.zanshin.com [167.160.213.132]) by moonbase.zanshin.com (8.11.0/8.11.0) ...
const NAME_BEFORE_BRACKET = /^(?:(?:IDENT:)?([^\s@[\]()]{1,64})@)?(?:([^\s@[\]()]{1,255})\s+)?[[?]/i;

const HELO_COMMENT = /^(?:HELO|EHLO)\s/i;

// Exim names the client by its address when it has no verified name, and then the comment holds only what the client
// said, which may be an address literal too:
//   Received: from [102.69.139.111] (port=52874 helo=[192.168.88.181]) by host4.ns.co.th with esmtpa (Exim 4.96) ...
// "[192.168.88.181]" is the HELO, not the address the receiver saw (102.69.139.111), so it is cut before the search.
const HELO_WORD = /(?:^|\s)helo=\S{0,255}/gi;

/** The comment without an Exim "helo=<name>" word: what the receiver wrote about the connection. */
function withoutHeloWord(comment: string): string {
  return comment.length > 5 && /helo=/i.test(comment) ? comment.replace(HELO_WORD, ' ') : comment;
}

/**
 * The receiver's TCP-info comment: the last one with an "[ip]" that does not quote the client's HELO, its match and
 * the text matched (the comment without an Exim "helo=" word).
 */
function tcpInfoComment(comments: readonly string[]): { index: number; match: RegExpExecArray; text: string } | undefined {
  for (let i = comments.length - 1; i >= 0; i--) {
    const text = withoutHeloWord(comments[i]!);
    const match = HELO_COMMENT.test(text) ? null : BRACKET_IP.exec(text);
    if (match) return { index: i, match, text };
  }
  return undefined;
}

// Sendmail: "from x (mx0.example.net [45.33.32.156] (may be forged))", the name not confirmed by a forward lookup.
const MAY_BE_FORGED = /may be forged/i;

/** What the from clause's comments say: the address (and port, ident) the receiver saw, its reverse-DNS name, a HELO. */
interface CommentFacts {
  ip?: string;
  port?: number;
  ident?: string;
  /** The name in front of "[ip]"; undefined for "unknown" or an address in the name's place. */
  rdns?: string;
  /** The address was written as RFC 5321 TCP-info "[ip]", with or without a name: the receiver did look it up. */
  rdnsLooked?: boolean;
  /**
   * The receiver said its reverse-DNS name did not resolve back to the address: Sendmail's "(may be forged)". The
   * name is then whatever the address's owner put in its PTR record, so it is not taken as the rdns.
   */
  rdnsUnconfirmed?: string;
  helo?: string;
}

function commentFacts(comments: string[]): CommentFacts {
  // Every key from the start, so that the facts have one shape whatever the comments held.
  const f: CommentFacts = { ip: undefined, port: undefined, ident: undefined, rdns: undefined, rdnsLooked: undefined, rdnsUnconfirmed: undefined, helo: undefined };
  // The receiver writes the address it saw after what the client said: a HELO "x(y.example.org[10.0.0.9])" comes
  // out as an earlier comment of the same shape, so the last "[ip]" comment is the receiver's, and one that quotes
  // the client's HELO ("(HELO [10.0.0.9])", qmail) is none.
  const tcpInfo = tcpInfoComment(comments);
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i]!;
    const br = i === tcpInfo?.index ? tcpInfo.match : null;
    const bracketIp = br ? normalizeIp(br[1]) : undefined;
    if (bracketIp) {
      f.ip = bracketIp;
      if (br![2]) f.port = Number(br![2]);
      const name = NAME_BEFORE_BRACKET.exec(tcpInfo!.text);
      if (name?.[1]) f.ident = name[1];
      // RFC 5321 4.4 TCP-info: "[ip]" alone, or the verified name before it ("unknown" in Postfix). Either way the
      // receiver wrote the outcome of its lookup, unlike the bare "(ip)" of Exchange and qmail.
      f.rdnsLooked = true;
      // "unknown" (Postfix, no PTR) and an address in the name's place ("(127.0.0.1 [127.0.0.1])", MailEnable) are no
      // name, and nor is the "unverified" that EMWAC/Vircom SMTPRS and Rockliffe SMTPRA write in the name's place:
      //   Received: from mxs.mail.ru (unverified [200.35.86.229]) by server2.luciano.co.kr (EMWAC SMTPRS 0.83) with SMTP id ...
      if (name?.[2] && !/^(?:unknown|unverified)$/i.test(name[2]) && !normalizeIp(name[2])) {
        const rdns = name[2].replace(/\.$/, '');
        if (comments.some((other) => MAY_BE_FORGED.test(other))) f.rdnsUnconfirmed = rdns;
        else f.rdns = rdns;
      }
    } else if (!f.ip) {
      // "(199.204.166.217)" Exchange, "(207.61.5.143)" qmail, "(ident@1.2.3.4)" qmail with ident, "(user@1.2.3.4 with
      // plain)" Yahoo's authenticated qmail
      const bare = /^(?:(\S{1,64})@)?([0-9A-Fa-f:.]{2,45}(?:%\w{1,16})?)(?: with [a-z0-9-]{1,20})?$/i.exec(c);
      const ip = bare ? normalizeIp(bare[2]) : undefined;
      if (ip) {
        f.ip = ip;
        if (bare![1]) f.ident = bare![1];
      }
    }
    const helo = HELO_IN_COMMENT.exec(c);
    if (helo && !f.helo) f.helo = helo[1] ?? helo[2] ?? helo[3];
    // The includes() tests turn most comments away before a regex runs (they are case-sensitive, as the patterns).
    const port = c.includes('port=') ? /(?:^|\s)port=(\d{1,5})\b/.exec(c) : null;
    if (port && f.port === undefined) f.port = Number(port[1]);
    const ident = c.includes('ident=') ? /(?:^|\s)ident=(\S{1,64})/.exec(c) : null;
    if (ident && !f.ident) f.ident = ident[1]!.replace(/\)$/, '');
  }
  return f;
}

/** A from word that is an address literal: "from [1.2.3.4]", Exim's "from [1.2.3.4]:1234", Yahoo's "from 1.2.3.4". */
function wordAddress(word: string | undefined): { ip: string; port?: number } | undefined {
  // mayBeAddress: a host name is turned away on its first character, before the regex walks it.
  const literal = word && mayBeAddress(word) ? /^\[?([^\]]{2,60}?)\]?(?::(\d{1,5}))?$/.exec(word) : null;
  const ip = literal ? normalizeIp(literal[1]) : undefined;
  return ip ? { ip, port: literal![2] ? Number(literal![2]) : undefined } : undefined;
}

function readPeer(from: Clause, wordIs: 'helo' | 'rdns', notes: string[]): HopPeer | undefined {
  const word = clean(firstWord(from));
  if (!word) notes.push('from clause without a name');
  // "from relay-x.misswldrs.com [97.87.140.185] by ..." (an address literal after the name, no parentheses)
  const extra = from.words.slice(1);
  const literalAfter = extra.length === 1 && /^\[[^\]]{2,60}\]$/.test(extra[0]!) ? normalizeIp(extra[0]) : undefined;
  if (extra.length && !literalAfter && !isPickupWords(from.words)) notes.push(`extra words in from: ${extra.slice(0, 2).join(' ')}`);
  const c = commentFacts(from.comments);
  if (c.rdnsUnconfirmed) notes.push(`reverse DNS ${c.rdnsUnconfirmed} not confirmed by the receiver ("may be forged"): not used`);
  const w = wordAddress(word);
  const ip = literalAfter ?? c.ip ?? w?.ip;
  const port = c.port ?? (c.ip ? undefined : w?.port);
  const name = word && !w && !/^unknown$/i.test(word) ? word.replace(/\.$/, '') : undefined;
  // A peer has one of two shapes (the key order differs, as the JSON report's does), each built as one literal
  // with every key: keys added one by one gave the hops' readers a new hidden class for each mix of keys.
  if (wordIs === 'rdns' && word && !w && from.comments.length === 0) {
    // Exim without a network peer: "from dave by dread.disaster.area with local (Exim 4.96)" names the local user.
    return { ip, port, ident: word, rdns: undefined, rdnsLooked: undefined, helo: undefined };
  }
  if (wordIs === 'rdns' && word && !w) {
    // Exim and qmail: the word is the verified reverse-DNS name ("unknown" when there was none); the HELO is in a
    // comment and, for Exim, left out when it equals the name.
    // rdnsLooked: the word itself is the lookup's result ("unknown" when there was none)
    return { ip, port, ident: c.ident || undefined, rdns: name || c.rdns || undefined, rdnsLooked: true, helo: (c.helo ?? (c.rdns ? undefined : name)) || undefined };
  }
  // Postfix, Sendmail, Exchange, Gmail and RFC 5321's own shape: "from <helo> (<rdns> [<ip>])".
  const helo = wordIs === 'rdns' ? (c.helo ?? word) : word && !isPickupWords(from.words) ? word : c.helo;
  if (!ip && port === undefined && !c.ident && !helo && !c.rdns && !c.rdnsLooked) return undefined;
  return { ip, port, ident: c.ident || undefined, helo: helo || undefined, rdns: c.rdns || undefined, rdnsLooked: c.rdnsLooked ? true : undefined };
}

function isPickupWords(words: string[]): boolean {
  // Words hold no white space, so only three of them can spell it: the join and the regex run for those alone.
  return words.length === 3 && /^mail pickup service$/i.test(words.join(' '));
}

/** An IP the receiving host wrote for itself: "by 2002:a05:...", "by BN3...outlook.com (10.152.92.112)", "by x ([fe80::1%7])". */
function hostIp(by: Clause): string | undefined {
  const word = normalizeIp(clean(firstWord(by)));
  if (word) return word;
  for (let i = 0; i < by.comments.length; i++) {
    const c = by.comments[i]!;
    const ip = normalizeIp(c) ?? normalizeIp(BRACKET_IP.exec(c)?.[1]);
    if (ip) return ip;
  }
  return undefined;
}

// ---------------------------------------------------------------- with clause: protocol and TLS

// RFC 3848 keywords and their relatives as MTAs write them (case varies: Exim writes "esmtpsa").
const PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([
  ...(
    ['SMTP', 'ESMTP', 'ESMTPS', 'ESMTPA', 'ESMTPSA', 'LMTP', 'LMTPS', 'LMTPA', 'LMTPSA', 'UTF8SMTP', 'UTF8SMTPS', 'UTF8SMTPA', 'UTF8SMTPSA', 'HTTP', 'HTTPS', 'MAPI', 'IMAP', 'POP3', 'LOCAL', 'QMQP', 'UUCP'] as const
  ).map((p) => [p, p] as const),
  ['SMTPS', 'ESMTPS'], // Gmail: "with SMTPS id" (SMTP over TLS)
  ['SMTPSA', 'ESMTPSA'],
  ['UTF8ESMTP', 'UTF8SMTP'],
  ['UTF8ESMTPS', 'UTF8SMTPS'],
  ['UTF8ESMTPA', 'UTF8SMTPA'],
  ['UTF8ESMTPSA', 'UTF8SMTPSA'],
  ['LOCAL-ESMTP', 'LOCAL'], // Exim "-bs" submissions
  ['LOCAL-SMTP', 'LOCAL'],
  ['LOCAL-BSMTP', 'LOCAL'],
  ['QMTP', 'QMQP'],
]);

function protocolOf(w: Clause): Protocol | undefined {
  const text = w.words.join(' ');
  if (!text) return undefined;
  // "Microsoft SMTP Server (version=TLS1_2, ...)", "Microsoft SMTPSVC(5.0.2195.2966)"
  // Exchange 2010-2016 write only "(TLS)": "with Microsoft SMTP Server (TLS) id 14.3.439.0"
  if (/^Microsoft\b/i.test(text)) return w.comments.some((c) => /version=TLS|cipher=|^TLS$/i.test(c)) || /version=TLS/i.test(text) ? 'ESMTPS' : 'ESMTP';
  // The first word that is a protocol name: "esmtps", "IBM ESMTP SMTP Gateway", "smtp.notes.na.collabserv.com ESMTP"
  for (let i = 0; i < w.words.length; i++) {
    // Cisco IronPort writes the TLS cipher into the word: "with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384"
    const parts = w.words[i]!.replace(/[;,]+$/, '').toUpperCase().split('/');
    const p = PROTOCOLS.get(parts[0]!);
    const transport = parts[1];
    if (p === 'ESMTP' && transport === 'TLS') return 'ESMTPS';
    if (p) return p;
  }
  return 'OTHER';
}

// "(authenticated bits=0)" Sendmail, "(Authenticated sender: x)" Postfix, "(authenticated as x)", "auth=pass"
const AUTH_COMMENT = /^authenticated\b|^Authenticated sender:|\bauth=pass\b|^authenticated as\b/i;

// TLS said in a word, without version or cipher:
//   Received: from mimecast-mx01.redhat.com (mimecast-mx01.redhat.com [209.132.183.4]) (Using TLS) by relay.mimecast.com with ESMTP id ...
//   Received: from dggeme762-chm.china.huawei.com (10.3.19.108) by DGGEMM403-HUB.china.huawei.com (10.3.20.211) with Microsoft SMTP Server (TLS) id 14.3.439.0; ...
const TLS_WORD_COMMENT = /^(?:Using )?TLS$/i;

function tlsOf(withText: string, comments: string[], protocol: Protocol | undefined): { used: boolean; version?: string; cipher?: string } {
  let version: string | undefined;
  let cipher: string | undefined;
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i]!;
    // Postfix: "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ..."
    const postfix = c.startsWith('using ') ? /^using (\S{1,20}) with cipher (\S{1,100})/.exec(c) : null;
    // Sendmail, Gmail, Exchange: "version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO", "version=TLS1_2, cipher=..."
    const kv = c.includes('version=') ? /\bversion=(\S{1,20}?),?\s+cipher=([^\s,)]{1,100})/.exec(c) : null;
    // Exim: "(TLS1.2)" followed by "tls <cipher>" in the with clause, or the older "(TLSv1:AES256-SHA:256)"
    const exim = /^(TLS\s?v?1[._]?\d?|SSLv3)(?::([^:\s]{1,100}):\d+)?$/i.exec(c);
    const m = postfix ?? kv;
    if (m && !version) {
      version = m[1];
      cipher = m[2];
    } else if (exim && !version) {
      version = exim[1];
      if (exim[2]) cipher = exim[2];
    }
  }
  const eximCipher = /\btls (\S{1,100})/i.exec(withText) ?? /^\S+\/TLS\/(\S{1,100})/i.exec(withText);
  if (eximCipher && !cipher) cipher = eximCipher[1];
  const inVersion = /\bversion=(TLS\S{1,10}?),?\s+cipher=(\S{1,100})/.exec(withText); // SpamScope's unbracketed variant
  if (inVersion && !version) {
    version = inVersion[1];
    cipher = inVersion[2]!.replace(/[,;]$/, '');
  }
  const used =
    version !== undefined ||
    cipher !== undefined ||
    /^(?:E?SMTPS|ESMTPSA|LMTPSA?|LMTPS|UTF8SMTPSA?|HTTPS)$/.test(protocol ?? '') ||
    comments.includes('Google Transport Security') ||
    comments.some((c) => TLS_WORD_COMMENT.test(c));
  return { used, version: version ? version.replace(/,$/, '') : undefined, cipher: cipher || undefined };
}

// ---------------------------------------------------------------- for, envelope-from

function forOf(split: SplitReceived): string | undefined {
  const w = firstWord(split.clauses.get('for'));
  if (!w) return undefined;
  return clean(w)?.replace(/^<|>$/g, '');
}

function envelopeFromOf(comments: string[], split: SplitReceived): string | undefined {
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i]!;
    // "(envelope-from <x@y>)" Exim, LMTP; "(envelope-from x@y)" Sendmail after the date; "(envelope-sender <x>)" qmail
    const m = /\benvelope-(?:from|sender)\s*<?([^<>\s)]{0,320})>?/i.exec(c);
    if (m) return m[1];
  }
  return split.envelopeSender; // IBM Domino: "... for <user@example.it> from <sender@it.ibm.com>;"
}

// ---------------------------------------------------------------- kind

const LOCAL_LEAD = /\binvoked (?:by uid|from network|by alias)\b|^from \S+@\S+$|^from userid \d+$/i;

function kindOf(split: SplitReceived, peer: HopPeer | undefined, protocol: Protocol | undefined, byHost: string, comments: string[]): HopKind {
  const from = split.clauses.get('from');
  const lead = split.lead.comments.join(' ');
  // "(qmail 6850 invoked by uid 10602)", "(qmail 6472 invoked from network)", Sendmail's "(from jm@localhost)"
  if (LOCAL_LEAD.test(lead)) return 'local';
  // "(EGP: mail-8_1_0_1); 28 Aug 2002 07:59:14 -0000" (Yahoo Groups): a note some software made, with a date.
  // "with ECARTIS (v1.0.0; list linux-xfs); date", "via dmail-2002(12) for +lists/pgsql/sql; date": list software.
  if (!from && !byHost) {
    const noted = (split.lead.comments.length > 0 || split.clauses.size > 0) && split.lead.words.length === 0;
    return noted && split.dateText ? 'local' : 'unparseable';
  }
  if (!from) return 'local'; // "by host (Postfix, from userid 0) id X", Gmail's "by 2002:... with SMTP id"
  if (protocol === 'LOCAL' || protocol === 'MAPI') return 'local';
  // A mailbox retrieval, not an SMTP hand-off: fetchmail writes the server it fetched the user's own mailbox from.
  //   Received: from mail.webnote.net [193.120.211.219] by localhost with POP3 (fetchmail-5.9.0) for jm@localhost (single-drop); ...
  //   Received: from fastmail.fm [209.61.183.86] by localhost with IMAP (fetchmail-5.9.0) for nice@localhost (single-drop); ...
  // The message entered the receiving side where that mailbox's server accepted it, further down the chain.
  if (protocol === 'POP3' || protocol === 'IMAP') return 'local';
  if (isPickupWords(from.words)) return 'local';
  if (comments.some((c) => /\bfrom userid \d+|\binvoked by uid\b/i.test(c))) return 'local';
  // A content filter or mailbox store on the same machine: amavis, LMTP over loopback.
  if (peer?.ip && ipScope(peer.ip) === 'loopback') return 'local';
  // "from dave by dread.disaster.area with local", "from owner-nessus@list.nessus.org by mailhost with qmail-scanner"
  if (!peer?.ip && peer?.helo && /@/.test(peer.helo)) return 'local';
  return 'relay';
}
