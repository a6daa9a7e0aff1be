import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, NotAMessageError } from '../../src/message/parse.js';

const enc = (s: string) => Buffer.from(s, 'latin1');

test('CRLF, LF and bare-CR give the same fields', () => {
  const lines = ['Received: from a.example (a.example [192.0.2.1])', '\tby b.example; Tue, 12 Mar 2024 10:00:00 +0000', 'From: x@example.org', 'Subject: hi', '', 'body'];
  for (const eol of ['\r\n', '\n', '\r']) {
    const m = parseMessage(enc(lines.join(eol)));
    assert.deepEqual(
      m.headers.map((f) => [f.index, f.key, f.value]),
      [
        [0, 'received', 'from a.example (a.example [192.0.2.1]) by b.example; Tue, 12 Mar 2024 10:00:00 +0000'],
        [1, 'from', 'x@example.org'],
        [2, 'subject', 'hi'],
      ],
      JSON.stringify(eol),
    );
    assert.equal(m.headers[0]!.raw, 'Received: from a.example (a.example [192.0.2.1])\n\tby b.example; Tue, 12 Mar 2024 10:00:00 +0000');
  }
  assert.equal(parseMessage(enc(lines.join('\r'))).lineEnding, 'cr');
  assert.equal(Buffer.from(parseMessage(enc(lines.join('\r'))).bytes).toString().split('\r\n').length, lines.length);
});

test('a leading mbox From line is set aside', () => {
  const m = parseMessage(enc('From MAILER-DAEMON Mon Nov 23 05:43:08 2026\nFrom: a@example.org\n\nbody'));
  assert.equal(m.mboxFrom, 'From MAILER-DAEMON Mon Nov 23 05:43:08 2026');
  assert.equal(m.headers.length, 1);
  assert.equal(m.headers[0]!.key, 'from');
  assert.ok(Buffer.from(m.bytes).toString().startsWith('From: a@'));
});

test('8-bit UTF-8 header bytes decode as UTF-8, invalid UTF-8 as latin-1', () => {
  const utf8 = parseMessage(Buffer.from('From: Jürgen <j@example.de>\n\n'));
  assert.equal(utf8.headers[0]!.value, 'Jürgen <j@example.de>');
  const latin = parseMessage(Buffer.from('Subject: caf\xe9\n\n', 'latin1'));
  assert.equal(latin.headers[0]!.value, 'café');
});

test('space before the colon is kept as a fact', () => {
  const m = parseMessage(enc('From : a@example.org\nFrom: b@example.org\n\n'));
  assert.deepEqual(m.headers.map((f) => [f.key, f.spaceBeforeColon]), [['from', true], ['from', false]]);
});

test('a non-field line ends the header block and is reported', () => {
  const m = parseMessage(enc('From: a@example.org\nthis is not a header\nSubject: x\n\nbody'));
  assert.equal(m.headers.length, 1);
  assert.ok(m.problems.some((p) => p.code === 'invalid-header-line'));
});

test('the header cap stops reading and says so', () => {
  const big = 'X-Pad: ' + 'a'.repeat(2000) + '\n';
  const m = parseMessage(enc('From: a@example.org\n' + big.repeat(100) + '\nbody'), 10_000);
  assert.ok(m.headers.length < 10);
  assert.ok(m.problems.some((p) => p.code === 'header-truncated'));
});

test('empty, binary and header-less inputs are not messages', () => {
  assert.throws(() => parseMessage(new Uint8Array()), NotAMessageError);
  assert.throws(() => parseMessage(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])), NotAMessageError);
  assert.throws(() => parseMessage(enc('just some text\nwithout headers\n')), NotAMessageError);
});

test('binary is a NUL or more than 10% control bytes in the header part of the first 4 KB; HTAB, CR, LF, ESC, SO and SI are not control here', () => {
  const withControls = (count: number, char: string) => enc(`From: a@example.org\r\nSubject: ${char.repeat(count)}${'x'.repeat(Math.max(0, 400 - count))}\r\n\r\nbody\r\n`);
  const headerLength = 'From: a@example.org\r\nSubject: \r\n'.length + 400;
  // Just over and just under a tenth of the header's bytes, for each kind of control byte.
  for (const char of ['\x01', '\x08', '\x0b', '\x0c', '\x10', '\x1a', '\x1c', '\x1f']) {
    const over = Math.floor(headerLength / 10) + 1;
    assert.throws(() => parseMessage(withControls(over, char)), NotAMessageError, JSON.stringify(char));
    assert.equal(parseMessage(withControls(over - 10, char)).headers.length, 2, JSON.stringify(char));
  }
  // ISO-2022-JP and -KR text is ESC sequences and SO/SI shifts: raw Japanese in a header of old mail is still mail.
  for (const char of ['\t', '\x0e', '\x0f', '\x1b', '\x7f']) assert.equal(parseMessage(withControls(300, char)).headers.length, 2, JSON.stringify(char));
  const header = 'From: a@example.org\r\nSubject: s\r\n\r\n';
  // The body is not judged (8-bit or binary MIME): a NUL or control bytes there leave the message mail.
  assert.equal(parseMessage(enc(header + '\0' + '\x01'.repeat(1000))).headers.length, 2);
  assert.equal(parseMessage(enc(header.replace(/\r\n/g, '\n') + '\0')).headers.length, 2);
  // A NUL in the header is binary; only the first 4096 bytes are looked at.
  assert.throws(() => parseMessage(enc('From: a@example.org\r\nSubject: a\0b\r\n\r\n')), NotAMessageError);
  assert.equal(parseMessage(enc(`From: a@example.org\r\nSubject: ${'x'.repeat(4096)}\0\r\n\r\n`)).headers.length, 2);
});

