import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, runCli } from '../helpers/cli.js';
import { mboxEntry } from '../helpers/mbox.js';
import { scratchDir } from '../helpers/scratch.js';
import { corpusFiles } from '../helpers/corpus.js';

const SAMPLE = 'fixtures/sample/message.eml';
const tmp = scratchDir('cli');

test('the sample gives a human report with a hop table and a verdict', () => {
  const r = runCli(['--offline', SAMPLE]);
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  assert.match(r.stdout, /Hops \(oldest first\)/);
  assert.match(r.stdout, /mx1\.example\.net/);
  assert.match(r.stdout, /Verdict: (PASS|SUSPICIOUS|FORGED)/);
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not a TTY');
});

test('--json gives one document with the documented fields', () => {
  const r = runCli(['--offline', '--json', SAMPLE]);
  const report = JSON.parse(r.stdout);
  assert.equal(report.schemaVersion, 1);
  assert.ok(['pass', 'suspicious', 'forged'].includes(report.verdict));
  assert.equal(report.exitCode, r.code);
  assert.equal(report.hops.length, 3);
  assert.ok(Array.isArray(report.findings));
});

test('stdin with "-"', () => {
  const r = runCli(['--offline', '--json', '-'], { input: 'From: a@example.org\nSubject: x\n\nbody\n' });
  assert.equal(JSON.parse(r.stdout).message.subject, 'x');
});

test('bad inputs: one line each, right exit code, other files still analysed', () => {
  const empty = join(tmp, 'empty.eml');
  writeFileSync(empty, '');
  const binary = join(tmp, 'binary.eml');
  writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
  const noHeader = join(tmp, 'noheader.eml');
  writeFileSync(noHeader, 'hello\nworld\n');
  const r = runCli(['--offline', '--json', join(tmp, 'missing.eml'), tmp, empty, binary, noHeader, SAMPLE]);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 5, r.stderr);
  assert.match(lines[0]!, /missing\.eml: no such file$/);
  assert.match(lines[1]!, /is a directory/);
  assert.match(lines[2]!, /empty\.eml: empty input$/);
  assert.match(lines[3]!, /binary\.eml: binary data/);
  assert.match(lines[4]!, /noheader\.eml: no header section/);
  assert.equal(r.code, 66);
  const items = JSON.parse(r.stdout);
  assert.equal(items.length, 6);
  assert.equal(items[5].schemaVersion, 1);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('not a message alone gives 65; usage errors give 64', () => {
  const noHeader = join(tmp, 'noheader2.eml');
  writeFileSync(noHeader, 'hello\n');
  assert.equal(runCli(['--offline', noHeader]).code, 65);
  const bad = runCli(['--no-such-flag', SAMPLE]);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /Unknown argument/);
  assert.equal(runCli(['--at', 'yesterday-ish', SAMPLE]).code, 64);
  const explained = runCli(['--offline', '--json', '--explain', SAMPLE]);
  assert.equal(explained.code, 64, 'the explanations were dropped without a word');
  assert.match(explained.stderr, /^mailtrace: --explain is for the table, not --json/);
  // Date.parse took these for 2000, 2001, March 1st and a year 99999.
  for (const at of ['0', '-1', '2024-02-30', '99999-01-01']) assert.equal(runCli(['--offline', '--at', at, SAMPLE]).code, 64, at);
  const at = JSON.parse(runCli(['--offline', '--json', '--at', '2024-02-29T10:00+01:00', SAMPLE]).stdout);
  assert.equal(at.auth.evaluatedAt, '2024-02-29T09:00:00.000Z');
  // yargs writes this one over two lines; it comes out as one, followed by the usual hint.
  const choice = runCli(['scan', '--format', 'xml', SAMPLE]);
  assert.equal(choice.code, 64);
  assert.equal(choice.stderr, 'mailtrace: Invalid values: Argument: format, Given: "xml", Choices: "ndjson", "csv"\nRun "mailtrace scan --help" for usage.\n');
  for (const args of [['--skew', '-5', SAMPLE], ['scan', '--skew', '-5', SAMPLE]]) {
    const r = runCli(['--offline', ...args]);
    assert.equal(r.code, 64, args.join(' '));
    assert.equal(r.stderr, 'mailtrace: --skew: not a number of seconds ≥ 0: -5\n');
  }
});

test('--help documents the exit codes and has examples', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  for (const code of ['64', '65', '66', '70', '74']) assert.match(r.stdout, new RegExp(`\\b${code}\\b`));
  assert.match(r.stdout, /Examples:/);
});

