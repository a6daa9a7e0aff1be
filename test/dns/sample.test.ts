// The demo sample (fixtures/sample): its recorded DNS holds every answer the analysis needs, and the files are
// exactly what make-sample.ts produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DNS_PATH, MESSAGE_PATH, buildSample, checkSample } from '../../fixtures/sample/make-sample.js';
import { formatSnapshot, loadSnapshot } from '../../src/dns/index.js';
import { runCli } from '../helpers/cli.js';

test('SPF (MAIL FROM and HELO), DKIM, DMARC and ARC all pass from dns.json alone, and every entry is used', async () => {
  const snapshot = loadSnapshot(DNS_PATH);
  const check = await checkSample(readFileSync(MESSAGE_PATH), snapshot);
  assert.deepEqual([check.dkim, check.spf, check.helo, check.dmarc, check.arc], ['pass', 'pass', 'pass', 'pass', 'pass']);
  assert.deepEqual(check.ptr, ['mail.example.org']);
  assert.deepEqual(check.log.filter((r) => r.provenance !== 'replayed'), [], 'nothing missing');
  const used = new Set(check.log.map((r) => `${r.type} ${r.name}`));
  const held = Object.entries(snapshot).flatMap(([name, types]) => Object.keys(types).map((t) => `${t} ${name}`));
  assert.deepEqual(held.filter((k) => !used.has(k)), [], 'no stale entries');
});

test('make-sample.ts regenerates the committed files byte for byte', async () => {
  const { message, snapshot } = await buildSample();
  assert.equal(message.toString('latin1'), readFileSync(MESSAGE_PATH, 'latin1'));
  assert.equal(formatSnapshot(snapshot), readFileSync(DNS_PATH, 'utf8'));
});

test('the demo command runs offline from the recorded DNS', () => {
  const r = runCli(['--json', '--dns-replay', DNS_PATH, MESSAGE_PATH]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.hops.length, 3);
  assert.ok(report.hops.some((h: { from?: { ip?: string } }) => h.from?.ip === '198.51.100.25'));
});
