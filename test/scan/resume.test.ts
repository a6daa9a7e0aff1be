// Kill a real scan (SIGKILL, then SIGINT, SIGTERM and SIGHUP) and resume it: the output must equal an uninterrupted run's,
// every message once, none missing, and the summary must count each message once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputsDigest } from '../../src/cli/scan/checkpoint.js';
import { BIN, runCli } from '../helpers/cli.js';
import { corpusFiles } from '../helpers/corpus.js';
import { mboxOf } from '../helpers/mbox.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('resume');
const mbox = join(dir, 'corpus.mbox');

/** An mboxrd file of real phishing mail (never inside the repository: the corpus licence forbids copies). */
function buildMbox(count: number): void {
  writeFileSync(mbox, mboxOf(corpusFiles('phishing_pot').filter((p) => p.endsWith('.eml')).slice(0, count)));
}

const sourcesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => {
      const s = JSON.parse(l).source;
      const top = s.parent ?? s;
      return `${top.index}@${top.offset}`;
    });

function summaryCounts(file: string) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  return { messages: s.messages, errors: s.errors, verdicts: s.verdicts, findings: s.findings, ips: s.top.boundaryIps };
}

async function waitForCheckpoint(state: string, atLeast: number, child: ReturnType<typeof spawn>): Promise<number> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`scan ended before it could be interrupted (exit ${child.exitCode})`);
    if (existsSync(state)) {
      const s = JSON.parse(readFileSync(state, 'utf8'));
      if (s.done >= atLeast) return s.done;
    }
    await sleep(20);
  }
  throw new Error('no checkpoint within 12 s');
}

/** What a checkpoint records of the inputs written: their keys' digest, and the last key. */
function inputsWritten(...keys: string[]) {
  const digest = new InputsDigest();
  for (const key of keys) digest.add(key);
  return { inputs: digest.hex, lastInput: keys.at(-1) };
}

function startScan(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, MAILTRACE_CHECKPOINT_MS: '50' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

/** Start a resumable scan of the mbox, wait for a checkpoint past 100 messages, then send it a signal. */
async function interruptedScan(name: string, signal: NodeJS.Signals) {
  const out = join(dir, `${name}.ndjson`);
  const state = join(dir, `${name}.state.json`);
  const summary = join(dir, `${name}.json`);
  const args = ['scan', '--offline', '-q', '-j', '2', '--resume', state, '--out', out, '--summary', summary, mbox];
  const run = startScan(args);
  const done = await waitForCheckpoint(state, 100, run.child);
  run.child.kill(signal);
  return { out, state, summary, args, done, ended: await run.exited };
}

buildMbox(1500);
const full = { out: join(dir, 'full.ndjson'), summary: join(dir, 'full.json') };
const reference = runCli(['scan', '--offline', '-q', '-j', '2', '--out', full.out, '--summary', full.summary, mbox]);

test('reference run: one line per message of the mbox', () => {
  assert.equal(reference.code, 0, reference.stderr);
  assert.equal(sourcesOf(full.out).length, 1500);
});

test('kill -9 mid-scan, rerun with the same state: same lines, none missing, none twice, same summary', async () => {
  const { out, state, summary, args, done, ended } = await interruptedScan('killed', 'SIGKILL');
  assert.equal(ended.signal, 'SIGKILL');
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  assert.equal(saved.complete, false);
  assert.ok(saved.done >= done && saved.done < 1500, `killed after ${saved.done} messages`);

  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  const sources = sourcesOf(out);
  assert.equal(new Set(sources).size, sources.length, 'no message twice');
  assert.deepEqual(sources, sourcesOf(full.out), 'the same messages in the same order');
  assert.deepEqual(summaryCounts(summary), summaryCounts(full.summary));
  assert.equal(JSON.parse(readFileSync(summary, 'utf8')).resumedMessages, saved.done);
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).complete, true);
});