test('control characters from a message never reach the terminal', () => {
  const evil = join(tmp, 'evil.eml');
  writeFileSync(evil, 'From: "\u001b[31mred\u001b[0m \u202Egnp.exe" <a@example.org>\nSubject: \u0007bell\u001b]0;title\u0007\n\nbody\n');
  const r = runCli(['--offline', evil], { env: { NO_COLOR: '' } });
  assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  assert.match(r.stdout, /\\x1b\[31mred/);
});

test('a site config file supplies trust, and a broken one is a usage error', () => {
  const cfg = join(tmp, 'config.json');
  writeFileSync(cfg, JSON.stringify({ trust: ['mx1.example.net'] }));
  assert.ok([0, 1, 2].includes(runCli(['--offline', '--config', cfg, SAMPLE]).code!));
  writeFileSync(cfg, '{ nope');
  const r = runCli(['--offline', '--config', cfg, SAMPLE]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /config\.json: not valid JSON/);
});

test('shell completion: the script, and completions of flags', () => {
  const script = runCli(['completion']);
  assert.equal(script.code, 0, script.stderr);
  assert.match(script.stdout, /complete .* mailtrace/);
  assert.equal(script.stderr, '');
  const words = runCli(['--get-yargs-completions', 'mailtrace', '--dns']);
  assert.match(words.stdout, /--dns-replay/);
});

test('--trust takes one value per flag, so a file name after it is still a file', () => {
  const r = runCli(['--offline', '--json', '--trust', 'mx1.example.net', '--trust', '10.0.0.0/8', SAMPLE]);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout);
  assert.equal(report.source.path, SAMPLE);
  assert.match(report.hops.find((h: { trust: string }) => h.trust === 'boundary').trustReason, /.+/);
});

test('a header of thousands of Received fields gives a bounded hop table, and the JSON keeps every hop', () => {
  // A real kernel-list message whose topmost Received field repeats 3,000 times, as in a mail loop or a padded
  // forgery: cli-table3 laid out all 3,000 rows in time quadratic in them (10,000 took 17 s).
  const real = readFileSync(corpusFiles('kernel-list')[0]!, 'latin1');
  const top = /^Received:.*(?:\r?\n[ \t].*)*\r?\n/m.exec(real)![0];
  const path = join(tmp, 'loop.eml');
  writeFileSync(path, top.repeat(3000) + real, 'latin1');
  const json = runCli(['--offline', '--json', path]);
  const report = JSON.parse(json.stdout);
  assert.ok(report.hops.length > 3000, String(report.hops.length));

  const r = runCli(['--offline', path]);
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  const rows = r.stdout.split('\n').filter((line) => /^│ \d+ +│/.test(line)).map((line) => Number(/\d+/.exec(line)![0]));
  assert.ok(rows.length <= 40, `${rows.length} hop rows`);
  assert.deepEqual(rows.slice(0, 3), [1, 2, 3], 'the oldest hops');
  assert.equal(rows.at(-1), report.hops.length, 'the newest hop');
  if (report.boundary) assert.ok(rows.includes(report.boundary.hop + 1), 'the boundary hop');
  const hidden = /… ([\d,]+) hops not shown \(--json lists every hop\)/.exec(r.stdout);
  assert.ok(hidden, 'the gap says how many hops it leaves out');
  const gaps = [...r.stdout.matchAll(/… ([\d,]+) hops not shown/g)].reduce((n, m) => n + Number(m[1]!.replace(/,/g, '')), 0);
  assert.equal(rows.length + gaps, report.hops.length, 'every hop is shown or counted');
});

test('a --trust entry that can match nothing is a usage error naming it (it used to be ignored)', () => {
  for (const entry of ['209.132.180.0/24x', '10.0.0.0/33', '300.1.2.3', 'a b']) {
    const r = runCli(['--offline', '--trust', entry, SAMPLE]);
    assert.equal(r.code, 64, `${entry}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(`--trust ${JSON.stringify(entry)}: not an IP address`), r.stderr);
  }
  const scan = runCli(['scan', '--offline', '-q', '--trust', '300.1.2.3', SAMPLE]);
  assert.equal(scan.code, 64, scan.stderr);
  assert.equal(scan.stdout, '', 'nothing scanned');
  for (const entry of ['209.132.180.0/24', '2001:db8::/32', 'mx.example.org', '*.example.org']) assert.ok((runCli(['--offline', '--trust', entry, SAMPLE]).code ?? 99) <= 2, entry);
});

test('--json to a slow reader: reports wait for it without piling up listeners (no MaxListenersExceededWarning)', async () => {
  // Reports of ~0.5 MB (300 Received fields each) fill the pipe at once; the old output added a drain/error/close
  // listener trio per report while the reader slept, and past ten Node warned of a leak on stderr.
  const padding = Array.from({ length: 300 }, (_, i) => `Received: from relay${i}.example.net (relay${i}.example.net [192.0.2.${(i % 250) + 1}]) by mx.example.org with ESMTP id r${i}; Mon, 1 Jan 2024 10:00:00 +0000\n`).join('');
  const spam = corpusFiles('spamassassin', 'spam-1').slice(0, 24);
  const path = join(tmp, 'slow-reader.mbox');
  // each message as an mbox entry, its Received fields under 300 more
  const padded = (entry: string) => entry.replace('\n', `\n${padding}`);
  writeFileSync(path, spam.map((f) => padded(mboxEntry(readFileSync(f)).toString('latin1'))).join(''), 'latin1');
  const child = spawn(process.execPath, [BIN, '--offline', '--json', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.pause();
  await sleep(1500);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.doesNotMatch(stderr, /MaxListenersExceededWarning/);
  assert.ok([0, 1, 2].includes(code!), stderr);
  assert.equal(JSON.parse(Buffer.concat(chunks).toString()).length, spam.length);
});
