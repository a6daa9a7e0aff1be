// runFilter in-process over real mail: every byte of every message comes back, with our fields on top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { runFilter } from '../../src/cli/filter-command.js';
import type { FilterArgs } from '../../src/cli/filter-options.js';
import { corpusFiles } from '../helpers/corpus.js';

const ARGS: FilterArgs = { offline: true, authservId: 'mx.test', exitCode: false, timeout: 10, tempfailOnError: false, maxSize: 32 * 1024 * 1024 };

async function filterInProcess(input: Buffer, args: Partial<FilterArgs> = {}, chunkSize = 65536) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunkSize) chunks.push(input.subarray(i, i + chunkSize));
  const out: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(Buffer.from(chunk));
      done();
    },
  });
  const errors: string[] = [];
  const stderr = new Writable({
    write(chunk: Buffer, _enc, done) {
      errors.push(chunk.toString());
      done();
    },
  });
  const code = await runFilter({ ...ARGS, ...args }, { stdin: Readable.from(chunks), stdout, stderr, env: {} });
  return { code, stdout: Buffer.concat(out), stderr: errors.join('') };
}

/** Offset where the message proper starts: after a leading mbox From line. */
function afterMboxFrom(raw: Buffer): number {
  return raw.subarray(0, 5).toString('latin1') === 'From ' ? raw.indexOf(10) + 1 : 0;
}

// A sample of each real-mail folder: mbox From lines (spamassassin), CRLF and 8-bit mail (phishing_pot),
// long list traffic (kernel-list).
const SAMPLES = [
  ...corpusFiles('phishing_pot').slice(0, 40),
  ...corpusFiles('spamassassin', 'spam-1').slice(0, 20),
  ...corpusFiles('spamassassin', 'easy-ham-1').slice(0, 20),
  ...corpusFiles('kernel-list').slice(0, 20),
];

test(`real mail (${SAMPLES.length} messages): the output is our fields inserted into the unchanged input`, async () => {
  for (const path of SAMPLES) {
    const raw = readFileSync(path);
    const r = await filterInProcess(raw, {}, 4096);
    assert.equal(r.code, 0, path);
    const at = afterMboxFrom(raw);
    assert.deepEqual(r.stdout.subarray(0, at), raw.subarray(0, at), `${path}: mbox From line stays first`);
    const added = r.stdout.subarray(at, r.stdout.length - (raw.length - at)).toString('utf8');
    assert.match(added, /^Authentication-Results: mx\.test; none\r?\nX-Mailtrace-Verdict: (pass|suspicious|forged)\r?\nX-Mailtrace-Score: \d+\r?\nX-Mailtrace-Findings: /, path);
    assert.ok(r.stdout.subarray(r.stdout.length - (raw.length - at)).equals(raw.subarray(at)), `${path}: the message bytes follow unchanged`);
    const crlf = raw.includes('\r\n');
    for (const line of added.split(/(?<=\n)/)) {
      assert.equal(line.endsWith('\r\n'), crlf, `${path}: added lines use the message's line ending: ${JSON.stringify(line)}`);
      assert.ok(line.replace(/\r?\n$/, '').length <= 78, `${path}: folded to 78 columns`);
    }
  }
});

test('a message larger than --max-size streams through whole, unanalysed, with a header saying so', async () => {
  const head = 'From: a@example.org\nX-Mailtrace-Verdict: pass\nSubject: big\n\n';
  const body = Buffer.alloc(3 * 1024 * 1024, 'all work and no play\n');
  const raw = Buffer.concat([Buffer.from(head), body]);
  const r = await filterInProcess(raw, { maxSize: 64 * 1024 });
  assert.equal(r.code, 0);
  const text = r.stdout.toString('latin1');
  assert.match(text, /^X-Mailtrace-Error: message larger than 65536 bytes: passed through unanalysed\n/);
  assert.doesNotMatch(text, /X-Mailtrace-Verdict/, 'a pre-set verdict is removed even when not analysed');
  assert.ok(r.stdout.subarray(r.stdout.length - body.length).equals(body), 'the body streams through unchanged');
  assert.equal(r.stdout.length, raw.length - 'X-Mailtrace-Verdict: pass\n'.length + text.indexOf('\n') + 1);
});

test('--max-size cuts the read inside a planted field: the read goes on to the end of that line, and the field is removed', async () => {
  // The first read ends at 65,536 bytes, in the middle of "pass": removing the part read left "ss" as a stray line,
  // then keeping the field whole let it through.
  const planted = 'X-Mailtrace-Verdict: pass\n';
  const filler = 'X-Filler: ' + 'f'.repeat(65_536 - 'From: a@example.org\n'.length - 'X-Filler: \n'.length - 'X-Mailtrace-Verdict: pa'.length) + '\n';
  const raw = Buffer.from(`From: a@example.org\n${filler}${planted}Subject: big\n\n${'body\n'.repeat(1000)}`);
  assert.equal(raw.indexOf('pass') + 2, 65_536, 'the cut falls inside the value');
  for (const chunkSize of [65_536, 65_538]) {
    const text = (await filterInProcess(raw, { maxSize: 100 }, chunkSize)).stdout.toString('latin1');
    const added = text.slice(0, text.indexOf('From: '));
    assert.match(added, /^X-Mailtrace-Error: message larger than 100 bytes/);
    assert.equal(text.slice(added.length), raw.toString('latin1').replace(planted, ''), 'every other byte as it came');
  }
  // A CRLF message cut right after the CR of a planted line: its LF is read too, and the line removed.
  const crlf = Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  const cr = crlf.indexOf('X-Mailtrace-Verdict: pass\r') + 'X-Mailtrace-Verdict: pass\r'.length;
  const text = (await filterInProcess(crlf, { maxSize: 100 }, cr)).stdout.toString('latin1');
  assert.equal(text.match(/^X-Mailtrace-/gm)?.length, 1, 'our X-Mailtrace-Error only');
});

test('--max-size cuts the read right after the line of a planted field: that field is removed like any other', async () => {
  const planted = 'X-Mailtrace-Verdict: pass\n';
  const filler = 'X-Filler: ' + 'f'.repeat(65_536 - 'From: a@example.org\n'.length - 'X-Filler: \n'.length - planted.length) + '\n';
  const raw = Buffer.from(`From: a@example.org\n${filler}${planted}Subject: big\n\n${'body\n'.repeat(1000)}`);
  assert.equal(raw.indexOf(planted) + planted.length, 65_536, 'the cut falls right after the planted line');
  const text = (await filterInProcess(raw, { maxSize: 100 })).stdout.toString('latin1');
  assert.equal(text.match(/^X-Mailtrace-/gm)?.length, 1, 'our X-Mailtrace-Error only');
  assert.ok(text.endsWith(raw.toString('latin1').replace(planted, '')), 'every other byte as it came');
});

test('a failure inside (a missing config file) still passes the message, and 75 only with --tempfail-on-error', async () => {
  const raw = readFileSync('fixtures/sample/message.eml');
  for (const [tempfailOnError, expected] of [[false, 0], [true, 75]] as const) {
    const r = await filterInProcess(raw, { tempfailOnError, config: '/nonexistent/mailtrace.json' });
    assert.equal(r.code, expected);
    const added = r.stdout.subarray(0, r.stdout.length - raw.length).toString();
    assert.equal(added.replace(/\r\n\t/g, ' '), 'X-Mailtrace-Error: not analysed: configuration error: /nonexistent/mailtrace.json: cannot read config (ENOENT)\r\n');
    assert.ok(r.stdout.subarray(added.length).equals(raw));
    assert.match(r.stderr, /not analysed/);
  }
});