test('SIGINT: in-flight messages finished and written, summary flushed, exit 130; then resumable', async () => {
  const run = await interruptedScan('int', 'SIGINT');
  assert.equal(run.ended.code, 130);
  assertStoppedCleanlyThenResumes(run);
});

/**
 * After a clean stop: every line written parses and is covered by the final checkpoint, the partial summary counts
 * them, and the same command then finishes the scan exactly as an uninterrupted one.
 */
function assertStoppedCleanlyThenResumes({ out, state, summary, args }: { out: string; state: string; summary: string; args: string[] }): void {
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  const written = sourcesOf(out); // every line parses: nothing half-written
  assert.equal(written.length, saved.done, 'the final checkpoint covers every line written');
  assert.deepEqual(written, sourcesOf(full.out).slice(0, written.length));
  const partial = JSON.parse(readFileSync(summary, 'utf8'));
  assert.equal(partial.complete, false);
  assert.equal(partial.messages, written.length);

  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(sourcesOf(out), sourcesOf(full.out));
  assert.deepEqual(summaryCounts(summary), summaryCounts(full.summary));
}

// Batch jobs are stopped by timeout(1), systemd and kill (SIGTERM), or lose their terminal (SIGHUP): the same clean stop.
for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal}: stops like SIGINT (in flight finished, state and summary flushed), exit ${code}; then resumable`, async () => {
    const run = await interruptedScan(signal.toLowerCase(), signal);
    assert.equal(run.ended.signal, null, 'handled, not killed by the signal');
    assert.equal(run.ended.code, code, run.ended.stderr);
    assert.equal(run.ended.stderr, `mailtrace: ${signal}: finishing the messages in flight (a second signal quits at once)\n`);
    assertStoppedCleanlyThenResumes(run);
  });
}

test('the output file cannot grow (ulimit -f: EFBIG) mid-scan: one line, exit 74, then resumable', () => {
  const out = join(dir, 'limited.ndjson');
  const state = join(dir, 'limited.state.json');
  const summary = join(dir, 'limited.json');
  const args = ['scan', '--offline', '-q', '-j', '2', '--resume', state, '--out', out, '--summary', summary, mbox];
  const limitKb = 3000; // about a quarter of the output
  const limited = spawnSync('bash', ['-c', `ulimit -f ${limitKb} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MAILTRACE_CHECKPOINT_MS: '50' },
  });
  assert.equal(limited.status, 74, limited.stderr);
  assert.match(limited.stderr, /^mailtrace: .*limited\.ndjson: cannot write the output \(file too large\): scan stopped; rerun with --resume/);
  assert.equal(limited.stderr.trim().split('\n').length, 1);
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  assert.equal(saved.complete, false);
  assert.ok(saved.done > 0 && saved.outputBytes <= limitKb * 1024, `checkpointed ${saved.done} lines, ${saved.outputBytes} bytes`);

  const again = runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(sourcesOf(out), sourcesOf(full.out), 'every message once, in order');
  assert.deepEqual(summaryCounts(summary), summaryCounts(full.summary));
});

test('a state file from another scan is refused', () => {
  const state = join(dir, 'killed.state.json');
  const r = runCli(['scan', '--offline', '-q', '--resume', state, '--out', join(dir, 'other.ndjson'), mbox]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /different scan/);
});

