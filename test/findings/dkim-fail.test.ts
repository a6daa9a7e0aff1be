// auth.dkim-fail's severity: what may vouch for a message whose signature broke. Run as the CLI, offline, on the
// receiver's own trusted Authentication-Results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('dkim-fail');

/** A message from 203.0.113.66 as alerts@bank.test, the receiver mx.rcpt.test having recorded `results`. */
function message(name: string, results: string): string {
  const path = join(dir, `${name}.eml`);
  writeFileSync(path, [
    `Authentication-Results: mx.rcpt.test; ${results}`,
    'Received: from mail.attacker.test (mail.attacker.test [203.0.113.66])\n\tby mx.rcpt.test (Postfix) with ESMTPS id 4AbCdEf\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 07:00:05 +0000',
    'From: Bank <alerts@bank.test>', 'To: bob@rcpt.test', 'Subject: verify', 'Date: Mon, 23 Nov 2026 06:59:58 +0000', 'Message-ID: <x@bank.test>',
  ].join('\n') + '\n\nbody\n');
  return path;
}

function dkimFail(path: string): { severity: string; verdict: string } {
  const r = runCli(['--offline', '--json', '--trust', 'mx.rcpt.test', path]);
  const report = JSON.parse(r.stdout) as { verdict: string; findings: { id: string; severity: string }[] };
  return { severity: report.findings.find((f) => f.id === 'auth.dkim-fail')!.severity, verdict: report.verdict };
}

const BROKEN = 'dkim=fail (body hash did not verify) header.d=bank.test header.s=s1';

test('a broken signature is medium when nothing vouches for the message, and an ARC pass does not', () => {
  // The chain of custody verified, but its sealer may be the sender: a phish with a broken bank.test signature and an
  // ARC set of its own passed (dkim-fail low, verdict pass); 5 Microsoft 365 phish in phishing_pot did so.
  assert.deepEqual(dkimFail(message('arc', `${BROKEN}; arc=pass (i=1 spf=pass dkim=pass dkdomain=attacker.test); spf=none smtp.mailfrom=attacker.test`)), { severity: 'medium', verdict: 'suspicious' });
  assert.deepEqual(dkimFail(message('alone', `${BROKEN}; spf=none smtp.mailfrom=attacker.test`)), { severity: 'medium', verdict: 'suspicious' });
});

test('another valid signature or a DMARC pass vouches: the broken one is low', () => {
  assert.equal(dkimFail(message('other', `${BROKEN}; dkim=pass header.d=bank.test header.s=s2; spf=none smtp.mailfrom=attacker.test`)).severity, 'low');
  assert.equal(dkimFail(message('dmarc', `${BROKEN}; spf=pass smtp.mailfrom=bank.test; dmarc=pass header.from=bank.test`)).severity, 'low');
});

test('a valid signature of another organisation does not vouch: anyone can sign with a domain of their own', () => {
  // The ARC case again with a DKIM signature: a broken bank.test signature beside a valid attacker.test one was low,
  // verdict pass (3 phishing_pot messages through a forwarder that signs, improvmx-mails.com, did so).
  assert.deepEqual(dkimFail(message('own-signature', `${BROKEN}; dkim=pass header.d=attacker.test header.s=s2; spf=none smtp.mailfrom=attacker.test`)), { severity: 'medium', verdict: 'suspicious' });
  // One of the author's organisation does (From: alerts@bank.test, signed by mail.bank.test).
  assert.equal(dkimFail(message('author-org', `dkim=fail (body hash did not verify) header.d=esp.test header.s=s1; dkim=pass header.d=mail.bank.test header.s=s2; spf=none smtp.mailfrom=esp.test`)).severity, 'low');
});
