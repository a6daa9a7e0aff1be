// The From-header cases of "Composition Kills" (Chen et al., USENIX Security 2020), as the espoofer tool sends
// them (server_a8..a19, client_a1, client_a2). The messages are written here from the paper's descriptions; the
// receiving MTA's Received line sits on top, as it would after delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

const RECEIVED = 'Received: from attack.example (attack.example [192.0.2.66])\r\n\tby mx.victim.example (Postfix) with ESMTP id 4AB12\r\n\tfor <victim@victim.example>; Mon, 23 Nov 2026 05:43:08 +0000\r\n';
const REST = 'To: <victim@victim.example>\r\nSubject: test\r\nDate: Mon, 23 Nov 2026 05:43:00 +0000\r\nMessage-ID: <1@message-ids.attack.example>\r\n\r\nHi\r\n';

// [case, the From part as sent, the ambiguity codes expected]
const CASES: [string, string, string[]][] = [
  ['A8 multiple From headers', 'From: <first@attack.example>\r\nFrom: <admin@legitimate.example>\r\n', ['multiple-from-fields']],
  ['A9 From with preceding space', ' From: <first@attack.example>\r\nFrom: <admin@legitimate.example>\r\n', ['hidden-in-continuation']],
  ['A10 From with succeeding space', 'From: <first@attack.example>\r\nFrom : <admin@legitimate.example>\r\n', ['multiple-from-fields', 'space-before-colon']],
  ['A11 From with folding line', 'From\r\n : <first@attack.example>\r\nFrom: <admin@legitimate.example>\r\n', ['folded-name']],
  ['A12 folded From and a Sender', 'Sender: <admin@legitimate.example>\r\nFrom\r\n : <first@attack.example>\r\n', ['folded-name']],
  ['A13 folded From and a Resent-From', 'Resent-From: <admin@legitimate.example>\r\nFrom\r\n : <first@attack.example>\r\n', ['folded-name']],
  ['A14 several addresses', 'From: <first@attack.example>, <admin@legitimate.example>\r\nSender: <s@sender.legitimate.example>\r\n', ['multiple-mailboxes']],
  ['A15 encoded address', `From:=?utf-8?B?${Buffer.from('<admin@legitimate.example>').toString('base64')}?=,<second@attack.example>\r\n`, ['encoded-address']],
  ['A15b encoded local part', `From: =?utf-8?B?${Buffer.from('service@paypal.example').toString('base64')}?=@attack.example\r\n`, ['encoded-address']],
  ['A16 route portion', 'From: <@attack.example,@any.example:admin@legitimate.example>\r\n', ['route']],
  ['A17 quoted pair', 'From: <admin@legitimate.example>\\,<second@attack.example>\r\n', ['quoted-pair']],
  ['A18 special characters precedence', 'From: admin@legitimate.example,<second@attack.example>\r\n', ['multiple-mailboxes']],
  ['A19 display name and address inconsistency', 'From: <any@attack.example>admin@legitimate.example\r\n', ['text-after-address']],
  ['two angle addresses in one mailbox', 'From: "x" <a@legitimate.example> <b@attack.example>\r\n', ['two-angle-addresses']],
  ['client A1 multiple From headers', 'From: <attacker@example.org>\r\nFrom: <admin@example.org>\r\n', ['multiple-from-fields']],
  ['client A2 multiple addresses', 'From: <attacker@example.org>, <admin@example.org>\r\n', ['multiple-mailboxes']],
];

for (const [name, from, codes] of CASES) {
  test(`espoofer ${name}: identity.ambiguous-from (${codes.join(', ')})`, async () => {
    const report = await analyze(Buffer.from(RECEIVED + from + REST), { offline: true });
    const found = report.findings.filter((f) => f.id === 'identity.ambiguous-from').map((f) => f.data?.['code']);
    for (const code of codes) assert.ok(found.includes(code), `${code} not in [${found.join(', ')}]`);
    assert.equal(report.verdict, 'forged', 'an ambiguous author decides the verdict');
    assert.ok(report.verdictDrivers.includes('identity.ambiguous-from'));
  });
}

// Ordinary From headers real software writes: none of them is ambiguous.
const PLAIN = [
  'From: alice@example.org',
  'From: Alice Example <alice@example.org>',
  'From: "Example, Alice" <alice@example.org>',
  'From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.de>',
  'From: alice@example.org (Alice Example)',
  'From: "Alice \\"Al\\" Example" <alice@example.org>',
  'From: =?utf-8?Q?Caf=C3=A9?= Team <team@example.org>',
  // Valid addresses that look odd: an IDN, an address literal, underscores, a root dot.
  'From: info@bücher.example',
  'From: <postmaster@[192.0.2.1]>',
  'From: <"a@b"@example.org>',
  'From: <bounce_1@mail_out.example.org.>',
];
for (const from of PLAIN) {
  test(`plain From is not ambiguous: ${from}`, async () => {
    const report = await analyze(Buffer.from(RECEIVED + from + '\r\n' + REST), { offline: true });
    assert.deepEqual(
      report.findings.filter((f) => f.id === 'identity.ambiguous-from').map((f) => f.data?.['code']),
      [],
    );
  });
}

test('a DKIM h= list folded as "From:Date:..." is not a hidden From', async () => {
  const dkim = 'DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\r\n\th=Subject:To:\r\n\tFrom:Date:Message-Id; bh=abc=; b=def=\r\n';
  const report = await analyze(Buffer.from(RECEIVED + dkim + 'From: alice@example.org\r\n' + REST), { offline: true });
  assert.equal(report.findings.filter((f) => f.id === 'identity.ambiguous-from').length, 0);
});

// Addresses that are no address, as phishing_pot writes them (samples 87, 209, 210, 2502): medium, suspicious.
const NOT_ADDRESSES: [string, RegExp][] = [
  ['From: Todays@winner!', /"winner!" is no domain name/],
  ['From: "Rewards" <reward@phishing@pot!>', /more than one @/],
  ['From: <support@thesapphiregroupinc.example@thesapphiregroupinc.example>', /more than one @/],
  ['From: <ceo@bank\x1b[31m\u202e.example>', /is no domain name/],
  ['From: <x@pot\u2728>', /"pot\u2728" is no domain name/],
];
for (const [from, detail] of NOT_ADDRESSES) {
  test(`an address that is no address: ${JSON.stringify(from)}`, async () => {
    const report = await analyze(Buffer.from(RECEIVED + from + '\r\n' + REST), { offline: true });
    const found = report.findings.filter((f) => f.id === 'identity.ambiguous-from' && f.data?.['code'] === 'invalid-address');
    assert.equal(found.length, 1, JSON.stringify(report.findings.map((f) => f.data?.['code'])));
    assert.equal(found[0]!.severity, 'medium');
    assert.match(String(found[0]!.data?.['detail']), detail);
    assert.notEqual(report.verdict, 'pass');
  });
}
