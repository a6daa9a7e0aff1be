// `mailtrace scan` as a process: one line per input, error records, CSV, summary, path lists, ARF, order.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { scratchDir } from '../helpers/scratch.js';
import { mboxOf } from '../helpers/mbox.js';

const good = (n: number, subject = `message ${n}`) =>
  `Received: from relay${n}.example.net (relay${n}.example.net [192.0.2.${n}])\n\tby mx.example.org (Postfix) with ESMTP id A${n}; Mon, 1 Jan 2024 10:00:0${n} +0000\nFrom: sender${n}@example.com\nTo: rcpt@example.org\nSubject: ${subject}\nMessage-ID: <m${n}@example.com>\n\nbody ${n}\n`;

function fixtureDir(): string {
  const dir = scratchDir('scan');
  writeFileSync(join(dir, '1.eml'), good(1));
  writeFileSync(join(dir, '2-binary.eml'), Buffer.from([0, 1, 2, 3, 0, 255, 0]));
  writeFileSync(
    join(dir, '3-archive.mbox'),
    `From a@b Mon Jan  1 10:00:00 2024\n${good(2)}\nFrom a@b Mon Jan  1 10:00:00 2024\nthis line is not a header\n\nFrom a@b Mon Jan  1 10:00:00 2024\n${good(3)}\n`,
  );
  writeFileSync(join(dir, '4-formula.eml'), good(4, '=HYPERLINK("http://evil.example","click")'));
  writeFileSync(join(dir, '5-empty.eml'), '');
  return dir;
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);