test('inputs that changed since the checkpoint are refused before the output is touched', () => {
  const d = scratchDir('resume-changed');
  const inbox = join(d, 'inbox');
  const msg = (n: number) => `From: a${n}@example.com\nSubject: ${n}\n\nbody\n`;
  mkdirSync(inbox);
  for (const n of [1, 2, 3]) writeFileSync(join(inbox, `${n}.eml`), msg(n));
  const state = join(d, 'state.json');
  const out = join(d, 'out.ndjson');
  const args = ['scan', '--offline', '-q', '--resume', state, '--out', out, inbox];
  assert.equal(runCli(args).code, 0);
  // Pretend the run stopped after two messages (what a kill leaves behind)...
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  const firstTwo = readFileSync(out, 'utf8').split('\n').slice(0, 2).join('\n') + '\n';
  assert.equal(saved.lastInput, `${join(inbox, '3.eml')}#@`);
  const written = inputsWritten(`${join(inbox, '1.eml')}#@`, `${join(inbox, '2.eml')}#@`);
  writeFileSync(state, JSON.stringify({ ...saved, complete: false, done: 2, outputBytes: Buffer.byteLength(firstTwo), ...written }));
  const before = readFileSync(out);
  // ...then the second message disappears: position 2 is now another file.
  renameSync(join(inbox, '2.eml'), join(inbox, '9.eml'));
  const r = runCli(args);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /inputs changed since the checkpoint/);
  assert.ok(readFileSync(out).equals(before), 'output untouched');
});

/** A finished three-message resumable scan, with its state rewound to "stopped after two" (what a kill leaves). */
function stoppedAfterTwo(name: string) {
  const d = scratchDir(`resume-${name}`);
  for (const n of [1, 2, 3]) writeFileSync(join(d, `${n}.eml`), `From: a${n}@example.com\nSubject: ${n}\n\nbody\n`);
  const state = join(d, 'state.json');
  const out = join(d, 'out.ndjson');
  // --at: without a Received time a message is analysed at the clock's time, and a rerun's line would differ
  const args = ['scan', '--offline', '-q', '--at', '2024-01-02T00:00Z', '--resume', state, '--out', out, join(d, '1.eml'), join(d, '2.eml'), join(d, '3.eml')];
  assert.equal(runCli(args).code, 0);
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  const firstTwo = readFileSync(out, 'utf8').split('\n').slice(0, 2).join('\n') + '\n';
  const written = inputsWritten(`${join(d, '1.eml')}#@`, `${join(d, '2.eml')}#@`);
  writeFileSync(state, JSON.stringify({ ...saved, complete: false, done: 2, outputBytes: Buffer.byteLength(firstTwo), ...written }));
  return { out, state, args, firstTwo };
}

test('an output cut shorter than the checkpoint is refused (64), not padded with NUL bytes; rerun without the state, it starts over', () => {
  const { out, state, args, firstTwo } = stoppedAfterTwo('short');
  writeFileSync(out, firstTwo.slice(0, 100)); // someone cut the file (head -c, an editor)
  const r = runCli(args);
  assert.equal(r.code, 64, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.startsWith(`mailtrace: --out ${out}: the output is shorter (100 bytes) than the checkpoint in ${state} recorded (${Buffer.byteLength(firstTwo)} bytes)`), r.stderr);
  assert.match(r.stderr, /changed since: restore it, or delete .*state\.json to start the scan again/);
  assert.equal(readFileSync(out, 'utf8'), firstTwo.slice(0, 100), 'output untouched');
  rmSync(state);
  assert.equal(runCli(args).code, 0);
  assert.equal(readFileSync(out, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l)).length, 3);
});

test('a deleted output is refused (64) as missing, not as a missing folder; a longer one (lines after the checkpoint) is cut back', () => {
  const { out, state, args, firstTwo } = stoppedAfterTwo('deleted');
  const full = readFileSync(out, 'utf8');
  rmSync(out);
  const r = runCli(args);
  assert.equal(r.code, 64, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.startsWith(`mailtrace: --out ${out}: the output of the interrupted scan is missing (${state} records ${Buffer.byteLength(firstTwo)} bytes of it)`), r.stderr);
  assert.doesNotMatch(r.stderr, /no such folder/);
  assert.ok(!existsSync(out), 'not created');
  writeFileSync(out, full + '{"half a line');
  assert.equal(runCli(args).code, 0);
  assert.equal(readFileSync(out, 'utf8'), full);
});