test('ISO-2022-JP mail (ESC sequences in the header and the body) is mail', () => {
  const jis = (text: string) => '\x1b$B' + text + '\x1b(B';
  const raw = enc(`From: a@example.jp\nSubject: ${jis('F|;~')}\nContent-Type: text/plain; charset=ISO-2022-JP\n\n${`${jis('F|;~')}: 2024\n`.repeat(200)}`);
  assert.equal(parseMessage(raw).headers.length, 3);
});

test('a 20 MB body is not read for the header path', () => {
  const body = Buffer.alloc(20 * 1024 * 1024, 0x41);
  const raw = Buffer.concat([enc('From: a@example.org\r\nSubject: big\r\n\r\n'), body]);
  const m = parseMessage(raw);
  assert.equal(m.headers.length, 2);
  assert.equal(m.bodyOffset, raw.length - body.length);
  assert.equal(m.bytes.buffer, raw.buffer, 'the body is not copied');
});

test('mixed line endings: each line ends at its own terminator, and the header cap still cuts', () => {
  const m = parseMessage(enc('X-A: 1\r\nX-B: 2\n\tfolded\rX-C: 3\r\n\r\nbody\rmore'));
  assert.deepEqual(m.headers.map((f) => [f.key, f.raw, f.value]), [['x-a', 'X-A: 1', '1'], ['x-b', 'X-B: 2\n\tfolded', '2 folded'], ['x-c', 'X-C: 3', '3']]);
  assert.equal(m.lineEnding, 'mixed');
  assert.ok(m.problems.some((p) => p.code === 'bare-cr'));
  const capped = parseMessage(enc(`X-A: ${'x'.repeat(48)}\nX-B: 2\n\nbody`), 22);
  assert.deepEqual(capped.headers.map((f) => f.key), ['x-a']);
  assert.ok(capped.problems.some((p) => p.code === 'header-truncated'));
  const noEnd = parseMessage(enc('X-A: 1\nX-B: 2'));
  assert.deepEqual(noEnd.headers.map((f) => f.value), ['1', '2']);
});

test('header fields that are no mail field ("repo: ...", "commit: ..." in a README) are not a message', () => {
  assert.throws(() => parseMessage(enc('repo:     https://example.org/x\ncommit:   1b84d49\n\ntext\n')), /no mail header field/);
  assert.throws(() => parseMessage(enc('v=DKIM1: g=*; k=rsa; p=MIGf\n')), NotAMessageError);
  // One field that mail has is enough, whatever the others are.
  for (const field of ['Subject: hi', 'Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000', 'Content-Type: text/plain', 'X-Mailer: x', 'ARC-Seal: i=1']) {
    assert.equal(parseMessage(enc(`repo: x\n${field}\n\nbody`)).headers.length, 2, field);
  }
});

test('a UTF-8 byte-order mark before the header (a Windows editor saved the .eml) is skipped and noted', () => {
  const plain = enc('From: a@example.org\r\nSubject: hi\r\n\r\nbody');
  const m = parseMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]));
  assert.deepEqual(m.headers.map((f) => [f.key, f.value]), [['from', 'a@example.org'], ['subject', 'hi']]);
  assert.ok(m.problems.some((p) => p.code === 'byte-order-mark'));
  assert.deepEqual(Buffer.from(m.bytes), Buffer.from(plain), 'DKIM sees the message without it');
  const mbox = parseMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc('From a@b Mon Jan  1 10:00:00 2024\n'), plain]));
  assert.equal(mbox.mboxFrom, 'From a@b Mon Jan  1 10:00:00 2024');
  assert.equal(mbox.headers[0]!.key, 'from');
  assert.equal(parseMessage(plain).problems.length, 0);
});
