// auth.dmarc-fail's severity offline, from the receiver's own trusted Authentication-Results. Run as the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('dmarc-fail');

function dmarcFail(name: string, results: string): { severity: string; title: string } {
  const path = join(dir, `${name}.eml`);
  writeFileSync(path, [
    `Authentication-Results: mx.google.com; ${results}`,
    'Received: from mail.list.test (mail.list.test [198.51.100.7])\n\tby mx.google.com with ESMTPS id 4AbCdEf\n\tfor <bob@gmail.com>; Mon, 23 Nov 2026 07:00:05 +0000',
    'From: <alice@bank.test>', 'To: list@list.test', 'Subject: t', 'Date: Mon, 23 Nov 2026 06:59:58 +0000', 'Message-ID: <x@bank.test>',
  ].join('\n') + '\n\nbody\n');
  const report = JSON.parse(runCli(['--offline', '--json', path]).stdout) as { findings: { id: string; severity: string; title: string }[] };
  const { severity, title } = report.findings.find((f) => f.id === 'auth.dmarc-fail')!;
  return { severity, title };
}

test('a DMARC fail the receiver let through on a trusted forwarder\'s ARC chain is low (it was high: genuine list mail forged)', () => {
  // Gmail's own field for mail a forwarder passed on with the author's signature broken (mailauth's arc fixtures).
  const onArc = dmarcFail('arc', 'arc=pass (i=1 spf=pass spfdomain=list.test); spf=pass smtp.mailfrom=list.test; dmarc=fail (p=REJECT sp=REJECT dis=NONE arc=pass) header.from=bank.test');
  assert.equal(onArc.severity, 'low');
  assert.match(onArc.title, /accepted it on the ARC chain of a forwarder it trusts/);
  // Without the ARC pass, dis=NONE is not the receiver vouching for a forwarder: the policy decides.
  assert.equal(dmarcFail('plain', 'spf=pass smtp.mailfrom=list.test; dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=bank.test').severity, 'high');
  assert.equal(dmarcFail('quarantined', 'dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE arc=pass) header.from=bank.test').severity, 'high');
});
