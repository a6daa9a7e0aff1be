// The progress line as a user sees it: the scan runs on a real pseudo-terminal (util-linux `script`, installed by
// scripts/ensure-deps.sh --with-pty), and everything it writes there is checked, control sequences included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { corpusFiles } from '../helpers/corpus.js';
import { scratchDir } from '../helpers/scratch.js';

const tmp = scratchDir('progress-tty');
const files = corpusFiles('spamassassin').slice(0, 40);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What a terminal receives from `mailtrace args...` run on it (stdout and stderr both go to the pty). */
function onTerminal(args: string[]): { code: number | null; screen: string } {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
  });
  assert.equal(r.error, undefined, 'util-linux script runs (scripts/ensure-deps.sh --with-pty installs it)');
  return { code: r.status, screen: r.stdout };
}

test('on a terminal with --out: progress with share and ETA, cleared before the summary table', () => {
  const out = join(tmp, 'tty.ndjson');
  const { code, screen } = onTerminal(['scan', '--offline', '--out', out, ...files]);
  assert.equal(code, 0, screen);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, files.length);
  const progress = /\r(\d+) messages +\d+ msg\/s +[\d.]+ MB +\[[#.]{24}\] +\d+%( +ETA \S+)?\x1b\[K/.exec(screen);
  assert.ok(progress, `a progress line: ${JSON.stringify(screen.slice(0, 200))}`);
  const table = screen.indexOf('┌');
  assert.ok(table > 0, 'the summary table follows');
  // The last thing before the table is the clearing of the progress line: the table starts on a clean line.
  assert.equal(screen.slice(table - 4, table), '\r\x1b[K');
});

test('records to the terminal (no --out): no progress line among them', () => {
  const { code, screen } = onTerminal(['scan', '--offline', ...files.slice(0, 3)]);
  assert.equal(code, 0, screen);
  assert.doesNotMatch(screen, /msg\/s\s+[\d.]+ MB\s+\[/);
  assert.equal(screen.split('\n').filter((l) => l.startsWith('{"schemaVersion"')).length, 3);
});

test('stderr to a pipe: no progress line, the summary table only', () => {
  const r = runCli(['scan', '--offline', '--out', join(tmp, 'pipe.ndjson'), ...files]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /\r|\x1b/);
  assert.match(r.stderr, /┌/);
});

test('a resumed scan on a terminal: the share starts where the earlier run stopped, not at 0%', () => {
  const out = join(tmp, 'resumed.ndjson');
  const state = join(tmp, 'resumed.state.json');
  const args = ['scan', '--offline', '-j', '1', '--out', out, '--resume', state, ...files];
  // A deterministic stop after 20 messages (the input side's test hook), checkpointed like any stop.
  const first = runCli(args, { env: { MAILTRACE_SCAN_FAULT: 'input-throws-after:20' } });
  assert.equal(first.code, 70, first.stderr);
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).done, 20);
  const sum = (list: string[]) => list.reduce((n, f) => n + statSync(f).size, 0);
  const doneBefore = Math.floor((100 * sum(files.slice(0, 20))) / sum(files));
  const { code, screen } = onTerminal(args);
  assert.equal(code, 0, screen);
  const line = /\r(\d+) messages +\d+ msg\/s +[\d.]+ MB +\[[#.]{24}\] +(\d+)%/.exec(screen);
  assert.ok(line, `a progress line: ${JSON.stringify(screen.slice(0, 200))}`);
  assert.ok(Number(line[1]) > 20, `the messages count those done before: ${line[0]}`);
  assert.ok(Number(line[2]) >= doneBefore, `at least the ${doneBefore}% done before: ${line[0]}`);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, files.length);
});
