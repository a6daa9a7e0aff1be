// bin/mailtrace.cjs compiles dist/fast.cjs, and each scan worker dist/scan-worker.cjs, from the V8 code cache the
// build recorded. The cache only saves time: a run with it, without it, or with a damaged one must print the same
// report. Run as processes, on copies of bin/ and dist/ so the real build is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const SAMPLE = join(ROOT, 'fixtures/sample/message.eml');

function run(root: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin/mailtrace.cjs'), ...args], {
    env: { ...process.env, MAILTRACE_DEBUG: '1', NO_COLOR: '1' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const OWN_CACHE = `fast.cjs.${process.versions.v8}.cache`;

function copyOfBuild(bundle = 'fast.cjs'): { root: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'mailtrace-cache-'));
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  return { root, cache: join(root, 'dist', `${bundle}.${process.versions.v8}.cache`) };
}

test(`the build records a code cache per bundle, used by the Node that built it (this is ${process.version})`, () => {
  const recorded = readdirSync(join(ROOT, 'dist')).filter((f) => /^(fast|mailauth|scan-worker)\.cjs\..+\.cache$/.test(f));
  assert.equal(recorded.length, 3, 'dist/fast.cjs, dist/mailauth.cjs and dist/scan-worker.cjs, each named after the V8 that recorded it');
  // The suite builds with its first Node; the other Node versions (scripts/node-matrix.sh) find no cache of theirs.
  const expected = recorded.includes(OWN_CACHE) ? 'used' : 'absent';
  const offline = run(ROOT, ['--json', '--offline', SAMPLE]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, new RegExp(`fast\\.cjs: code cache ${expected}`));
  assert.doesNotMatch(offline.stderr, /mailauth\.cjs/, 'an offline run never loads mailauth');
  const replayed = run(ROOT, ['--json', '--dns-replay', join(ROOT, 'fixtures/sample/dns.json'), SAMPLE]);
  assert.equal(replayed.code, 0, replayed.stderr);
  assert.match(replayed.stderr, new RegExp(`mailauth\\.cjs: code cache ${expected}`));
});

test('without the cache, or with a damaged one, the run compiles as usual and prints the same report', () => {
  const args = ['--json', '--offline', '--at', '2024-03-01T10:00:00Z', SAMPLE];
  const expected = run(ROOT, args);
  assert.equal(expected.code, 0, expected.stderr);
  const { root, cache } = copyOfBuild();
  try {
    // A truncated cache for this very V8: it passes the name check and must fail V8's own checks.
    const recorded = readdirSync(join(root, 'dist')).find((f) => /^fast\.cjs\..+\.cache$/.test(f))!;
    const bytes = readFileSync(join(root, 'dist', recorded));
    writeFileSync(cache, bytes.subarray(0, bytes.length >> 1));
    const truncated = run(root, args);
    assert.match(truncated.stderr, /code cache rejected/);
    assert.equal(truncated.code, expected.code);
    assert.equal(truncated.stdout, expected.stdout);

    rmSync(cache);
    const absent = run(root, args);
    assert.match(absent.stderr, /code cache absent/);
    assert.equal(absent.stdout, expected.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a scan worker compiles its bundle from its own cache, recorded under the workers\' V8 flags (V8 rejects any other)', () => {
  const own = readdirSync(join(ROOT, 'dist')).includes(`scan-worker.cjs.${process.versions.v8}.cache`);
  // Enough messages that both workers are given some, and so load, before the scan ends: with one message, the
  // second worker could still be loading when the scan stopped it, and never say anything.
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-cache-scan-'));
  try {
    for (let i = 0; i < 64; i++) cpSync(SAMPLE, join(dir, `${i}.eml`));
    const scan = run(ROOT, ['scan', '--offline', '--jobs', '2', '--quiet', dir]);
    assert.equal(scan.code, 0, scan.stderr);
    assert.equal(scan.stdout.split('\n').filter(Boolean).length, 64);
    const states = scan.stderr.match(/scan-worker\.cjs: code cache \w+/g) ?? [];
    assert.deepEqual(states, Array(2).fill(`scan-worker.cjs: code cache ${own ? 'used' : 'absent'}`), scan.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scan without the worker cache, or with a damaged one, writes the same lines', () => {
  const args = ['scan', '--offline', '--jobs', '1', '--quiet', '--at', '2024-03-01T10:00:00Z', '-'];
  const paths = [SAMPLE, join(ROOT, 'fixtures/lab/spoof-relay/message.eml')].join('\n');
  const expected = run(ROOT, args, paths);
  assert.equal(expected.code, 0, expected.stderr);
  assert.equal(expected.stdout.trim().split('\n').length, 2);
  const { root, cache } = copyOfBuild('scan-worker.cjs');
  try {
    // The cache the build recorded (for whatever V8 built it), truncated, under this V8's name.
    const recorded = readdirSync(join(root, 'dist')).find((f) => /^scan-worker\.cjs\..+\.cache$/.test(f))!;
    const bytes = readFileSync(join(root, 'dist', recorded));
    writeFileSync(cache, bytes.subarray(0, bytes.length >> 1));
    const truncated = run(root, args, paths);
    assert.match(truncated.stderr, /scan-worker\.cjs: code cache rejected/);
    assert.equal(truncated.stdout, expected.stdout);

    rmSync(cache);
    const absent = run(root, args, paths);
    assert.match(absent.stderr, /scan-worker\.cjs: code cache absent/);
    assert.equal(absent.stdout, expected.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('runs the fast path leaves go to the full CLI: --help, an unknown option', () => {
  const help = run(ROOT, ['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /mailtrace scan/);
  const unknown = run(ROOT, ['--no-such-option', SAMPLE]);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /Unknown argument|no-such-option/);
});