test('NDJSON: exactly one line per input message, in input order, bad inputs as error records; exit 0', () => {
  const dir = fixtureDir();
  const r = runCli(['scan', '--offline', '-q', '--jobs', '2', dir, join(dir, 'missing.eml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'quiet: nothing on stderr');
  const recs = lines(r.stdout);
  const shape = recs.map((x) => [x.source.path.slice(dir.length + 1), x.source.index ?? null, x.error?.code ?? x.verdict]);
  assert.deepEqual(shape, [
    ['1.eml', null, 'pass'],
    ['2-binary.eml', null, 'not-a-message'],
    ['3-archive.mbox', 0, 'pass'],
    ['3-archive.mbox', 1, 'not-a-message'],
    ['3-archive.mbox', 2, 'pass'],
    ['4-formula.eml', null, 'pass'],
    ['5-empty.eml', null, 'not-a-message'],
    ['missing.eml', null, 'no-input'],
  ]);
  const mbox = readFileSync(join(dir, '3-archive.mbox'), 'latin1');
  for (const x of recs.filter((x) => x.source.kind === 'mbox')) assert.equal(mbox.slice(x.source.offset, x.source.offset + 5), 'From ');
  assert.equal(recs[0]!.schemaVersion, 1);
  assert.equal(recs[2]!.message.subject, 'message 2');
});

test('an mbox file with blank lines before its first separator: no error record for them, offsets still in the file', () => {
  const dir = scratchDir('scan-preamble');
  const path = join(dir, 'archive.mbox');
  const text = `\n  \n\nFrom a@b Mon Jan  1 10:00:00 2024\n${good(1)}\nFrom a@b Mon Jan  1 10:00:01 2024\n${good(2)}\n`;
  writeFileSync(path, text);
  const r = runCli(['scan', '--offline', '-q', path]);
  assert.equal(r.code, 0, r.stderr);
  const recs = lines(r.stdout);
  assert.deepEqual(recs.map((x) => [x.source.index, x.source.offset, x.error?.code ?? x.verdict]), [
    [0, text.indexOf('From a@b'), 'pass'],
    [1, text.lastIndexOf('From a@b'), 'pass'],
  ]);
});

test('several batches of real mail: 1 and 3 workers write the same bytes, in input order', () => {
  // 300 messages: more than the window (64, or 32 per worker), so batches go out, come back out of order and wrap.
  const dir = corpusPath('phishing_pot');
  const scan = (jobs: string) => {
    const r = runCli(['scan', '--offline', '-q', '-j', jobs, ...corpusFiles('phishing_pot').slice(0, 300)]);
    assert.equal(r.code, 0, r.stderr);
    // evaluatedAt is the clock when a message has no date of its own: the one field that may differ between runs
    return r.stdout;
  };
  const stable = (out: string) => out.replace(/"evaluatedAt":"[^"]*"/g, '');
  const one = scan('1');
  const three = scan('3');
  assert.equal(lines(one).length, 300);
  assert.ok(lines(one).every((x, i) => x.source.path === corpusFiles('phishing_pot')[i]), `in argument order (${dir})`);
  assert.equal(stable(three), stable(one));
});

test('files named one by one, flags between them: one line each, in argument order (the argv rewrite keeps it)', () => {
  const dir = fixtureDir();
  for (let n = 5; n <= 9; n++) writeFileSync(join(dir, `m${n}.eml`), good(n));
  const f = (name: string) => join(dir, name);
  const argv = ['scan', f('m9.eml'), f('m5.eml'), '--offline', f('m8.eml'), f('1.eml'), f('m6.eml'), '-q', f('m7.eml'), '-j', '2', f('4-formula.eml'), f('m5.eml')];
  const r = runCli(argv);
  assert.equal(r.code, 0, r.stderr);
  // m5.eml named twice is read once (same file), as a directory scan would
  assert.deepEqual(lines(r.stdout).map((x) => x.source.path.slice(dir.length + 1)), ['m9.eml', 'm5.eml', 'm8.eml', '1.eml', 'm6.eml', 'm7.eml', '4-formula.eml']);
});

test('the same lines with 1 and with 3 workers (stable order)', () => {
  const dir = fixtureDir();
  const key = (out: string) => lines(out).map((x) => `${x.source.path}#${x.source.index ?? ''} ${x.error?.code ?? x.message.subject}`);
  const one = runCli(['scan', '--offline', '-q', '-j', '1', dir]);
  const three = runCli(['scan', '--offline', '-q', '-j', '3', dir]);
  assert.deepEqual(key(three.stdout), key(one.stdout));
});

test('CSV: header, one row per input, formula cells defused', () => {
  const dir = fixtureDir();
  const r = runCli(['scan', '--offline', '-q', '--format', 'csv', dir]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\r\n').filter((l) => l !== '');
  assert.equal(rows.length, 1 + 7);
  assert.match(rows[0]!, /^source,mbox_index,mbox_offset,/);
  const formula = rows.find((l) => l.includes('4-formula.eml'))!;
  assert.ok(formula.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), formula);
  assert.match(rows.find((l) => l.includes('2-binary'))!, /,not-a-message,"binary data, not a mail message",,$/);
  assert.match(rows[0]!, /,error_code,error_message,wrapper_verdict,forwarded_by$/);
});

test('--out and --summary: counts add up; the table goes to stderr', () => {
  const dir = fixtureDir();
  const out = join(dir, 'out.ndjson');
  const summary = join(dir, 'summary.json');
  const r = runCli(['scan', '--offline', '--out', out, '--summary', summary, dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /messages/);
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  assert.equal(lines(readFileSync(out, 'utf8')).length, 7);
  assert.equal(s.messages, 7);
  assert.deepEqual(s.errors, { 'not-a-message': 3 });
  assert.equal(s.reports, 4);
  assert.equal(Object.values(s.verdicts as Record<string, number>).reduce((a, b) => a + b, 0), 4);
  assert.deepEqual(s.timeSpan, { first: '2024-01-01T10:00:01.000Z', last: '2024-01-01T10:00:04.000Z' });
  assert.equal(s.top.boundaryIps.length, 4);
  assert.equal(s.complete, true);
});

test("the scan's own output, summary, resume state and their temporary files are left out of a scanned directory; a file of the same name elsewhere is not", () => {
  const dir = fixtureDir();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'out.ndjson'), good(6)); // same name as the output, another file: scanned
  writeFileSync(join(dir, 'summary.json.tmp-12345'), '{}'); // a temporary file an interrupted run left
  const out = join(dir, 'out.ndjson');
  const r = runCli(['scan', '--offline', '-q', '--out', out, '--summary', join(dir, 'summary.json'), '--resume', join(dir, 'state.json'), dir]);
  assert.equal(r.code, 0, r.stderr);
  const paths = lines(readFileSync(out, 'utf8')).map((x) => x.source.path.slice(dir.length + 1));
  assert.equal(paths.length, 8);
  assert.ok(paths.includes('sub/out.ndjson'), paths.join(' '));
  for (const own of ['out.ndjson', 'summary.json', 'state.json', 'summary.json.tmp-12345']) assert.ok(!paths.includes(own), own);
  // Named by a path that only resolves to it, an earlier output is still the output: rewritten, not read.
  const again = runCli(['scan', '--offline', '-q', '--out', out, join(dir, 'sub', '..', 'out.ndjson'), join(dir, '1.eml')]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(lines(readFileSync(out, 'utf8')).map((x) => x.source.path.slice(dir.length + 1)), ['1.eml']);
});

/** Runs a scan that must be refused before it writes anything: exit 64, one line naming the option and the file. */
function assertRefused(args: string[], flag: string, target: string, why: RegExp, options: { cwd?: string; input?: string } = {}): void {
  const r = runCli(['scan', '--offline', '-q', ...args], options);
  assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.startsWith(`mailtrace: ${flag} ${target}: `) && why.test(r.stderr), r.stderr);
}

test('--out or --summary naming an input is refused before anything is written (exit 64), however the input is named', () => {
  const dir = fixtureDir();
  const victim = join(dir, '1.eml');
  const before = readFileSync(victim);
  linkSync(victim, join(dir, 'hard-link.eml'));
  for (const flag of ['--out', '--summary']) {
    // relative against absolute, a hard link, a quoted glob the scan expands itself
    for (const [target, input] of [['1.eml', victim], ['hard-link.eml', victim], ['1.eml', '1.*']] as const) {
      assertRefused([flag, target, input], flag, target, /is an input of this scan/, { cwd: dir });
      assert.ok(readFileSync(victim).equals(before), `${flag} ${target} ${input}: the input is untouched`);
    }
  }
  assertRefused(['--resume', '1.eml', '--out', join(dir, 'o.ndjson'), victim], '--resume', '1.eml', /is an input of this scan/, { cwd: dir });
  // The results of an earlier run, named by the shell's *, are rewritten and not read, as before.
  const first = runCli(['scan', '--offline', '-q', '--out', 'results.ndjson', victim], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const again = runCli(['scan', '--offline', '-q', '--out', 'results.ndjson', victim, 'results.ndjson'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(lines(readFileSync(join(dir, 'results.ndjson'), 'utf8')).length, 1, 'the old results are not scanned');
});

test('a file inside an input folder: mail is refused as --out or --summary; an empty file or an earlier output is rewritten', () => {
  const dir = fixtureDir();
  const mail = join(dir, '4-formula.eml');
  const before = readFileSync(mail);
  for (const flag of ['--out', '--summary']) {
    assertRefused([flag, mail, dir], flag, mail, new RegExp(`is a file in the input folder ${dir} and not a mailtrace output`));
    assert.ok(readFileSync(mail).equals(before));
  }
  // Rerunning a scan over the folder that holds its results (NDJSON, CSV, summary) keeps working.
  const out = join(dir, 'results.ndjson');
  const csv = join(dir, 'results.csv');
  const summary = join(dir, 'summary.json');
  for (const args of [['--out', out, '--summary', summary], ['--format', 'csv', '--out', csv]]) {
    for (const run of ['first', 'second']) {
      const r = runCli(['scan', '--offline', '-q', ...args, dir]);
      assert.equal(r.code, 0, `${run} run, ${args.join(' ')}: ${r.stderr}`);
    }
  }
  assert.equal(lines(readFileSync(out, 'utf8')).length, 7);
  writeFileSync(join(dir, 'new.ndjson'), '');
  assert.equal(runCli(['scan', '--offline', '-q', '--out', join(dir, 'new.ndjson'), dir]).code, 0);
});

test('a path list on stdin: an existing file that is not a mailtrace output is refused as --out or --summary (it may be listed)', () => {
  const dir = fixtureDir();
  const mbox = join(dir, '3-archive.mbox');
  const before = readFileSync(mbox);
  const list = `${mbox}\n${join(dir, '1.eml')}\n`;
  for (const flag of ['--out', '--summary']) {
    // `find . -name '*.mbox' | mailtrace scan --out victim.mbox -` emptied the mbox, then scanned it as empty (exit 0).
    assertRefused([flag, mbox, '-'], flag, mbox, /is not a mailtrace output, and the paths on stdin \("-"\) cannot be checked ahead/, { input: list });
    assertRefused([flag, mbox, '-0', '-'], flag, mbox, /cannot be checked ahead/, { input: list.replace(/\n/g, '\0') });
    assert.ok(readFileSync(mbox).equals(before), `${flag}: the listed mbox is untouched`);
  }
  // A new file, an empty one, or the results of an earlier run are written as before.
  const out = join(dir, 'results.ndjson');
  for (const run of ['first', 'second']) {
    const r = runCli(['scan', '--offline', '-q', '--out', out, '--summary', join(dir, 'summary.json'), '-'], { input: list });
    assert.equal(r.code, 0, `${run} run: ${r.stderr}`);
    assert.equal(lines(readFileSync(out, 'utf8')).length, 4);
  }
});

test('--out with another hard link, an input folder, not a mailtrace output: refused (the link could be in the folder)', () => {
  const dir = fixtureDir();
  const victim = join(scratchDir('scan-hardlink'), 'victim.mbox');
  writeFileSync(victim, readFileSync(join(dir, '3-archive.mbox')));
  linkSync(victim, join(dir, 'hard.mbox'));
  const before = readFileSync(victim);
  assertRefused(['--out', victim, dir], '--out', victim, new RegExp(`has other hard links and is not a mailtrace output; one could be in the input folder ${dir}`));
  assert.ok(readFileSync(victim).equals(before), 'the mbox and its link in the folder are untouched');
  // Named files are compared one by one: a hard link among them is found, one elsewhere is no reason to refuse.
  assert.equal(runCli(['scan', '--offline', '-q', '--out', victim, join(dir, '1.eml')]).code, 0);
});

test('two of --out, --summary, --resume naming one file are refused (exit 64): by path, or by identity', () => {
  const dir = fixtureDir();
  const input = join(dir, '1.eml');
  const x = join(dir, 'x.ndjson');
  assertRefused(['--out', x, '--summary', x, input], '--summary', x, /is also the --out file/);
  assertRefused(['--out', x, '--resume', x, input], '--resume', x, /is also the --out file/);
  assertRefused(['--out', join(dir, 'o.ndjson'), '--summary', x, '--resume', x, input], '--resume', x, /is also the --summary file/);
  assert.ok(!existsSync(x), 'nothing written');
  writeFileSync(x, '');
  linkSync(x, join(dir, 'y.ndjson'));
  assertRefused(['--out', x, '--summary', 'y.ndjson', input], '--summary', 'y.ndjson', /is also the --out file/, { cwd: dir });
});

test('a NUL-separated path list on stdin (find -print0 | mailtrace scan -0 -)', () => {
  const dir = fixtureDir();
  const odd = join(dir, 'with\nnewline.eml');
  writeFileSync(odd, good(7));
  const r = runCli(['scan', '--offline', '-q', '-0', '-'], { input: `${join(dir, '1.eml')}\0${odd}\0` });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).map((x) => x.message.subject), ['message 1', 'message 7']);
});

test('mail on stdin instead of a path list: an mbox stream is cut into its messages, one message is one line', () => {
  const files = corpusFiles('phishing_pot').filter((f) => f.endsWith('.eml')).slice(0, 5);
  const dir = scratchDir('scan-stdin-mail');
  const mbox = join(dir, 'five.mbox');
  writeFileSync(mbox, mboxOf(files));
  const fromFile = lines(runCli(['scan', '--offline', '-q', '--at', '2026-01-01T00:00:00Z', mbox]).stdout);
  const r = runCli(['scan', '--offline', '-q', '--at', '2026-01-01T00:00:00Z', '-'], { input: readFileSync(mbox) });
  assert.equal(r.code, 0, r.stderr);
  const fromStdin = lines(r.stdout);
  assert.equal(fromStdin.length, files.length);
  fromStdin.forEach((rec, i) => {
    assert.deepEqual(rec.source, { kind: 'mbox', offset: fromFile[i]!.source.offset, index: i });
    const { source: _a, ...rest } = rec;
    const { source: _b, ...same } = fromFile[i]!;
    assert.deepEqual(rest, same, `message ${i}: the same report as from the file`);
  });

  const csv = runCli(['scan', '--offline', '-q', '--format', 'csv', '-'], { input: readFileSync(mbox) }).stdout.split('\n');
  assert.ok(csv[1]!.startsWith(`(stdin),0,0,`), csv[1]);

  const one = runCli(['scan', '--offline', '-q', '-'], { input: readFileSync(files[0]!) });
  assert.deepEqual(lines(one.stdout).map((x) => [x.source, x.message.messageId]), [[{ kind: 'stdin' }, fromFile[0]!.message.messageId]]);
  const bom = runCli(['scan', '--offline', '-q', '-'], { input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(files[0]!)]) });
  assert.deepEqual(lines(bom.stdout).map((x) => x.message.messageId), [fromFile[0]!.message.messageId], 'with a byte-order mark too');
});

test('a path list whose first path looks like a header field is still a path list when that file exists', () => {
  const dir = scratchDir('scan-colon');
  const odd = join(dir, 'Subject: hello');
  writeFileSync(odd, good(8));
  writeFileSync(join(dir, 'X-Two: b'), good(9));
  const r = runCli(['scan', '--offline', '-q', '-'], { input: `${odd}\n${join(dir, 'X-Two: b')}\n`, cwd: dir });
  assert.deepEqual(lines(r.stdout).map((x) => x.message.subject), ['message 8', 'message 9']);
  const relative = runCli(['scan', '--offline', '-q', '-'], { input: 'Subject: hello\nX-Two: b\n', cwd: dir });
  assert.deepEqual(lines(relative.stdout).map((x) => x.message.subject), ['message 8', 'message 9']);
});

test('an output, summary or resume file that cannot be written is refused before the scan (exit 64), the output untouched', () => {
  const dir = fixtureDir();
  const out = join(dir, 'out.ndjson');
  writeFileSync(out, 'earlier results\n');
  for (const [flag, path, why] of [
    ['--out', join(dir, 'missing', 'x.ndjson'), /no such folder/],
    ['--out', dir, /is a directory/],
    ['--summary', join(dir, 'missing', 's.json'), /no such folder/],
    ['--resume', join(dir, 'no', 'state.json'), /no such folder/],
  ] as const) {
    const args = ['scan', '--offline', '-q', flag, path, ...(flag === '--out' ? [] : ['--out', out]), join(dir, '1.eml')];
    const r = runCli(args);
    assert.equal(r.code, 64, `${flag} ${path}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(r.stderr.startsWith(`mailtrace: ${flag} ${path}: `) && why.test(r.stderr), r.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'earlier results\n');
  }
});

test('ARF reports in a scan: the original is analysed, the report metadata and the container source are attached', () => {
  const dir = scratchDir('scan-arf');
  mkdirSync(join(dir, 'new'));
  mkdirSync(join(dir, 'cur'));
  copyFileSync(join(corpusPath('suites', 'arf'), 'rfc5965_example', 'postal-mime-arf.eml'), join(dir, 'new', '1.host'));
  const r = runCli(['scan', '--offline', '-q', dir]);
  const [rec] = lines(r.stdout);
  assert.equal(rec!.container.feedbackType, 'abuse');
  assert.equal(rec!.container.sourceIp, '192.0.2.1');
  assert.deepEqual(rec!.source, { kind: 'embedded', parent: { kind: 'maildir', path: join(dir, 'new', '1.host') } });
  assert.equal(rec!.boundary?.ip ?? rec!.hops[0].from.ip, '192.0.2.1');
});

test('usage errors: no input, --resume without --out, a --timeout no timer can hold', () => {
  assert.equal(runCli(['scan']).code, 64);
  const r = runCli(['scan', '--offline', '--resume', join(tmpdir(), 'x.json'), '.']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--resume needs --out/);
  // Past 2^31-1 ms Node fires a timer after 1 ms: --timeout 3000000 made every message with DNS work a timeout record.
  const message = fixtureDir();
  for (const timeout of ['3000000', '3600.5', 'Infinity', '0', '-1']) {
    const bad = runCli(['scan', '-q', '--dns-server', '127.0.0.1:9', '--timeout', timeout, join(message, '1.eml')]);
    assert.equal(bad.code, 64, `--timeout ${timeout}: ${bad.stderr}`);
    assert.equal(bad.stderr, `mailtrace: --timeout must be a positive number of seconds, at most 3600 (got ${Number(timeout)})\n`);
  }
  const longest = runCli(['scan', '--offline', '-q', '--timeout', '3600', join(message, '1.eml')]);
  assert.equal(longest.code, 0, longest.stderr);
  assert.equal(longest.stderr, '');
});

test('workers start before the arguments are parsed, and are adopted; a usage error or a smaller --jobs leaves none behind', () => {
  const dir = fixtureDir();
  const debug = { env: { ...process.env, MAILTRACE_DEBUG: '1' } };
  const cores = availableParallelism();
  const run = (jobs: number) => {
    const r = runCli(['scan', '--offline', '-q', '--jobs', String(jobs), dir], debug);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stdout).length, 7);
    return r.stderr;
  };
  // As many as --jobs asks for, at most one per core, are started by the fast path; the pool starts the rest.
  assert.match(run(2), new RegExp(`scan: ${Math.min(2, cores)} of 2 workers were started before the arguments were parsed`));
  assert.match(run(cores + 1), new RegExp(`scan: ${cores} of ${cores + 1} workers were started before`));
  // The default starts one per core; "-j 1" starts one (and the process still exits: runCli would time out).
  const one = runCli(['scan', '--offline', '-q', '-j1', dir], debug);
  assert.match(one.stderr, /scan: 1 of 1 workers were started before/);
  // Started for nothing: a usage error still exits at once, with its message.
  const bad = runCli(['scan', '--offline', '--format', 'xml', dir], debug);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /format/);
});

test('the reader of stdout goes away (| head): the scan stops early and exits 0', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../helpers/cli.js');
  const summary = join(scratchDir('epipe'), 'summary.json');
  const child = spawn(process.execPath, [BIN, 'scan', '--offline', '-q', '-j', '1', '--summary', summary, corpusPath('phishing_pot')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    lines += chunk.toString().split('\n').length - 1;
    if (lines >= 3) child.stdout.destroy();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  assert.ok(lines >= 3);
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  assert.equal(s.complete, false);
  assert.ok(s.messages < 2500, `stopped after ${s.messages} of 2500`);
});

test('the reader goes away from a scan without --resume: the summary says interrupted, with no --resume file to resume from', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../helpers/cli.js');
  const child = spawn(process.execPath, [BIN, 'scan', '--offline', '-j', '1', corpusPath('phishing_pot')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  assert.equal(await new Promise<number | null>((resolve) => child.on('close', resolve)), 0);
  assert.match(stderr, /status +│? *interrupted \(--resume FILE lets a rerun continue where a scan stops\)/);
  assert.doesNotMatch(stderr, /same --resume/);
});

test('the input side throws (a bug): the lines read before it and the summary are written, then the internal error (exit 70)', () => {
  const dir = fixtureDir(); // seven messages
  const out = join(dir, 'out.ndjson');
  const summary = join(dir, 'summary.json');
  const env = { MAILTRACE_SCAN_FAULT: 'input-throws-after:4' };
  const r = runCli(['scan', '--offline', '-q', '-j', '2', '--out', out, '--summary', summary, dir], { env });
  assert.equal(r.code, 70, r.stderr);
  assert.equal(r.stderr, 'mailtrace: internal error: injected fault (MAILTRACE_SCAN_FAULT=input-throws-after:4)\n');
  assert.deepEqual(lines(readFileSync(out, 'utf8')).map((x) => x.source.path.slice(dir.length + 1)), ['1.eml', '2-binary.eml', '3-archive.mbox', '3-archive.mbox']);
  const { messages, complete } = JSON.parse(readFileSync(summary, 'utf8'));
  assert.deepEqual({ messages, complete }, { messages: 4, complete: false });
  // To stdout too: the lines batched for it were dropped with the rest.
  const piped = runCli(['scan', '--offline', '-q', dir], { env });
  assert.equal(piped.code, 70, piped.stderr);
  assert.equal(lines(piped.stdout).length, 4);
});

/** Starts a scan, sends it `signal` 1.5 s later, and gives how it ended, or 'still running' 5 s after the signal. */
async function stopScanWithBlockedInput(args: string[], signal: NodeJS.Signals, stdin?: string) {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../helpers/cli.js');
  const child = spawn(process.execPath, [BIN, 'scan', '--offline', '-q', '-j', '1', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  if (stdin !== undefined) child.stdin.write(stdin); // and never closed: the writer of the path list is still at work
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve) => setTimeout(resolve, 1500)); // workers started, the listed input scanned, the next read blocked
  child.kill(signal);
  const result = await Promise.race([ended, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5000))]);
  child.kill('SIGKILL');
  return result;
}

test('a stop signal ends a scan whose next input never comes (a FIFO no one writes to, an open path list): flushed, then the exit', async () => {
  const dir = fixtureDir();
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const out = join(dir, 'out.ndjson');
  const summary = join(dir, 'summary.json');
  const flushed = () => {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    assert.equal(s.complete, false);
    assert.equal(s.messages, lines(readFileSync(out, 'utf8')).length, 'the summary counts the lines written');
  };
  // The FIFO's open() holds one of libuv's threads, which process.exit() would wait for: the signal's own default
  // action ends the process (a shell sees 130 either way).
  const fromFifo = await stopScanWithBlockedInput(['--out', out, '--summary', summary, join(dir, '1.eml'), fifo], 'SIGINT');
  assert.ok(fromFifo !== 'still running' && (fromFifo.code === 130 || fromFifo.signal === 'SIGINT'), JSON.stringify(fromFifo));
  flushed();
  // stdin is a pipe: the exit code itself.
  const fromList = await stopScanWithBlockedInput(['--out', out, '--summary', summary, '-'], 'SIGTERM', `${join(dir, '1.eml')}\n${join(dir, '4-formula.eml')}\n`);
  assert.deepEqual(fromList, { code: 143, signal: null });
  flushed();
});

test('one DNS cache for the whole scan: six copies on two workers ask six times as often as one, but no new question', () => {
  const lab = join(ROOT, 'fixtures', 'lab', 'legit-relay');
  const dir = scratchDir('scan-dns');
  const scanDns = (copies: number) => {
    const sub = mkdtempSync(join(dir, 'c-'));
    for (let i = 0; i < copies; i++) copyFileSync(join(lab, 'message.eml'), join(sub, `${i}.eml`));
    const summary = join(dir, `summary-${copies}.json`);
    const r = runCli(['scan', '-q', '-j', '2', '--dns-replay', join(lab, 'dns.json'), '--summary', summary, sub]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stdout).length, copies);
    return JSON.parse(readFileSync(summary, 'utf8')).dns as { asked: number; session: { lookups: number; unique: number } };
  };
  const one = scanDns(1);
  const six = scanDns(6);
  assert.ok(one.asked > 0, 'the analysis asks DNS through the main thread');
  assert.equal(six.asked, 6 * one.asked);
  assert.equal(six.session.lookups, six.asked, 'every worker question reached the one session');
  assert.equal(six.session.unique, one.session.unique, 'no question was asked of the network twice');
});

test('a file name that is not UTF-8: an error record that says so, not a bare "no such file"', () => {
  const dir = scratchDir('scan-latin1');
  // "bad\xff.eml": Node.js lists it as "bad\uFFFD.eml", a name no file has.
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'bad')), Buffer.from([0xff]), Buffer.from('.eml')]), good(1));
  writeFileSync(join(dir, 'ok.eml'), good(2));
  const r = runCli(['scan', '--offline', '-q', dir]);
  const [bad, ok] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(bad.error.code, 'read-error');
  assert.match(bad.error.message, /not valid UTF-8/);
  assert.equal(ok.source.path, join(dir, 'ok.eml'));
  const named = runCli(['--offline', `${join(dir, 'bad')}\uFFFD.eml`]);
  assert.equal(named.code, 66);
  assert.match(named.stderr, /not valid UTF-8/);
});

test('--out to a pipe, a FIFO or "-" streams the records (it failed with ESPIPE); --resume still needs a regular file', () => {
  const dir = fixtureDir();
  const expected = runCli(['scan', '--offline', '-q', dir]);
  const script = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/mailtrace.cjs'))} scan --offline -q`;
  const viaStdout = spawnSync('sh', ['-c', `${script} --out /dev/stdout ${JSON.stringify(dir)} | cat`], { encoding: 'utf8' });
  assert.equal(viaStdout.status, 0, viaStdout.stderr);
  assert.equal(viaStdout.stdout, expected.stdout);
  const fifo = join(scratchDir('fifo'), 'records');
  const viaFifo = spawnSync('sh', ['-c', `mkfifo ${fifo} && { cat ${fifo} > ${fifo}.txt & ${script} --out ${fifo} ${JSON.stringify(dir)}; s=$?; wait; exit $s; }`], { encoding: 'utf8' });
  assert.equal(viaFifo.status, 0, viaFifo.stderr);
  assert.equal(readFileSync(`${fifo}.txt`, 'utf8'), expected.stdout);
  const dash = runCli(['scan', '--offline', '-q', '--out', '-', dir], { cwd: dir });
  assert.equal(dash.stdout, expected.stdout);
  assert.ok(!existsSync(join(dir, '-')), 'no file named "-"');
  const resumed = runCli(['scan', '--offline', '-q', '--out', fifo, '--resume', join(dir, 'state.json'), dir]);
  assert.equal(resumed.code, 64);
  assert.match(resumed.stderr, /--resume needs --out to be a regular file/);
});
