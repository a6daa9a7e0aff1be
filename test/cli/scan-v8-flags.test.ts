// The V8 flags a scan sets before its workers start (src/cli/scan/v8-flags.ts) must all be known to the V8 that
// runs it: V8 answers an unknown flag with an error line on stderr and goes on without it. This file runs on every
// Node of the version matrix (scripts/node-matrix.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { workerV8Flags } from '../../src/cli/scan/v8-flags.js';

test("every flag chosen for this Node's V8 is one it knows, set the way the scan sets it", () => {
  const flags = workerV8Flags(process.versions.v8, true);
  const major = Number.parseInt(process.versions.v8, 10);
  // Node 20, 22 and 24 get the flags; a newer Node none, until someone has measured them there.
  assert.equal(flags.length >= 3, major >= 11 && major <= 13, `V8 ${process.versions.v8}: ${flags.join(' ')}`);
  const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of flags) {
    const name = flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
    assert.match(known, new RegExp(`^\\s+--${name} `, 'm'), `${flag} is not an option of V8 ${process.versions.v8}`);
  }
  const script = `const v8 = require('node:v8'); for (const f of ${JSON.stringify(flags)}) v8.setFlagsFromString(f);`;
  const set = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(set.status, 0);
  assert.equal(set.stderr, '', 'V8 complained about a flag');
});

test("each V8 gets the optimisation threshold in its own unit: V8 11 a bytecode budget, V8 12 and 13 a call count", () => {
  const v11 = workerV8Flags('11.3.244.8-node.38');
  assert.ok(v11.includes('--interrupt-budget=540672'));
  assert.ok(!v11.some((f) => f.startsWith('--invocation-count-for-turbofan')));
  for (const version of ['12.4.254.21-node.33', '13.6.233.10-node.28']) {
    const flags = workerV8Flags(version);
    assert.ok(flags.includes('--invocation-count-for-turbofan=24000'), version);
    assert.ok(!flags.some((f) => f.startsWith('--interrupt-budget')), version);
  }
  // V8 12 and 13 get the same list.
  assert.deepEqual(workerV8Flags('12.4.254.21-node.33'), workerV8Flags('13.6.233.10-node.28'));
});

test('a V8 nobody has measured these flags on gets none (an unknown flag would print an error on every scan)', () => {
  assert.deepEqual(workerV8Flags('14.1.146.11-node.14'), []);
  assert.deepEqual(workerV8Flags('10.2.154.26-node.26'), []);
  assert.deepEqual(workerV8Flags('not a version'), []);
});

test('TurboFan compiles on the workers\' own threads only when a worker runs on every core', () => {
  for (const version of ['11.3.244.8-node.38', '12.4.254.21-node.33', '13.6.233.10-node.28']) {
    assert.ok(workerV8Flags(version, true).includes('--no-concurrent-recompilation'), version);
    assert.ok(!workerV8Flags(version, false).includes('--no-concurrent-recompilation'), version);
    // Everything else is the same either way.
    assert.deepEqual(workerV8Flags(version, true).filter((f) => f !== '--no-concurrent-recompilation'), workerV8Flags(version, false));
  }
});