test('a complete state and a path list on stdin: the same list is complete, another one is refused (it was never scanned)', () => {
  const dir = scratchDir('resume-stdin');
  const files = corpusFiles('kernel-list').slice(0, 6);
  const out = join(dir, 'out.ndjson');
  const state = join(dir, 'state.json');
  const run = (list: string[]) => runCli(['scan', '--offline', '-q', '--out', out, '--resume', state, '-'], { input: list.join('\n') + '\n' });
  assert.equal(run(files.slice(0, 3)).code, 0);
  const first = readFileSync(out);
  assert.equal(first.toString().trim().split('\n').length, 3);
  const same = run(files.slice(0, 3));
  assert.equal(same.code, 0, same.stderr);
  assert.ok(readFileSync(out).equals(first), 'nothing written twice');
  const other = run(files.slice(3));
  assert.equal(other.code, 64, other.stderr);
  assert.match(other.stderr, /the inputs changed since the checkpoint/);
  assert.ok(readFileSync(out).equals(first));
  // Another list with the last file written at the same position: every input written counts, not the last alone
  // (files 3 and 4 were never scanned, and the rerun called the scan complete).
  const samePlace = run([files[3]!, files[4]!, files[2]!, files[5]!]);
  assert.equal(samePlace.code, 64, samePlace.stderr);
  assert.equal(samePlace.stderr, `mailtrace: ${state}: the inputs changed since the checkpoint (the first 3 inputs are not the ones it wrote); start a new scan\n`);
  assert.ok(readFileSync(out).equals(first));
  // The same list and more: the rest is scanned.
  const longer = run(files.slice(0, 5));
  assert.equal(longer.code, 0, longer.stderr);
  assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).source.path), files.slice(0, 5));
});

test('a resume state of an older mailtrace (version 1: only the last input recorded) is refused with what to do', () => {
  const { out, state, args } = stoppedAfterTwo('version-1');
  const { inputs, ...old } = JSON.parse(readFileSync(state, 'utf8'));
  writeFileSync(state, JSON.stringify({ ...old, version: 1 }));
  const before = readFileSync(out);
  const r = runCli(args);
  assert.equal(r.code, 64, r.stderr);
  assert.equal(r.stderr, `mailtrace: ${state}: a resume state of an older mailtrace, which did not record every input it read, so this scan cannot be checked against it: delete it to start the scan again\n`);
  assert.ok(readFileSync(out).equals(before), 'output untouched');
});

