// ARF and forwarded-message unwrapping: a table over every real report in ../shared/corpus/suites/arf, then
// hand-made cases for what the corpus lacks (base64 attachments, headers-only forwards, modes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwrapMessage } from '../../src/input/unwrap.js';
import { analyze } from '../../src/analyze.js';
import { parseMessage } from '../../src/message/parse.js';
import { corpusPath } from '../helpers/corpus.js';
import type { UnwrapMode } from '../../src/types.js';
import { MAX_PARTS, splitMultipart } from '../../src/input/mime.js';

/** What analyze() does before it analyses: parse the input, then take the original out of it. */
const unwrap = (input: Buffer, mode: UnwrapMode = 'all') => unwrapMessage(parseMessage(input), input, mode);

const arf = corpusPath('suites', 'arf');

interface SisimaiExpect {
  feedback_type: string;
}
const sisimai = JSON.parse(readFileSync(join(arf, 'sisimai', 'expected.json'), 'utf8')) as Record<string, SisimaiExpect[]>;

let passed = 0;
const total = Object.keys(sisimai).length + 5 + 1;

for (const [file, reports] of Object.entries(sisimai)) {
  test(`sisimai ${file}: feedback type ${reports[0]!.feedback_type}, ${reports.length} report(s)`, () => {
    const { container, bytes } = unwrap(readFileSync(join(arf, 'sisimai', file)));
    assert.ok(container, 'recognised as a report');
    assert.equal(container.feedbackType, reports[0]!.feedback_type);
    // sisimai makes one report per Original-Rcpt-To (at least one per feedback report)
    assert.equal(Math.max(1, container.originalRcptTo?.length ?? 0), reports.length);
    if (container.embedded !== 'none') assert.notEqual(bytes.length, 0);
    passed++;
  });
}

interface StalwartExpect {
  feedback_type: 'Abuse' | 'AuthFailure';
  source_ip: string | null;
  user_agent: string | null;
  original_mail_from: string | null;
  original_rcpt_to: string | null;
  original_envelope_id: string | null;
  reported_domain: string[];
  reporting_mta: string | null;
  auth_failure: string;
  incidents: number;
}

for (const n of ['001', '002', '003', '004', '005']) {
  test(`stalwart mail-auth arf/${n}: the parsed Feedback fields`, () => {
    const want = JSON.parse(readFileSync(join(arf, 'stalwart_mail_auth', `${n}.json`), 'utf8')) as StalwartExpect;
    const { container } = unwrap(readFileSync(join(arf, 'stalwart_mail_auth', `${n}.eml`)));
    assert.ok(container);
    assert.equal(container.kind, 'arf');
    assert.equal(container.feedbackType, want.feedback_type === 'Abuse' ? 'abuse' : 'auth-failure');
    assert.equal(container.sourceIp, want.source_ip ?? undefined);
    assert.equal(container.userAgent, want.user_agent ?? undefined);
    assert.equal(container.originalMailFrom, want.original_mail_from ?? undefined);
    assert.deepEqual(container.originalRcptTo, want.original_rcpt_to ? [want.original_rcpt_to] : undefined);
    assert.equal(container.originalEnvelopeId, want.original_envelope_id ?? undefined);
    assert.deepEqual(container.reportedDomain ?? [], want.reported_domain);
    assert.equal(container.reportingMta, want.reporting_mta ?? undefined);
    assert.equal(container.authFailure, want.auth_failure === 'Unspecified' ? undefined : want.auth_failure.toLowerCase());
    passed++;
  });
}

