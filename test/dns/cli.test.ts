// The DNS flags of the built CLI, run as a process: one-line errors and the documented exit codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { closedServer, startKnot, type Knot } from '../helpers/knot.js';
import { scratchDir } from '../helpers/scratch.js';

const SAMPLE = 'fixtures/sample/message.eml';
const tmp = scratchDir('dns-cli');
let knot: Knot;
before(async () => {
  knot = await startKnot();
});
after(async () => {
  await knot?.stop();
});

function oneLineError(r: { code: number | null; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('a bad --dns-server is a usage error (64)', () => {
  oneLineError(runCli(['--dns-server', '127.0.0.1:70000', SAMPLE]), 64, /^mailtrace: --dns-server "127.0.0.1:70000": port must be 1-65535$/);
  oneLineError(runCli(['--dns-server', '[127.0.0.1]:53', SAMPLE]), 64, /not an IPv6 address/);
});

test('a missing --dns-replay file is "no input" (66); a malformed one is a usage error (64)', () => {
  oneLineError(runCli(['--dns-replay', join(tmp, 'absent.json'), SAMPLE]), 66, /absent\.json: no such file$/);
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{"example.org": {"TXT": "v=spf1 -all"}}');
  oneLineError(runCli(['--dns-replay', bad, SAMPLE]), 64, /"example.org" TXT: expected a list of records/);
});

test('an empty --dns-replay or --dns-record name is a usage error (64): it was no option at all, a replay went live', () => {
  for (const command of [[], ['scan']]) {
    oneLineError(runCli([...command, '--dns-replay', '', SAMPLE]), 64, /^mailtrace: --dns-replay needs a file name$/);
    oneLineError(runCli([...command, '--dns-server', knot.server, '--dns-record=', SAMPLE]), 64, /^mailtrace: --dns-record needs a file name$/);
  }
});

test('a --dns-replay file is read up to 256 MiB: /dev/zero is refused (64), where it was read until memory ran out', () => {
  oneLineError(runCli(['--dns-replay', '/dev/zero', SAMPLE]), 64, /^mailtrace: \/dev\/zero: larger than 256 MiB, more than a snapshot can be$/);
});

test('a hostile --dns-replay file: its names reach stderr escaped and cut short, on one line, in every command', () => {
  const hostile = join(tmp, 'hostile.json');
  writeFileSync(hostile, JSON.stringify({ [`\u001b]0;owned\u0007\u001b[2J${'a'.repeat(100_000)}\nforged: pass`]: 5 }));
  const notJson = join(tmp, 'not-json.json');
  writeFileSync(notJson, '{"x": \u001b[2J}');
  for (const file of [hostile, notJson]) {
    for (const run of [runCli(['--dns-replay', file, SAMPLE]), runCli(['scan', '--dns-replay', file, SAMPLE]), runCli(['filter', '--dns-replay', file], { input: readFileSync(join(ROOT, SAMPLE)) })]) {
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr.slice(0, 500));
      assert.doesNotMatch(run.stderr, /[\u0000-\u0009\u000b-\u001f]/, 'no control character reaches the terminal');
      assert.ok(run.stderr.length < 400, `a short line: ${run.stderr.length} characters`);
      assert.match(lines[0]!, /^mailtrace( filter: not analysed: configuration error)?: .*(hostile|not-json)\.json: /);
    }
  }
});

test('--dns-server or --dns-timeout beside --dns-replay or --offline is a usage error (64): it was ignored, garbage too', () => {
  const replay = ['--dns-replay', join(ROOT, 'fixtures/sample/dns.json')];
  for (const [mode, flag] of [[replay, ['--dns-server', 'x!']], [replay, ['--dns-timeout', 'abc']], [['--offline'], ['--dns-timeout', '5']]]) {
    for (const command of [[], ['scan']]) {
      const r = runCli([...command, ...mode!, ...flag!, SAMPLE]);
      assert.equal(r.code, 64, `${[...command, ...mode!, ...flag!].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mailtrace: Arguments (dns-replay|offline) and dns-(server|timeout) are mutually exclusive$/m);
    }
  }
});

test('--dns-record into a folder that does not exist is refused before analysing (64)', () => {
  oneLineError(runCli(['--dns-record', join(tmp, 'nope', 'x.json'), SAMPLE]), 64, /cannot write in/);
});

test('--dns-record with --dns-server writes a snapshot that --dns-replay accepts', () => {
  const file = join(tmp, 'answers.json');
  const rec = runCli(['--json', '--dns-server', knot.server, '--dns-record', file, SAMPLE]);
  assert.ok([0, 1, 2].includes(rec.code!), rec.stderr);
  assert.ok(existsSync(file));
  assert.equal(typeof JSON.parse(readFileSync(file, 'utf8')), 'object');
  const rep = runCli(['--json', '--dns-replay', file, SAMPLE]);
  assert.ok([0, 1, 2].includes(rep.code!), rep.stderr);
  assert.equal(JSON.parse(rep.stdout).verdict, JSON.parse(rec.stdout).verdict);
});

test('a --dns-record file that cannot be written at the end (ulimit -f 0: EFBIG): the report is out, one line, 74', () => {
  const file = join(tmp, 'limited.json');
  const r = spawnSync('bash', ['-c', 'ulimit -f 0 && exec "$0" "$@"', process.execPath, BIN, '--json', '--dns-server', knot.server, '--dns-record', file, SAMPLE], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  oneLineError({ code: r.status, stderr: r.stderr }, 74, /^mailtrace: --dns-record .*limited\.json: cannot write it \(file too large\)$/);
  assert.equal(JSON.parse(r.stdout).schemaVersion, 1, 'the report itself was written');
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('limited.json')), [], 'no temporary file is left behind');
});

test('--dns-record into a FIFO writes through it and leaves it a FIFO (it was renamed over: /dev/stdout became a file)', async () => {
  const fifo = join(tmp, 'snapshot.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // The reader runs beside the CLI; `timeout` ends it should no writer ever open the FIFO.
  const reader = spawn('timeout', ['20', 'cat', fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  let read = '';
  reader.stdout.on('data', (d: Buffer) => (read += d.toString()));
  const done = new Promise((resolve) => reader.once('close', resolve));
  const r = runCli(['--json', '--dns-server', knot.server, '--dns-record', fifo, SAMPLE]);
  const stillFifo = statSync(fifo).isFIFO();
  if (!stillFifo) reader.kill();
  await done;
  assert.ok(stillFifo, 'the FIFO is still a FIFO');
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  assert.ok(Object.keys(JSON.parse(read)).length > 0, 'the reader got the snapshot');
});

test('--dns-record through a symbolic link writes the file it points to; the link stays a link', () => {
  const real = join(tmp, 'real.json');
  const link = join(tmp, 'link.json');
  writeFileSync(real, '{}\n');
  symlinkSync(real, link);
  const r = runCli(['--json', '--dns-server', knot.server, '--dns-record', link, SAMPLE]);
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.ok(Object.keys(JSON.parse(readFileSync(real, 'utf8'))).length > 0, 'the snapshot is in the file the link points to');
});

test('a DNS outage is no pass: the filter says not analysed (75 with --tempfail-on-error), the report has auth.dmarc-undetermined', async () => {
  // A spoof of sender.test (p=reject) from an address its SPF does not list, received by mx.rcpt.test.
  const spoof = [
    'Return-Path: <alice@sender.test>',
    'Received: from mail.attacker.test (mail.attacker.test [203.0.113.66])\n\tby mx.rcpt.test (Postfix) with ESMTP id 4AbCdEf\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 07:00:05 +0000',
    'From: Alice <alice@sender.test>',
    'To: bob@rcpt.test',
    'Subject: invoice',
    'Date: Mon, 23 Nov 2026 06:59:58 +0000',
    'Message-ID: <spoof@attacker.test>',
  ].join('\n') + '\n\nPay it.\n';
  const filter = (server: string) =>
    runCli(['filter', '--trust', 'mx.rcpt.test', '--authserv-id', 'mx.rcpt.test', '--dns-server', server, '--dns-timeout', '300', '--tempfail-on-error', '--exit-code'], { input: spoof });
  // With DNS: forged, exit 2.
  const judged = filter(knot.server);
  assert.equal(judged.code, 2, judged.stderr);
  assert.match(judged.stdout, /^X-Mailtrace-Verdict: forged$/m);
  // The resolver gone: DMARC is temperror. It used to come out 'X-Mailtrace-Verdict: pass', exit 0, for as long as
  // the outage lasted.
  const outage = filter(await closedServer());
  assert.equal(outage.code, 75, outage.stderr);
  assert.doesNotMatch(outage.stdout, /^X-Mailtrace-Verdict/m);
  assert.match(outage.stdout, /^X-Mailtrace-Error: not analysed: DNS failure: DMARC could not be evaluated for\r?\n?\s*sender\.test \(temperror/m);
  assert.ok(outage.stdout.endsWith(spoof), 'the message itself passes whole');
  assert.equal(outage.stderr, 'mailtrace filter: not analysed: DNS failure: DMARC could not be evaluated for sender.test (temperror)\n');
  // The analyst's report: the same spoof is not 'pass' on DMARC's silence; the finding says what could not be done.
  const analyst = runCli(['--json', '--trust', 'mx.rcpt.test', '--dns-server', await closedServer(), '--dns-timeout', '300', '-'], { input: spoof });
  const report = JSON.parse(analyst.stdout) as { findings: { id: string; severity: string }[] };
  assert.deepEqual(report.findings.filter((f) => f.id.startsWith('auth.dmarc')).map((f) => [f.id, f.severity]), [['auth.dmarc-undetermined', 'low']]);
  // Its table says the pass is no full check (it read "Verdict: PASS (score 1, exit 0)" like a checked one).
  const table = runCli(['--trust', 'mx.rcpt.test', '--dns-server', await closedServer(), '--dns-timeout', '300', '-'], { input: spoof });
  assert.match(table.stdout, /^Verdict: PASS \(score \d+, exit 0\)[^\n]*\n {2}not a full check: DMARC could not be evaluated \(a DNS failure\)/m);
  const checked = runCli(['--trust', 'mx.rcpt.test', '--dns-server', knot.server, '-'], { input: spoof });
  assert.doesNotMatch(checked.stdout, /not a full check/);
});

test('with the resolver gone, a difference from the receiver\'s recorded pass is put down to DNS, for SPF as for DKIM', async () => {
  // The sample's receiver recorded spf, dkim and dmarc pass. SPF's temperror was explained as "the SPF record changed
  // since receipt, or the receiver saw a different client", sending the analyst after a change that never happened.
  const r = runCli(['--json', '--dns-server', await closedServer(), '--dns-timeout', '300', SAMPLE]);
  const report = JSON.parse(r.stdout) as { auth: { comparison: { method: string; ours: string; agree: boolean; reason?: string }[] } };
  const byMethod = new Map(report.auth.comparison.map((c) => [c.method, c]));
  for (const method of ['spf', 'dkim']) {
    const c = byMethod.get(method)!;
    assert.deepEqual([c.ours, c.agree, c.reason], ['temperror', false, 'a DNS failure now'], method);
  }
  assert.match(byMethod.get('dmarc')!.reason!, /^follows from the spf and dkim difference$/);
});
