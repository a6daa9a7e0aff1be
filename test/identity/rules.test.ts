// Table tests: one hand-written message per case, analysed offline, and the identity findings it must (and
// must not) produce, with their severities. Each message has one boundary Received line written by the
// recipient's MX, as delivered mail does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const RECEIVED =
  'Received: from mail.sender.example (mail.sender.example [192.0.2.10])\n\tby mx.victim.example (Postfix) with ESMTP id 4AB12\n\tfor <bob@victim.example>; Mon, 23 Nov 2026 05:43:08 +0000\n';

/**
 * A message: the boundary Received, the given fields, and defaults for To/Date/Message-ID/Subject unless given.
 * The first Return-Path goes on top, where the delivering MTA writes it (RFC 5321 4.4); a later one stays below
 * the boundary, as a planted one would be, and is not MAIL FROM.
 */
function message(fields: string[]): Buffer {
  const first = fields.findIndex((f) => /^return-path:/i.test(f));
  const onTop = first >= 0 ? [fields[first]!] : [];
  fields = fields.filter((_, i) => i !== first);
  const has = (name: string) => fields.some((f) => f.toLowerCase().startsWith(name.toLowerCase() + ':'));
  const defaults = [
    has('To') ? '' : 'To: Bob <bob@victim.example>',
    has('Date') ? '' : 'Date: Mon, 23 Nov 2026 05:43:00 +0000',
    has('Message-ID') ? '' : 'Message-ID: <abc.123@mail.sender.example>',
    has('Subject') ? '' : 'Subject: hello',
  ].filter(Boolean);
  return Buffer.from([...onTop, RECEIVED.trimEnd(), ...fields, ...defaults].join('\n') + '\n\nbody\n');
}

