// Messages are written by attackers. Each hostile shape below must end in a report or a clean error; the
// per-test timeout is a hang guard, not a speed target (speed lives in npm run bench).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { NotAMessageError } from '../../src/message/parse.js';
import { domainOfAddress } from '../../src/identity/org.js';

const HANG_GUARD = { timeout: 60_000 };

async function survives(raw: string | Buffer) {
  try {
    return await analyze(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, { offline: true });
  } catch (err) {
    assert.ok(err instanceof NotAMessageError, `unexpected ${(err as Error).stack}`);
    return undefined;
  }
}

const tail = 'From: a@example.org\nSubject: x\n\nbody\n';

test('50,000 Received headers (5 MB of header)', HANG_GUARD, async () => {
  const hop = 'Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id X; Tue, 12 Mar 2024 10:00:00 +0000\n';
  const r = await survives(hop.repeat(50_000) + tail);
  assert.ok(r);
  assert.ok(r.findings.some((f) => f.id === 'message.malformed-header'), 'the cap is reported');
});

test('one 2 MiB header line', HANG_GUARD, async () => {
  const r = await survives('Subject: ' + 'A'.repeat(2 * 1024 * 1024) + '\n' + tail);
  assert.ok(r);
});

test('Received with deeply nested and unbalanced comments, keywords inside them', HANG_GUARD, async () => {
  const nested = '('.repeat(20_000) + 'by evil with ESMTPS id 1 for <x@y>' + ')'.repeat(19_999);
  const r = await survives(`Received: from x ${nested} by y; Tue, 12 Mar 2024 10:00:00 +0000\n` + tail);
  assert.ok(r);
  const unbalanced = await survives(`Received: from ${'(['.repeat(30_000)} by y\n` + tail);
  assert.ok(unbalanced);
});

test('pathological address lists and encoded words', HANG_GUARD, async () => {
  const many = Array.from({ length: 20_000 }, (_, i) => `u${i}@example${i}.org`).join(', ');
  assert.ok(await survives(`From: ${many}\nTo: ${'<'.repeat(50_000)}\n\n`));
  const words = '=?utf-8?q?' + '=41'.repeat(30_000) + '?= '.repeat(1) + '=?utf-8?b?'.repeat(10_000);
  assert.ok(await survives(`From: ${words} <a@example.org>\nSubject: ${words}\n\n`));
  assert.ok(await survives(`From: "${'\\"'.repeat(50_000)}" <a@example.org>\n\n`));
});

test('long runs of whitespace and separators in dates and IPs', HANG_GUARD, async () => {
  const spaces = ' '.repeat(100_000);
  assert.ok(await survives(`Received: from a${spaces}by b${spaces}; ${'1 '.repeat(50_000)}\nDate: ${'Mon, '.repeat(40_000)}\n` + tail));
  assert.ok(await survives(`Received: from a ([${'1.'.repeat(40_000)}]) by b; Tue, 12 Mar 2024 10:00:00 +0000\n` + tail));
  assert.ok(await survives(`Received: from a ([IPv6:${'::'.repeat(40_000)}]) by b; Tue, 12 Mar 2024 10:00:00 +0000\n` + tail));
});

test('NUL, bare CR and 8-bit bytes everywhere in the header', HANG_GUARD, async () => {
  const bytes = Buffer.from('From: a@example.org\r\nX: \u0000\u0001\r\rY: \xff\xfe\xfd\r\n' + 'Z: \r'.repeat(10_000) + '\r\n\r\nbody', 'latin1');
  assert.ok(await survives(bytes) !== null);
});

test('address domains that end in long runs of dots (a root dot repeated)', HANG_GUARD, async () => {
  // /[>.\s]+$/ retried every dot of a run that does not end the value: a From and a Return-Path of "@" and 200,000
  // dots cost ~60 s of CPU each, past the filter's timeout, which cannot stop CPU work.
  const dots = '.'.repeat(200_000);
  const r = await survives(`Return-Path: <b@${dots}y>\nFrom: <a@${dots}x>\nReply-To: <c@sender.example${dots}>\nSubject: x\n\nbody\n`);
  assert.ok(r);
  assert.equal(domainOfAddress(`c@Sender.Example${dots}> `), 'sender.example');
});
