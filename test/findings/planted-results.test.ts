// auth.planted-results: a pass written below the trust boundary in the receiver's name, judged against the
// receiver's own trusted result about the same name. Run as the CLI, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('planted-results');

/** The receiver mx.rcpt.test records `theirs` above its Received line; the sender planted `planted` under it. */
function planted(name: string, theirs: string, plantedResults: string): { severity: string; title: string }[] {
  const path = join(dir, `${name}.eml`);
  writeFileSync(path, [
    `Authentication-Results: mx.rcpt.test; ${theirs}`,
    'Received: from mail.fwd.test (mail.fwd.test [198.51.100.7])\n\tby mx.rcpt.test (Postfix) with ESMTPS id 4AbCdEf\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 07:00:05 +0000',
    `Authentication-Results: mx.rcpt.test; ${plantedResults}`,
    'From: <alice@sender.test>', 'To: bob@rcpt.test', 'Subject: t', 'Date: Mon, 23 Nov 2026 06:59:58 +0000', 'Message-ID: <x@sender.test>',
  ].join('\n') + '\n\nbody\n');
  const r = runCli(['--offline', '--json', '--trust', 'mx.rcpt.test', path]);
  const report = JSON.parse(r.stdout) as { findings: { id: string; severity: string; title: string }[] };
  return report.findings.filter((f) => f.id === 'auth.planted-results').map(({ severity, title }) => ({ severity, title }));
}

test('a planted pass is contradicted only by a trusted result about the same name', () => {
  // The receiver's dmarc=fail for the same From domain: proof.
  const same = planted('same', 'dmarc=fail header.from=sender.test', 'dmarc=pass header.from=sender.test');
  assert.deepEqual(same.map((f) => f.severity), ['high']);
  assert.match(same[0]!.title, /contradicted: the receiver itself recorded dmarc=fail/);
  // SPF of the forwarder's MAIL FROM says nothing about sender.test's: it was read as a contradiction (high).
  const other = planted('other', 'spf=neutral smtp.mailfrom=bounces@fwd.test', 'spf=pass smtp.mailfrom=alice@sender.test');
  assert.deepEqual(other.map((f) => f.severity), ['low']);
  assert.match(other[0]!.title, /not confirmed by a trusted result/);
  // Microsoft's bestguesspass (no DMARC record, it would pass) neither proves nor refutes a dmarc=pass: was high.
  assert.deepEqual(planted('guess', 'dmarc=bestguesspass header.from=sender.test', 'dmarc=pass header.from=sender.test').map((f) => f.severity), ['low']);
});

test('a planted pass the receiver\'s own pass confirms is no finding (it said "not confirmed by a trusted result")', () => {
  assert.deepEqual(planted('confirmed', 'dkim=pass header.d=sender.test', 'dkim=pass header.d=sender.test'), []);
  // Another signature's pass confirms nothing about this one.
  assert.deepEqual(planted('other-sig', 'dkim=pass header.d=esp.test', 'dkim=pass header.d=sender.test').map((f) => f.severity), ['low']);
});

test('a root dot does not make a planted pass about another name', () => {
  // "header.d=sender.test." is sender.test: compared as written it was unconfirmed (low, verdict suspicious), not high.
  assert.deepEqual(planted('dot-dkim', 'dkim=fail header.d=sender.test', 'dkim=pass header.d=sender.test.').map((f) => f.severity), ['high']);
  assert.deepEqual(planted('dot-dmarc', 'dmarc=fail header.from=Sender.Test', 'dmarc=pass header.from=sender.test..').map((f) => f.severity), ['high']);
  assert.deepEqual(planted('dot-confirmed', 'dkim=pass header.d=sender.test.', 'dkim=pass header.d=sender.test'), []);
});
