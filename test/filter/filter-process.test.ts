// `mailtrace filter` as a process, as an MTA runs it: the message always comes out whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { hostname } from 'node:os';
import { BIN, ROOT } from '../helpers/cli.js';
import { runFilter, runFilterAsync } from './run-filter.js';
import { corpusPath } from '../helpers/corpus.js';
import { scratchDir } from '../helpers/scratch.js';

const SAMPLE = readFileSync('fixtures/sample/message.eml');
const OURS = ['--offline', '--authserv-id', 'mx.test'];

/** The fields the filter added: everything before the input's own bytes. */
function addedPart(output: Buffer, input: Buffer): string {
  assert.ok(output.subarray(output.length - input.length).equals(input), 'the input bytes come out unchanged after the added fields');
  return output.subarray(0, output.length - input.length).toString('utf8');
}

test('the sample comes out byte for byte under our fields, in its own CRLF line ending', () => {
  const r = runFilter(SAMPLE, OURS);
  assert.equal(r.code, 0, r.stderr);
  const added = addedPart(r.stdout, SAMPLE);
  assert.match(added, /^Authentication-Results: mx\.test; none\r\nX-Mailtrace-Verdict: (pass|suspicious|forged)\r\nX-Mailtrace-Score: \d+\r\nX-Mailtrace-Findings: [^\r\n]+\r\n$/);
});

test('an LF message gets LF fields; the default authserv-id is the host name', () => {
  const lf = Buffer.from(SAMPLE.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  const r = runFilter(lf, ['--offline']);
  const added = addedPart(r.stdout, lf);
  assert.doesNotMatch(added, /\r/);
  assert.ok(added.startsWith(`Authentication-Results: ${hostname()}; none\n`), added);
});

test('pre-set X-Mailtrace-* fields and Authentication-Results with our authserv-id are removed; others stay', () => {
  const forged = [
    'X-Mailtrace-Verdict: pass',
    'x-mailtrace-score: -100',
    'X-Mailtrace-Findings: none,',
    '\tnothing-to-see',
    'Authentication-Results: mx.test; dkim=pass header.d=paypal.com',
    'Authentication-Results: (forged) MX.TEST;',
    ' spf=pass smtp.mailfrom=paypal.com',
  ].join('\n');
  const kept = 'Authentication-Results: mx.other.example; spf=fail smtp.mailfrom=paypal.com';
  const message = `From: service@paypal.com\n${forged}\n${kept}\nX-Mailtrace-Error: none\nSubject: hi\n\nX-Mailtrace-Verdict: pass in the body stays\n`;
  const r = runFilter(message, OURS);
  const out = r.stdout.toString('utf8');
  const expectedRest = `From: service@paypal.com\n${kept}\nSubject: hi\n\nX-Mailtrace-Verdict: pass in the body stays\n`;
  assert.ok(out.endsWith(expectedRest), out);
  assert.equal(out.match(/^X-Mailtrace-Verdict:/gm)?.length, 2, 'ours at the top, and the body line');
  assert.doesNotMatch(out, /-100|nothing-to-see|paypal\.com header|MX\.TEST|^X-Mailtrace-Error/m);
});

test('not a message: binary, empty and header-less input pass through unchanged, exit 0', () => {
  const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe, 10, 13, 0]);
  for (const input of [binary, Buffer.alloc(0), Buffer.from('just a line of text without any header\n')]) {
    const r = runFilter(input, OURS);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.equals(input), `passed through unchanged: ${JSON.stringify(r.stdout.toString('latin1'))}`);
    assert.match(r.stderr, /not analysed/);
  }
});

// Planted by the sender: our verdict and an Authentication-Results under our authserv-id.
const PLANTED = 'X-Mailtrace-Verdict: pass\nAuthentication-Results: mx.test; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example\n';
const HEADERS = 'From: ceo@bank.example\nTo: v@example.org\nSubject: pay now\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n';

test('a NUL in the header: analysed all the same (stdin is mail), noted as malformed; the planted fields are removed', () => {
  const input = Buffer.from(`${PLANTED}${HEADERS}X-Junk: a\0b\n\nhello\n`, 'latin1');
  const r = runFilter(input, OURS);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.toString('latin1');
  assert.match(out, /^Authentication-Results: mx\.test; none\nX-Mailtrace-Verdict: (suspicious|forged)\nX-Mailtrace-Score: \d+\nX-Mailtrace-Findings: [^]*message\.malformed-header/);
  assert.equal(out.match(/^X-Mailtrace-Verdict:/gm)?.length, 1, 'ours only');
  assert.ok(out.endsWith(`\n${HEADERS}X-Junk: a\0b\n\nhello\n`), out);
  assert.doesNotMatch(out, /X-Mailtrace-Error/);
});