test('RFC 5965 B.2 example: metadata attached, the embedded original is what gets analysed', async () => {
  const { container, bytes } = unwrap(readFileSync(join(arf, 'rfc5965_example', 'postal-mime-arf.eml')));
  assert.deepEqual(
    { ...container },
    {
      kind: 'arf',
      embedded: 'message',
      format: 'rfc5965',
      reporter: 'abusedesk@example.com',
      subject: 'FW: Earn money',
      feedbackType: 'abuse',
      userAgent: 'SomeGenerator/1.0',
      sourceIp: '192.0.2.1',
      originalMailFrom: '<somespammer@example.net>',
      originalRcptTo: ['<user@example.com>'],
      arrivalDate: 'Thu, 8 Mar 2005 14:00:00 EDT',
      reportingMta: 'mail.example.com',
      reportedDomain: ['example.net'],
      reportedUri: ['http://example.net/earn_money.html', 'mailto:user@example.com'],
    },
  );
  // The RFC example (as postal-mime keeps it) has a blank line after Received, so only From and Received are headers.
  const report = await analyze(bytes, { offline: true });
  assert.equal(report.message.from, '<somespammer@example.net>');
  assert.equal(report.hops.length, 1);
  assert.equal(report.hops[0]!.from?.ip, '192.0.2.1');
  passed++;
});

test('ARF corpus pass count', () => {
  // Runs last: every case above must have passed.
  assert.equal(passed, total, `${passed}/${total} ARF samples passed`);
});

test('LF, CRLF and CR-only variants of one report give the same metadata and the same original', async () => {
  const variants = ['bsd', 'dos', 'mac'].map((d) => unwrap(readFileSync(join(arf, 'sisimai', d, 'arf-01.eml'))));
  assert.deepEqual(variants[1]!.container, variants[0]!.container);
  assert.deepEqual(variants[2]!.container, variants[0]!.container);
  const reports = await Promise.all(variants.map((v) => analyze(v.bytes, { offline: true })));
  const seen = reports.map((r) => JSON.stringify([r.message.subject, r.message.headerCount, r.hops.map((h) => h.from?.ip)]));
  assert.equal(new Set(seen).size, 1);
  assert.equal(seen[0], JSON.stringify(['Kijitora cat family', 9, ['192.0.2.45', '192.0.2.41']]));
});

const original = 'Received: from evil.example (evil.example [203.0.113.9])\r\n\tby mx.example.org; Mon, 1 Jan 2024 10:00:00 +0000\r\nFrom: "Bank" <alerts@bank.example>\r\nSubject: verify\r\nMessage-ID: <orig@evil.example>\r\n\r\nclick\r\n';

function forward(part: string): Buffer {
  return Buffer.from(
    'From: analyst@example.org\r\nSubject: Fwd: phish\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
      '--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      `--b1\r\n${part}\r\n--b1--\r\n`,
  );
}

test('a message forwarded as an attachment (message/rfc822) is unwrapped', () => {
  const { container, bytes } = unwrap(forward(`Content-Type: message/rfc822\r\n\r\n${original}`));
  assert.deepEqual(container, { kind: 'forwarded', embedded: 'message', reporter: 'analyst@example.org', subject: 'Fwd: phish' });
  assert.equal(Buffer.from(bytes).toString(), original);
});

test('a base64-encoded message/rfc822 attachment is decoded', () => {
  const b64 = Buffer.from(original).toString('base64').replace(/.{76}/g, '$&\r\n');
  const { bytes } = unwrap(forward(`Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}`));
  assert.equal(Buffer.from(bytes).toString(), original);
});

test('text/rfc822-headers: headers only, given the blank line that ends a header block', async () => {
  const headers = original.slice(0, original.indexOf('\r\n\r\n') + 2);
  const { container, bytes } = unwrap(forward(`Content-Type: text/rfc822-headers\r\n\r\n${headers}`));
  assert.equal(container?.embedded, 'headers');
  const report = await analyze(bytes, { offline: true });
  assert.equal(report.message.messageId, '<orig@evil.example>');
});

test('an attached part of "key: value" lines that are no mail fields is no original: the container is analysed', async () => {
  const input = forward(`Content-Type: message/rfc822\r\n\r\nrepo: https://example.org/x\r\ncommit: 1b84d49\r\n\r\ntext\r\n`);
  const { container, bytes } = unwrap(input);
  assert.equal(container, undefined);
  assert.equal(bytes, input);
  const report = await analyze(input, { offline: true });
  assert.equal(report.message.subject, 'Fwd: phish', 'the forward itself, not an error');
});