interface Case {
  name: string;
  fields: string[];
  /** finding id -> expected severity; every identity/relay finding not listed must be absent (info excepted). */
  expect: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'a plain aligned message', fields: ['Return-Path: <alice@sender.example>', 'From: Alice <alice@sender.example>'], expect: {} },
  {
    name: 'Return-Path of another organisation',
    fields: ['Return-Path: <bounce@other.example>', 'From: Alice <alice@sender.example>'],
    expect: { 'identity.return-path-misaligned': 'low' },
  },
  {
    name: 'Return-Path on an ESP bounce domain is routine',
    fields: ['Return-Path: <bounces+123=sender.example@sendgrid.net>', 'From: Shop <news@sender.example>'],
    expect: {},
  },
  {
    name: 'Return-Path in a subdomain aligns (relaxed alignment)',
    fields: ['Return-Path: <b-123@bounce.mail.sender.example>', 'From: <alice@sender.example>'],
    expect: {},
  },
  {
    name: 'two different Return-Paths, one planted below every Received',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Return-Path: <x@evil.example>'],
    expect: { 'identity.multiple-return-path': 'medium' },
  },
  {
    name: 'a malformed Return-Path (espoofer A5)',
    fields: ['Return-Path: <any@legitimate.example(a.attack.example>', 'From: <admin@legitimate.example>'],
    expect: { 'identity.malformed-return-path': 'medium', 'identity.return-path-misaligned': 'low' },
  },
  {
    name: 'Reply-To on free-mail under a company From',
    fields: ['Return-Path: <ap@sender.example>', 'From: Accounts <ap@sender.example>', 'Reply-To: <sender.payments@gmail.com>'],
    expect: { 'identity.reply-to-other-org': 'medium' },
  },
  {
    name: 'Reply-To to a partner organisation',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Reply-To: <helpdesk@partner.example>'],
    expect: { 'identity.reply-to-other-org': 'low' },
  },
  {
    name: 'neither replies nor bounces go to the author',
    fields: ['Return-Path: <x@bulk.example>', 'From: <ceo@sender.example>', 'Reply-To: <ceo@replies.example>'],
    expect: { 'identity.reply-to-other-org': 'medium', 'identity.return-path-misaligned': 'low' },
  },
  {
    name: 'an address in the display name',
    fields: ['Return-Path: <alert@account-review.example>', 'From: "security@paypal.com" <alert@account-review.example>'],
    expect: { 'identity.display-name-impersonation': 'high' },
  },
  {
    name: 'an address in the display name threaded with invisible joiners',
    fields: ['Return-Path: <x@mailer.example>', 'From: "s\u034fe\u034frvice@paypal.com" <x@mailer.example>'],
    expect: { 'identity.display-name-impersonation': 'high' },
  },
  {
    name: 'a brand in the display name',
    fields: ['Return-Path: <noreply@mailer.example>', 'From: PayPal Service <noreply@mailer.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'a person naming their employer in parentheses is weak',
    fields: ['Return-Path: <code@person.example>', 'From: "Tyler Hicks (Microsoft)" <code@person.example>'],
    expect: { 'identity.display-name-impersonation': 'low' },
  },
  {
    name: 'a brand in the display name sent from the brand',
    fields: ['Return-Path: <service@paypal.com>', 'From: PayPal Service <service@paypal.com>'],
    expect: {},
  },
  {
    name: 'an ambiguous brand word that is a surname',
    fields: ['Return-Path: <jane@sender.example>', 'From: Jane Apple <jane@sender.example>'],
    expect: {},
  },
  {
    name: 'a bare domain as a trade name is weak',
    fields: ['Return-Path: <news@newsletter.sender.example>', 'From: CNET News.com <news@newsletter.sender.example>'],
    expect: { 'identity.display-name-impersonation': 'low' },
  },
  {
    name: 'a punycode homograph From domain',
    fields: ['Return-Path: <info@xn--pypal-4ve.com>', 'From: Bank <info@xn--pypal-4ve.com>'],
    expect: { 'identity.lookalike-domain': 'high' },
  },
  {
    name: 'a digit-for-letter lookalike',
    fields: ['Return-Path: <info@paypa1.com>', 'From: <info@paypa1.com>'],
    expect: { 'identity.lookalike-domain': 'high' },
  },
  {
    name: 'a lookalike of the recipient\'s own domain (BEC)',
    fields: ['Return-Path: <ceo@viictim.example>', 'From: CEO <ceo@viictim.example>'],
    expect: { 'identity.lookalike-domain': 'medium' },
  },
  {
    name: 'Sender of another organisation',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Sender: <assistant@agency.example>'],
    expect: { 'identity.sender-differs': 'low' },
  },
  {
    name: 'the envelope recipient is hidden',
    fields: ['Return-Path: <alice@sender.example>', 'Delivered-To: bob@victim.example', 'From: <alice@sender.example>', 'To: undisclosed-recipients:;'],
    expect: { 'identity.hidden-recipient': 'low' },
  },
  {
    name: 'a plus-tagged recipient is not hidden',
    fields: ['Return-Path: <alice@sender.example>', 'Delivered-To: bob+news@victim.example', 'From: <alice@sender.example>'],
    expect: {},
  },
  {
    name: 'a Message-ID from an unrelated organisation',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Message-ID: <x1@kit.unrelated.example>'],
    expect: { 'identity.message-id-unrelated': 'low' },
  },
  {
    name: 'a Message-ID of a local host name is not compared',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Message-ID: <x1@alice-laptop.local>'],
    expect: {},
  },
  {
    name: 'a Date years in the future',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Date: Mon, 01 Jan 2035 10:00:00 +0000'],
    expect: { 'identity.date-skew': 'medium' },
  },
  {
    name: 'a Date two weeks old',
    fields: ['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Date: Mon, 09 Nov 2026 05:43:00 +0000'],
    expect: { 'identity.date-skew': 'low' },
  },
  {
    name: 'a display name cut off from its address by a comma',
    fields: ['Return-Path: <service@sender.example>', 'From: Amazon Gutschein, <service@sender.example>'],
    expect: { 'identity.ambiguous-from': 'medium' },
  },
  {
    // phishing_pot: "From: Lernen Sie heute!, jehd <service@stayfriends.de>" (191 messages of this family); the address
    // parser joins the two names into one, so only the raw segments show the stray one.
    name: 'a display name cut off by a comma, with a second name before the address',
    fields: ['Return-Path: <service@sender.example>', 'From: Lernen Sie heute!, jehd <service@sender.example>'],
    expect: { 'identity.ambiguous-from': 'medium' },
  },
  {
    name: 'a quoted display name cut off by a comma, with a second name before the address',
    fields: ['Return-Path: <service@sender.example>', 'From: "Oral B SetAusgew\u00e4hlt!", jehd <service@sender.example>'],
    expect: { 'identity.ambiguous-from': 'medium' },
  },
  {
    name: 'a quoted name with a comma is fine',
    fields: ['Return-Path: <jd@sender.example>', 'From: "Doe, John" <jd@sender.example>'],
    expect: {},
  },
  {
    name: 'a display name mixing Latin and Greek letters in one word',
    fields: ['Return-Path: <launch@sender.example>', 'From: "\u039dFT@\u03c5niswa\u03c1" <launch@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  // The strongest claim of a name decides, and the marks or foreign letters in it do not cut a brand into pieces
  // (phishing_pot names, the addresses replaced).
  {
    name: 'a Syriac mark after every letter of "Amazon.com" in the display name',
    fields: ['Return-Path: <csamz@sender.example>', 'From: =?UTF-8?Q?A=DC=BFm=DC=BFa=DC=BFz=DC=BFo=DC=BFn?=\n =?UTF-8?Q?=DC=BF=2Ec=DC=BFo=DC=BFm?= <csamz@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'a display name "M\u0435t\u0430\u041c\u0430sk.io" in mixed scripts names no "sk.io"',
    fields: ['Return-Path: <team@sender.example>', 'From: =?utf-8?B?TdC1dNCw0JzQsHNrLmlv?= <team@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'a brand written as a domain under its own brand TLD ("Banco.Bradesco") is the brand',
    fields: ['Return-Path: <naoresponder@sender.example>', 'From: Banco.Bradesco <naoresponder@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium', 'identity.lookalike-domain': 'medium' },
  },
  {
    name: 'a brand spelt out a letter at a time ("C o i n b a s e")',
    fields: ['Return-Path: <noreply@sender.example>', 'From: C o i n b a s e <noreply@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'a brand spelt out with dots ("N.E.T.F.L.I.X")',
    fields: ['Return-Path: <admission@sender.example>', 'From: "N.E.T.F.L.I.X" <admission@sender.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'initials spelt out are no brand ("J R R Tolkien")',
    fields: ['Return-Path: <jrr@sender.example>', 'From: J R R Tolkien <jrr@sender.example>'],
    expect: {},
  },
  {
    name: 'an initial and a surname ("Craig R.Hughes") is no domain, although .hughes is a TLD',
    fields: ['Return-Path: <craig@sender.example>', 'From: "Craig R.Hughes" <craig@sender.example>'],
    expect: {},
  },
  {
    name: 'a display name wholly in Cyrillic is a name',
    fields: ['Return-Path: <ivan@sender.example>', 'From: "\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432" <ivan@sender.example>'],
    expect: {},
  },
  {
    name: 'an encoded word in the Return-Path (a reader that decodes it shows billing@sender.example)',
    fields: ['Return-Path: <=?utf-8?q?billing=40sender.example?=>', 'From: Billing <billing@sender.example>'],
    expect: { 'identity.malformed-return-path': 'medium' },
  },
  {
    name: 'an unqualified Return-Path domain',
    fields: ['Return-Path: <root@ubuntu-s-1vcpu-1gb-sfo3-06>', 'From: Bank <info@sender.example>'],
    expect: { 'identity.malformed-return-path': 'medium', 'identity.return-path-misaligned': 'low' },
  },
  { name: 'no From at all', fields: ['Return-Path: <alice@sender.example>'], expect: { 'identity.no-from': 'medium' } },
  {
    name: 'list traffic: Sender, Return-Path and hidden recipient are explained',
    fields: [
      'Return-Path: <dev-bounces@lists.project.example>',
      'Delivered-To: bob@victim.example',
      'From: Alice <alice@sender.example>',
      'To: dev@lists.project.example',
      'Sender: dev-bounces@lists.project.example',
      'List-Id: <dev.lists.project.example>',
      'List-Post: <mailto:dev@lists.project.example>',
      'Reply-To: dev@lists.project.example',
    ],
    expect: {},
  },
  {
    // easy-ham-1: the DNS-swap list (LetterRip Pro) writes List-Subscribe, List-Digest and List-Unsubscribe, no List-Id.
    name: 'a list with RFC 2369 fields but no List-Id: Reply-To, Sender and Return-Path on the list are routine',
    fields: [
      'Return-Path: <DNS-swap@lists.ironclad.example>',
      'Delivered-To: bob@victim.example',
      'From: "Bob Musser" <BobM@sender.example>',
      'To: <DNS-swap@lists.ironclad.example>',
      'Reply-To: "DNS-swap" <DNS-swap@lists.ironclad.example>',
      'Sender: <DNS-swap@lists.ironclad.example>',
      'Precedence: Bulk',
      'List-Software: LetterRip Pro 3.0.7 by Fog City Software, Inc.',
      'List-Subscribe: <mailto:DNS-swap-on@lists.ironclad.example>',
      'List-Unsubscribe: <mailto:DNS-swap-off@lists.ironclad.example>',
    ],
    expect: {},
  },
  {
    name: 'List-Unsubscribe alone is no list: every bulk sender writes it',
    fields: ['Return-Path: <b-1@mailer.other.example>', 'From: Shop <news@sender.example>', 'List-Unsubscribe: <mailto:u@mailer.other.example>'],
    expect: { 'identity.return-path-misaligned': 'low' },
  },
  {
    // easy-ham-1: "Delivered-To: zzzz@localhost.spamassassin.taint.org" under "To: zzzz@spamassassin.taint.org".
    name: 'the recipient visible at the parent domain of its local delivery name is not hidden',
    fields: ['Return-Path: <alice@sender.example>', 'Delivered-To: zzzz@localhost.victim.example', 'From: <alice@sender.example>', 'To: zzzz@victim.example'],
    expect: {},
  },
  {
    name: 'the same local part at another organisation is another mailbox',
    fields: ['Return-Path: <alice@sender.example>', 'Delivered-To: zzzz@localhost.victim.example', 'From: <alice@sender.example>', 'To: zzzz@other.example'],
    expect: { 'identity.hidden-recipient': 'low' },
  },
  {
    name: 'a forged List-Id does not hide a brand in the display name',
    fields: ['Return-Path: <noreply@mailer.example>', 'From: PayPal Service <noreply@mailer.example>', 'List-Id: <fake.mailer.example>'],
    expect: { 'identity.display-name-impersonation': 'medium' },
  },
  {
    name: 'forwarding with SRS explains the Return-Path',
    fields: ['Return-Path: <SRS0=ab1=QV=sender.example=alice@forwarder.example>', 'From: <alice@sender.example>'],
    expect: {},
  },
];

for (const c of CASES) {
  test(`identity rules: ${c.name}`, async () => {
    const report = await analyze(message(c.fields), { offline: true });
    const got: Record<string, string> = {};
    for (const f of report.findings) {
      if (!/^(identity|relay)\./.test(f.id) || f.severity === 'info') continue;
      got[f.id] = got[f.id] ?? f.severity;
    }
    assert.deepEqual(got, c.expect, JSON.stringify(report.findings.map((f) => [f.id, f.severity, f.title]), null, 1));
    for (const f of report.findings) assert.ok(f.evidence.length > 0 || f.id === 'identity.no-from' || f.id === 'hops.no-received', `${f.id} has evidence`);
  });
}

test('a finding lowered by context says why in its title', async () => {
  const report = await analyze(
    message([
      'Return-Path: <dev-bounces@lists.project.example>',
      'From: Alice <alice@sender.example>',
      'To: dev@lists.project.example',
      'List-Id: <dev.lists.project.example>',
    ]),
    { offline: true },
  );
  const rp = report.findings.find((f) => f.id === 'identity.return-path-misaligned');
  assert.equal(rp?.severity, 'info');
  assert.match(rp!.title, /^Bounces go to project\.example, not to the author's sender\.example: usual for list traffic \(List-Id present/);
});

test('several Return-Path fields stamped by deliveries: low, and the title says why', async () => {
  // fetchmail re-delivery: each delivery wrote its Return-Path above its own Received line.
  const redelivered = Buffer.from(
    ['Return-Path: <alice@sender.example>', 'Received: from mx.victim.example (mx.victim.example [10.0.0.5]) by home.victim.example (Postfix) with LMTP id 5CD34; Mon, 23 Nov 2026 05:43:10 +0000', 'Return-Path: <bounce@sender.example>', RECEIVED.trimEnd(), 'From: <alice@sender.example>', 'To: bob@victim.example', 'Date: Mon, 23 Nov 2026 05:43:00 +0000', '', 'body', ''].join('\n'),
  );
  const same = Buffer.from(redelivered.toString().replace('bounce@sender.example', 'alice@sender.example'));
  // The site's trust list puts the boundary at its MX, as the README asks of a re-delivering site.
  const title = async (raw: Buffer) => (await analyze(raw, { offline: true, trust: ['victim.example'] })).findings.find((f) => f.id === 'identity.multiple-return-path');
  const two = await title(redelivered);
  assert.equal(two?.severity, 'low');
  assert.match(two!.title, /none below the trust boundary: usual for a re-delivery/);
  const one = await title(same);
  assert.equal(one?.severity, 'low');
  assert.match(one!.title, /all the same address: usual for a re-delivery/);
});

test('a Return-Path planted below the boundary stays medium, whatever Received line the sender wrote under it', async () => {
  const planted = message(['Return-Path: <alice@sender.example>', 'From: <alice@sender.example>', 'Return-Path: <ceo@paypal.example>', 'Received: from localhost by localhost; Mon, 23 Nov 2026 05:40:00 +0000']);
  const report = await analyze(planted, { offline: true });
  const f = report.findings.find((x) => x.id === 'identity.multiple-return-path');
  assert.equal(f?.severity, 'medium');
  assert.equal(f?.title, 'Several Return-Path headers');
});

test('a Return-Path below the boundary stays medium with forwarding signs: a forger writes those too', async () => {
  const forwarded = message(['Return-Path: <alice+caf_=bob=victim.example@sender.example>', 'X-Forwarded-To: bob@victim.example', 'List-Id: <x.example>', 'From: <alice@sender.example>', 'Return-Path: <alice@sender.example>', 'Received: from out.sender.example by mx.sender.example; Mon, 23 Nov 2026 05:40:00 +0000']);
  const f = (await analyze(forwarded, { offline: true })).findings.find((x) => x.id === 'identity.multiple-return-path');
  assert.equal(f?.severity, 'medium');
  assert.equal(f?.title, 'Several Return-Path headers');
});