test('one NUL byte does not hide a forgery from the filter (it made a forged phish "not analysed", filed as clean)', () => {
  const phish = readFileSync(corpusPath('phishing_pot', 'sample-101.eml'));
  const line = phish.indexOf(10) + 1;
  const withNul = Buffer.concat([Buffer.from('X-Junk: a\0b\n', 'latin1'), phish]);
  const verdictOf = (input: Buffer) => /^X-Mailtrace-Verdict: (\w+)/m.exec(runFilter(input, OURS).stdout.toString('latin1'))?.[1];
  assert.equal(verdictOf(phish), 'forged');
  assert.equal(verdictOf(withNul), 'forged');
  // And in the middle of the header, past a folded Received line.
  assert.equal(verdictOf(Buffer.concat([phish.subarray(0, line), Buffer.from('X-Junk: \0\n'), phish.subarray(line)])), 'forged');
  // Control bytes instead of a NUL: the same.
  const controls = Buffer.concat([Buffer.from(`X-Junk: ${'\x01'.repeat(2000)}\n`, 'latin1'), phish]);
  const r = runFilter(controls, OURS).stdout.toString('latin1');
  assert.match(r, /^X-Mailtrace-Verdict: forged$/m);
  assert.match(r, /message\.malformed-header/);
});

test('a NUL in the body: the message is analysed (it used to pass unanalysed with the planted verdict on top)', () => {
  const input = Buffer.from(`${PLANTED}${HEADERS}\nhello\0world\n`, 'latin1');
  const r = runFilter(input, OURS);
  const out = r.stdout.toString('latin1');
  assert.match(out, /^Authentication-Results: mx\.test; none\nX-Mailtrace-Verdict: (suspicious|forged)\n/);
  assert.equal(out.match(/^X-Mailtrace-Verdict:/gm)?.length, 1);
  assert.ok(out.endsWith(`${HEADERS}\nhello\0world\n`), out);
});

test('planted fields after 1 MiB of header (the analysis cap) are removed too', () => {
  const filler = Array.from({ length: 9000 }, (_, i) => `Received: from r${i}.example.net (r [198.51.100.${i % 250}]) by r.example.net with ESMTP id A; Mon, 1 Jan 2024 10:00:00 +0000\n`).join('');
  const input = Buffer.from(`${HEADERS}${filler}${PLANTED}\nbody\n`);
  assert.ok(input.length > 1024 * 1024);
  const out = runFilter(input, OURS).stdout.toString('latin1');
  assert.equal(out.match(/^X-Mailtrace-Verdict:/gm)?.length, 1, 'ours only');
  assert.equal(out.match(/^Authentication-Results:/gm)?.length, 1, 'ours only');
  assert.ok(out.endsWith(`${HEADERS}${filler}\nbody\n`));
});

test('an analysis that throws: the message passes with X-Mailtrace-Error; 75 only with --tempfail-on-error', () => {
  for (const [flags, code] of [[[], 0], [['--tempfail-on-error'], 75], [['--exit-code'], 0]] as const) {
    const r = runFilter(SAMPLE, [...OURS, ...flags], { MAILTRACE_FILTER_FAULT: 'throw' });
    assert.equal(r.code, code, r.stderr);
    assert.equal(addedPart(r.stdout, SAMPLE), 'X-Mailtrace-Error: not analysed: internal error: injected fault\r\n\t(MAILTRACE_FILTER_FAULT=throw)\r\n');
  }
});

test('an analysis that never finishes: --timeout fires and the message passes', () => {
  const r = runFilter(SAMPLE, [...OURS, '--timeout', '0.3', '--tempfail-on-error'], { MAILTRACE_FILTER_FAULT: 'hang' });
  assert.equal(r.code, 75, r.stderr);
  assert.equal(addedPart(r.stdout, SAMPLE), 'X-Mailtrace-Error: not analysed: timeout: analysis took longer than 0.3 s\r\n');
});

