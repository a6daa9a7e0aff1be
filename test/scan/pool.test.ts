// The worker pool with real threads: a worker stuck in a loop or dying does not hang the scan or lose a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanPool } from '../../src/cli/scan/pool.js';
import type { ScanResult, ScanSettings } from '../../src/cli/scan/analyze-one.js';

const settings: ScanSettings = { format: 'ndjson', unwrap: 'all', timeoutMs: 200, analyze: { offline: true } };
const text = (r: ScanResult) => (typeof r.text === 'string' ? r.text : Buffer.from(r.text).toString('utf8'));
const script = new URL('../fixtures/scan/misbehaving-worker.mjs', import.meta.url);

async function runPool(paths: string[], jobs: number): Promise<Map<number, ScanResult>> {
  const results = new Map<number, ScanResult>();
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const pool = new ScanPool(jobs, settings, undefined, false, (seq, r) => {
    assert.ok(!results.has(seq), `seq ${seq} answered twice`);
    results.set(seq, r);
    if (results.size === paths.length) done();
  }, { script, stallGraceMs: 300 });
  try {
    paths.forEach((path, seq) => pool.submit({ seq, source: { kind: 'file', path }, bytes: Buffer.from(path), size: 10 }));
    await all;
  } finally {
    await pool.close();
  }
  return results;
}

test('a stuck worker is stopped: its message becomes a timeout record, the messages queued behind it still run', async () => {
  const results = await runPool(['a', 'hang', 'b', 'c', 'd'], 1);
  assert.equal(results.size, 5);
  const hang = JSON.parse(text(results.get(1)!));
  assert.equal(hang.error.code, 'timeout');
  assert.equal(hang.source.path, 'hang');
  assert.equal(results.get(1)!.fact.errorCode, 'timeout');
  for (const seq of [0, 2, 3, 4]) assert.match(text(results.get(seq)!), /^[abcd] 1\n$/);
});

test('a worker that dies: its message becomes an internal error record, the rest run on a new worker', async () => {
  const results = await runPool(['a', 'crash', 'b', 'c'], 2);
  assert.equal(results.size, 4);
  const crash = JSON.parse(text(results.get(1)!));
  assert.equal(crash.error.code, 'internal');
  assert.match(crash.error.message, /exit code 3/);
  assert.match(text(results.get(3)!), /^c 1\n$/);
});

test('tasks go in batches: a worker stuck on the third message of a batch is blamed for that one, not the oldest', async () => {
  // The misbehaving worker posts a batch's results only at its end, so 'a' and 'b' are finished but unposted when
  // it spins: the pool must read the seq it named, and the two done before it are analysed again, once each.
  const results = await runPool(['a', 'b', 'hang', 'c'], 1);
  assert.equal(results.size, 4);
  assert.equal(JSON.parse(text(results.get(2)!)).error.code, 'timeout');
  for (const seq of [0, 1, 3]) assert.match(text(results.get(seq)!), /^[abc] 1\n$/);
});