test('modes: arf leaves forwards alone, none leaves everything alone; plain mail is untouched', () => {
  const fwd = forward(`Content-Type: message/rfc822\r\n\r\n${original}`);
  assert.equal(unwrap(fwd, 'arf').container, undefined);
  assert.equal(unwrap(readFileSync(join(arf, 'rfc5965_example', 'postal-mime-arf.eml')), 'none').container, undefined);
  const plain = Buffer.from(original);
  const u = unwrap(plain);
  assert.equal(u.container, undefined);
  assert.equal(u.bytes, plain);
});

test('hostile structure: deep nesting and thousands of parts stay bounded', () => {
  let body = original;
  for (let i = 0; i < 50; i++) body = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${body}\r\n--n${i}--\r\n`;
  const nested = Buffer.from(`From: x@example.org\r\n${body}`);
  assert.doesNotThrow(() => unwrap(nested));
  const many = Buffer.from('From: x@example.org\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n' + '--m\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(5000) + '--m\r\nContent-Type: message/rfc822\r\n\r\n' + original + '\r\n--m--\r\n');
  assert.equal(unwrap(many).container, undefined, 'the embedded part beyond the part budget is not reached');
});

test('a bounce (RFC 3464) returning the original is unwrapped as kind bounce, not as a forward', () => {
  const dsn = Buffer.from(
    'From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n' +
      'Content-Type: multipart/report; report-type=delivery-status; boundary="d"\r\n\r\n' +
      '--d\r\nContent-Type: text/plain\r\n\r\nI am sorry\r\n' +
      '--d\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n' +
      `--d\r\nContent-Type: message/rfc822\r\n\r\n${original}\r\n--d--\r\n`,
  );
  const { container, bytes } = unwrap(dsn);
  assert.deepEqual(container, { kind: 'bounce', embedded: 'message', reporter: 'MAILER-DAEMON@mx.example.org', subject: 'Undelivered Mail Returned to Sender', format: 'rfc3464' });
  assert.equal(Buffer.from(bytes).toString(), original);
  assert.equal(unwrap(dsn, 'arf').container, undefined);
});

test('a report whose outer header is over 64 KiB (a part header cap) is still unwrapped', () => {
  const report = readFileSync(join(arf, 'rfc5965_example', 'postal-mime-arf.eml'));
  const padding = Array.from({ length: 800 }, (_, i) => `X-Pad-${i}: ${'y'.repeat(90)}\n`).join('');
  const padded = Buffer.concat([Buffer.from(padding), report]);
  assert.ok(padding.length > 64 * 1024);
  const plain = unwrap(report);
  const big = unwrap(padded);
  assert.equal(big.container?.kind, 'arf', 'it was analysed as itself');
  assert.deepEqual({ ...big.container }, { ...plain.container });
  assert.ok(Buffer.from(big.bytes).equals(Buffer.from(plain.bytes)));
});

test('a multipart body is split no further than the part budget, and the parts it gives are the same', () => {
  const body = Buffer.from('preamble\r\n' + Array.from({ length: 1000 }, (_, i) => `--B\r\nX-N: ${i}\r\n\r\npart ${i}\r\n`).join('') + '--B--\r\n', 'latin1');
  const all = splitMultipart(body, 'B', Infinity);
  assert.equal(all.length, 1000);
  assert.equal(all[999]!.toString('latin1'), 'X-N: 999\r\n\r\npart 999');
  const capped = splitMultipart(body, 'B');
  assert.equal(capped.length, MAX_PARTS);
  assert.deepEqual(capped, all.slice(0, MAX_PARTS));
  // Not at a line start: not a delimiter.
  assert.deepEqual(splitMultipart(Buffer.from('--B\r\na --B b\r\n--B--\r\n'), 'B').map(String), ['a --B b']);
  // No closing delimiter (a truncated report): the started part is kept.
  assert.deepEqual(splitMultipart(Buffer.from('--B\nx\n--B\ny'), 'B').map(String), ['x', 'y']);
});

/** A forward of `inner` by `from` (no Received line: a file, as a test writes it). */
function forwardOf(inner: Buffer, from: string, boundary: string, extra = ''): Buffer {
  const head = `From: <${from}>\r\n${extra}To: abuse@example.net\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n`;
  return Buffer.concat([Buffer.from(`${head}--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n`), inner, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
const plain = Buffer.from('From: <alice@origin.example>\r\nTo: bob@example.net\r\nSubject: hi\r\nDate: Mon, 7 Dec 2026 08:00:00 +0000\r\n\r\nhello\r\n');

test('live DNS: the containers are authenticated at the same time as the original, not one after another', async () => {
  // Every question waits until the test answers: if the layers were judged in turn, only the first message's
  // questions would be asked before the first answer.
  const nested = forwardOf(forwardOf(plain, 'carol@middle.example', 'm1'), 'dave@outer.example', 'o1');
  const asked = new Set<string>();
  const waiting: (() => void)[] = [];
  const resolver = (name: string) => {
    asked.add(name.toLowerCase());
    return new Promise<never>((_, reject) => waiting.push(() => reject(Object.assign(new Error('no such name'), { code: 'ENOTFOUND' }))));
  };
  const report = analyze(nested, { unwrap: 'all', deps: { resolver, now: () => new Date('2026-12-07T09:00:00Z') } });
  for (let i = 0; i < 20 && !['origin.example', 'middle.example', 'outer.example'].every((d) => asked.has(`_dmarc.${d}`)); i++) await new Promise((r) => setTimeout(r, 5));
  for (const d of ['origin.example', 'middle.example', 'outer.example']) assert.ok(asked.has(`_dmarc.${d}`), `asked about ${d} before any answer: ${[...asked].join(' ')}`);
  const answer = setInterval(() => waiting.splice(0).forEach((fail) => fail()), 1);
  try {
    const r = await report;
    assert.equal(r.container?.via?.length, 1);
    assert.equal(r.identity.from[0]?.address, 'alice@origin.example');
  } finally {
    clearInterval(answer);
  }
});

test('an original that is no message (a NUL in its header): the container is analysed as itself, not an error', async () => {
  const binary = Buffer.from('From: <alice@origin.example>\r\nX-Junk: a\0b\r\nSubject: hi\r\n\r\nhello\r\n');
  // Two From fields: the carrier is forged on its own.
  const carrier = forwardOf(binary, 'me@example.org', 'c1', 'From: PayPal <service@paypal.com>\r\n');
  const alone = await analyze(carrier, { offline: true, unwrap: 'none' });
  const report = await analyze(carrier, { offline: true, unwrap: 'all' });
  assert.equal(alone.verdict, 'forged');
  assert.equal(report.verdict, 'forged');
  assert.equal(report.container?.embedded, 'none');
  assert.equal(report.message.subject, 'Fwd', 'the carrier itself');
  // Inside a user's forward: the carrier is what is analysed, and the forward is judged as its container.
  const forwarded = await analyze(forwardOf(carrier, 'user@example.org', 'u1'), { offline: true, unwrap: 'all' });
  assert.equal(forwarded.verdict, 'forged');
  assert.equal(forwarded.identity.from[0]?.address, 'me@example.org');
});

test('a container nested in a forward is read with the analysis\' header cap: a second From 270 KB down still counts', async () => {
  const pad = Array.from({ length: 2700 }, (_, i) => `X-Pad-${i}: ${'x'.repeat(90)}\r\n`).join('');
  const carrier = forwardOf(plain, 'me@example.org', 'c1', `${pad}From: PayPal <service@paypal.com>\r\n`);
  assert.equal((await analyze(carrier, { offline: true, unwrap: 'all' })).container?.wrapper?.verdict, 'forged');
  const forwarded = await analyze(forwardOf(carrier, 'user@example.org', 'u1'), { offline: true, unwrap: 'all' });
  assert.equal(forwarded.container?.wrapper?.verdict, 'forged');
  assert.equal(forwarded.container?.wrapper?.depth, 1);
  assert.equal(forwarded.verdict, 'forged');
});