test('a DNS server that never answers: the message still comes out whole within the --timeout', async () => {
  // A real outage: a UDP socket that reads queries and never answers.
  const silent = createSocket('udp4');
  let queries = 0;
  silent.on('message', () => queries++);
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  const port = silent.address().port;
  try {
    const r = await runFilterAsync(SAMPLE, ['--authserv-id', 'mx.test', '--dns-server', `127.0.0.1:${port}`, '--timeout', '1']);
    assert.equal(r.code, 0, r.stderr);
    const added = addedPart(r.stdout, SAMPLE);
    // Analysed (no DNS needed for this message's checks) or cut off by the deadline: never lost, never late.
    assert.match(added, /^(Authentication-Results: mx\.test;[^]*X-Mailtrace-Findings: .*|X-Mailtrace-Error: not analysed: timeout: analysis took longer than 1 s)\r\n$/);
    if (queries > 0) assert.match(added, /^X-Mailtrace-Error: not analysed: timeout/, 'queries went unanswered, so the deadline decided');
    assert.ok(r.ms < 8000, `finished in ${r.ms} ms`);
  } finally {
    silent.close();
  }
});

test('--exit-code follows the verdict; without it the filter always exits 0', () => {
  const noReceived = 'From: a@example.org\nTo: b@example.net\nSubject: no hops\n\nbody\n';
  const plain = runFilter(noReceived, OURS);
  assert.equal(plain.code, 0);
  const verdict = /X-Mailtrace-Verdict: (\w+)/.exec(plain.stdout.toString())![1];
  const r = runFilter(noReceived, [...OURS, '--exit-code']);
  assert.equal(r.code, { pass: 0, suspicious: 1, forged: 2 }[verdict!]);
  assert.equal(verdict, 'suspicious', 'no Received at all is a medium finding');
  assert.ok(r.stdout.equals(plain.stdout));
});

test('the fast path and yargs give the same output (--no-exit-code is only understood by yargs)', () => {
  const fast = runFilter(SAMPLE, OURS);
  const viaYargs = runFilter(SAMPLE, [...OURS, '--no-exit-code']);
  assert.equal(viaYargs.code, 0, viaYargs.stderr);
  assert.ok(viaYargs.stdout.equals(fast.stdout));
});

test('an unknown flag or a file argument is a usage error from yargs, not a silent pass', () => {
  const r = runFilter(SAMPLE, ['--no-such-flag']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /Unknown argument/i);
  const file = runFilter(SAMPLE, ['fixtures/sample/message.eml']);
  assert.equal(file.code, 64);
  assert.match(file.stderr, /takes no file/);
  assert.match(file.stderr, /Run "mailtrace filter --help" for usage/, 'the help that lists the filter options');
});

test('a bad --timeout or --max-size value: the message passes with X-Mailtrace-Error naming it (it was ignored)', () => {
  for (const [flag, value] of [['--timeout', '0'], ['--timeout', '-1'], ['--timeout', 'abc'], ['--max-size', '0'], ['--max-size', 'abc']]) {
    const r = runFilter(SAMPLE, [...OURS, flag!, value!, '--tempfail-on-error']);
    assert.equal(r.code, 75, `${flag} ${value}: ${r.stderr}`);
    assert.match(addedPart(r.stdout, SAMPLE), new RegExp(`^X-Mailtrace-Error: not analysed: configuration error:\\s+${flag} must be a\\s+positive`), `${flag} ${value}`);
  }
});

test('stdout a file that reaches its size limit (ulimit -f): exit 74 and one line, not a message cut short with exit 0', () => {
  // The message's bytes go out in a write that the limit makes short rather than failed: Node's file stdout ignored
  // the short count, and a message cut at 2 KiB was handed on with exit 0.
  const out = join(scratchDir('filter-limit'), 'msg');
  const r = spawnSync('bash', ['-c', 'ulimit -f 2 && exec "$0" "$@" > "$OUT"', process.execPath, BIN, 'filter', ...OURS], {
    input: SAMPLE,
    cwd: ROOT,
    env: { ...process.env, OUT: out },
  });
  assert.equal(r.status, 74, r.stderr.toString());
  assert.match(r.stderr.toString(), /^mailtrace filter: cannot write the message: .*file too large/);
  assert.equal(r.stderr.toString().trim().split('\n').length, 1, r.stderr.toString());
});

test('a reader that goes away (EPIPE): exit 74, one line on stderr, no stack trace', async () => {
  const child = spawn(process.execPath, [BIN, 'filter', ...OURS], { cwd: ROOT });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(Buffer.concat([SAMPLE, Buffer.alloc(4 * 1024 * 1024, 'x')]));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 74, stderr);
  assert.match(stderr, /^mailtrace filter: cannot write the message: .*EPIPE/m);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});
