// The real Postfix-delivered lab messages (fixtures/lab, see its README) through the built CLI with their recorded
// DNS: the authentication results at the boundary match what mailauth says from dns.json alone (the ground truth
// test/lab/lab-fixtures.test.ts establishes), nothing is missing, and the spoofs' DMARC failure under p=reject is high.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import type { Report } from '../../src/types.js';

const CASES: [name: string, ip: string, truth: { spf: string; helo: string; dkim: string; dmarc: string }][] = [
  ['legit-relay', '10.25.0.3', { spf: 'fail', helo: 'pass', dkim: 'pass', dmarc: 'pass' }],
  ['spoof-relay', '10.25.0.3', { spf: 'fail', helo: 'pass', dkim: 'none', dmarc: 'fail' }],
  ['spoof-direct', '10.25.0.5', { spf: 'fail', helo: 'fail', dkim: 'none', dmarc: 'fail' }],
  ['legit-direct', '10.25.0.2', { spf: 'pass', helo: 'pass', dkim: 'pass', dmarc: 'pass' }],
];

for (const [name, ip, truth] of CASES) {
  test(`lab ${name}: spf=${truth.spf} at ${ip}, helo=${truth.helo}, dkim=${truth.dkim}, dmarc=${truth.dmarc}`, () => {
    const dir = join(ROOT, 'fixtures', 'lab', name);
    const r = runCli([join(dir, 'message.eml'), '--dns-replay', join(dir, 'dns.json'), '--trust', 'mx.rcpt.test', '--json']);
    const report = JSON.parse(r.stdout) as Report;
    const spf = report.auth.results.filter((m) => m.method === 'spf');
    const got = {
      spf: spf.find((m) => m.details?.['identity'] === 'mailfrom')?.result,
      helo: spf.find((m) => m.details?.['identity'] === 'helo')?.result,
      dkim: report.auth.results.find((m) => m.method === 'dkim')?.result,
      dmarc: report.auth.results.find((m) => m.method === 'dmarc')?.result,
    };
    assert.deepEqual(got, truth);
    assert.deepEqual(report.auth.inputs, { ip, helo: report.boundary?.helo, mailFrom: 'alice@example.test' });
    assert.deepEqual(report.auth.dns.filter((d) => d.provenance !== 'replayed'), []);
    if (truth.dmarc === 'fail') {
      assert.equal(report.auth.results.find((m) => m.method === 'dmarc')?.details?.['policy'], 'reject');
      assert.ok(report.findings.some((f) => f.id === 'auth.dmarc-fail' && f.severity === 'high'));
    } else {
      assert.ok(!report.findings.some((f) => f.id.startsWith('auth.') && (f.severity === 'high' || f.severity === 'medium')));
    }
  });
}