test('file names in the resume messages reach the terminal with their control characters escaped', () => {
  const d = scratchDir('resume-escapes');
  const evil = '\x1b]0;pwned\x07\x1b[2J'; // sets the terminal's title, clears the screen
  const shown = '\\x1b]0;pwned\\x07\\x1b[2J';
  const inbox = join(d, 'inbox');
  mkdirSync(inbox);
  for (const name of ['a', `b${evil}`, 'c']) writeFileSync(join(inbox, `${name}.eml`), `From: ${name.length}@example.com\nSubject: x\n\nbody\n`);
  const state = join(d, `state${evil}.json`);
  const out = join(d, 'out.ndjson');
  const args = ['scan', '--offline', '-q', '--resume', state, '--out', out, inbox];
  const refused = (r: { code: number | null; stderr: string }, why: RegExp) => {
    assert.match(r.stderr, why);
    assert.ok(r.stderr.includes(shown) && !/[\x1b\x07]/.test(r.stderr), r.stderr);
  };
  writeFileSync(state, 'junk');
  refused(runCli(args), /the resume state is not valid JSON/);
  rmSync(state);
  assert.equal(runCli(args).code, 0);
  refused(runCli(args), /this scan is already complete/);
  refused(runCli(['scan', '--offline', '-q', '--resume', state, '--out', join(d, 'other.ndjson'), inbox]), /belongs to a different scan/);
  // Stopped after two, then a.eml is renamed: the input at the checkpoint is no longer the one it names.
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  const firstTwo = readFileSync(out, 'utf8').split('\n').slice(0, 2).join('\n') + '\n';
  const written = inputsWritten(`${join(inbox, 'a.eml')}#@`, `${join(inbox, `b${evil}.eml`)}#@`);
  writeFileSync(state, JSON.stringify({ ...saved, complete: false, done: 2, outputBytes: Buffer.byteLength(firstTwo), ...written }));
  renameSync(join(inbox, 'a.eml'), join(inbox, 'd.eml'));
  refused(runCli(args), /the inputs changed since the checkpoint \(input 2 is not /);
  refused(runCli([...args, '--summary', join(d, `missing${evil}`, 's.json')]), /no such folder/);
});

test('a damaged resume state is refused (64) with one line naming the file and the field, the output untouched', () => {
  const { out, state, args } = stoppedAfterTwo('damaged');
  const good = JSON.parse(readFileSync(state, 'utf8'));
  const before = readFileSync(out);
  // `tally: {}` was "internal error: Cannot read properties of undefined" (70); `outputBytes: -1` was a resume that
  // truncated nothing yet counted the scan complete.
  for (const [change, field] of [
    [{ tally: {} }, 'tally.messages'],
    [{ tally: { ...good.tally, relays: { counts: [['mx', -1]] } } }, 'tally.relays'],
    [{ tally: { ...good.tally, errors: 'none' } }, 'tally.errors'],
    [{ outputBytes: -1 }, 'outputBytes'],
    [{ done: 1.5 }, 'done'],
    [{ done: '2' }, 'done'],
    [{ done: 2 ** 53 }, 'done'],
    [{ inputs: 'x' }, 'inputs'],
    [{ complete: 'no' }, 'complete'],
    [{ fingerprint: null }, 'fingerprint'],
  ] as const) {
    writeFileSync(state, JSON.stringify({ ...good, ...change }));
    const r = runCli(args);
    assert.equal(r.code, 64, `${JSON.stringify(change)}: ${r.stderr}`);
    assert.equal(r.stderr, `mailtrace: ${state}: a damaged resume state (its ${field} is not valid): delete it to start the scan again\n`);
    assert.ok(readFileSync(out).equals(before), 'output untouched');
  }
  for (const text of ['null', '[]', '"state"', '{"version":3}']) {
    writeFileSync(state, text);
    const r = runCli(args);
    assert.equal(r.code, 64, r.stderr);
    assert.equal(r.stderr, `mailtrace: ${state}: not a mailtrace scan resume state\n`);
  }
});

test('--resume through a symbolic link keeps the link and writes its file; a FIFO or a device is refused (64)', () => {
  const d = scratchDir('resume-link');
  for (const n of [1, 2]) writeFileSync(join(d, `${n}.eml`), `From: a${n}@example.com\nSubject: ${n}\n\nbody\n`);
  mkdirSync(join(d, 'states'), { recursive: true });
  const real = join(d, 'states', 'state.json');
  const link = join(d, 'state-link.json');
  symlinkSync(real, link); // dangling until the first checkpoint
  const args = (state: string) => ['scan', '--offline', '-q', '--at', '2024-01-02T00:00Z', '--resume', state, '--out', join(d, 'out.ndjson'), join(d, '1.eml'), join(d, '2.eml')];
  assert.equal(runCli(args(link)).code, 0);
  // The checkpoint was renamed over the link itself, which became a regular file, and the file it named stayed empty.
  assert.ok(lstatSync(link).isSymbolicLink(), 'still a link');
  assert.equal(JSON.parse(readFileSync(real, 'utf8')).done, 2);
  const again = runCli(args(link));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /this scan is already complete \(2 messages\)/);
  // A FIFO hung (the state is read back first); /dev/null would have been replaced, run as root.
  const fifo = join(d, 'state.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  for (const state of [fifo, '/dev/null']) {
    const r = runCli(args(state));
    assert.equal(r.code, 64, r.stderr);
    assert.equal(r.stderr, `mailtrace: --resume needs a regular file (${state} is none: the state is read back and replaced)\n`);
  }
  assert.ok(lstatSync('/dev/null').isCharacterDevice());
});
