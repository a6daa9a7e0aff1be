import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analyze.js';
import {
  applyRewrite,
  authenticationResults,
  authservIdOf,
  eolFor,
  errorHeader,
  filterHeaders,
  foldField,
  isValidAuthservId,
  planRewrite,
} from '../../src/render/filter-headers.js';
import type { MethodResult, Report } from '../../src/types.js';

const SAMPLE = readFileSync('fixtures/sample/message.eml');

async function reportWith(results: MethodResult[], inputs: Report['auth']['inputs'] = {}): Promise<Report> {
  const report = await analyze(SAMPLE, { offline: true });
  return { ...report, auth: { ...report.auth, mode: 'computed', results, inputs } };
}

test('Authentication-Results: none when we evaluated nothing ourselves (RFC 8601 2.2)', async () => {
  assert.equal(authenticationResults(await reportWith([]), 'mx.test', '\n'), 'Authentication-Results: mx.test; none\n');
  // A result read from the receiver's own Authentication-Results is theirs, not ours to restate.
  const recorded = await reportWith([{ method: 'dkim', result: 'pass', domain: 'example.org', comment: 'recorded by mx1.example.net', details: { source: 'recorded' } }]);
  assert.equal(authenticationResults(recorded, 'mx.test', '\n'), 'Authentication-Results: mx.test; none\n');
  // "unknown" (not evaluated) is not an RFC 8601 result: left out, not written.
  const unknown = await reportWith([{ method: 'spf', result: 'unknown' }]);
  assert.equal(authenticationResults(unknown, 'mx.test', '\n'), 'Authentication-Results: mx.test; none\n');
});

test('Authentication-Results: one resinfo a line with the RFC 8601 2.7 properties', async () => {
  const report = await reportWith(
    [
      { method: 'spf', result: 'pass', domain: 'example.org' },
      { method: 'spf', result: 'none', domain: 'mx1.example.net', details: { identity: 'helo', helo: 'mx1.example.net' } },
      { method: 'dkim', result: 'fail', domain: 'example.org', comment: 'body hash did not verify', details: { selector: 'sel1' } },
      { method: 'dmarc', result: 'fail', domain: 'example.org' },
      { method: 'arc', result: 'none' },
    ],
    { mailFrom: 'billing@example.org', ip: '198.51.100.25' },
  );
  assert.equal(
    authenticationResults(report, 'mx.test', '\r\n'),
    'Authentication-Results: mx.test;\r\n' +
      '\tspf=pass smtp.mailfrom=billing@example.org;\r\n' +
      '\tspf=none smtp.helo=mx1.example.net;\r\n' +
      // A resinfo longer than a line (78 columns, the tab as 8) is folded between its parts.
      '\tdkim=fail (body hash did not verify) header.d=example.org\r\n' +
      '\theader.s=sel1;\r\n' +
      '\tdmarc=fail header.from=example.org;\r\n' +
      '\tarc=none smtp.remote-ip=198.51.100.25\r\n',
  );
});

test('Authentication-Results is printable ASCII in lines of at most 78 columns, whatever the message held', async () => {
  const long = 'a"\\'.repeat(100);
  const report = await reportWith(
    [
      { method: 'dkim', result: 'fail', domain: 'bücher.example', comment: `${long} \u202e`, details: { selector: `s\u202eel${long}` } },
      { method: 'spf', result: 'fail', domain: 'bücher.example', details: { mailFrom: 'jürgen\u202e@bücher.example' } },
      { method: 'dmarc', result: 'fail', domain: 'b\u202eank.example' },
    ],
    {},
  );
  const ar = authenticationResults(report, 'mx.test', '\n');
  assert.match(ar, /^[\x20-\x7e\t\n]+$/, 'printable ASCII only');
  for (const line of ar.split('\n').slice(0, -1)) assert.ok(line.replace(/^\t/, '        ').length <= 78 || !line.slice(1).includes(' '), `folded: ${line}`);
  assert.match(ar, /header\.d=xn--bcher-kva\.example/, 'an IDN in its ASCII form');
  assert.match(ar, /smtp\.mailfrom="?j\?rgen\?@xn--bcher-kva\.example/);
  assert.match(ar, /header\.from="?b\?ank\.example/, 'a bidi override is no domain: replaced');
});

test('header injection: no CR, LF or control character from the message reaches a field we write', async () => {
  const evil = 'evil.example\r\nX-Mailtrace-Verdict: pass\r\n';
  const report = await reportWith(
    [
      { method: 'dkim', result: 'fail', domain: evil, comment: 'a)\r\nX-Injected: (1', details: { selector: 's\u0000\u001b[31m' } },
      { method: 'dmarc', result: 'fail', domain: 'a"b\\c' },
    ],
    { mailFrom: `x@${evil}` },
  );
  const fields = filterHeaders(report, 'mx.test', '\n') + errorHeader(`parser said: ${evil}\u0007`, '\n');
  for (const line of fields.split('\n').slice(0, -1)) {
    assert.match(line, /^(\t|[A-Za-z-]+: )/, `every line is a field start or a continuation: ${JSON.stringify(line)}`);
    assert.doesNotMatch(line, /^X-Injected/);
    assert.doesNotMatch(line, /[\u0000-\u0008\u000a-\u001f\u007f]/);
  }
  assert.equal(fields.match(/^X-Mailtrace-Verdict:/gm)?.length, 1, 'only our own verdict field');
  assert.match(fields, /header\.d="evil\.example X-Mailtrace-Verdict: pass"/);
  assert.match(fields, /\(a\\\) X-Injected: \\\(1\)/);
  assert.match(fields, /header\.from="a\\"b\\\\c"/);
});

test('X-Mailtrace-Findings folds at 78 columns and keeps every id', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `finding-number-${i}`);
  const field = foldField('X-Mailtrace-Findings', ids, '\n', ',');
  for (const line of field.split('\n').slice(0, -1)) assert.ok(line.length <= 78, line);
  assert.deepEqual(field.replace(/^X-Mailtrace-Findings:|\n\t?/g, '').split(',').map((s) => s.trim()), ids);
});

test('authserv-id: the first token after comments; only tokens are accepted from --authserv-id', () => {
  assert.equal(authservIdOf('mx.test; spf=pass'), 'mx.test');
  assert.equal(authservIdOf(' (comment) mx.test 1; none'), 'mx.test');
  assert.equal(authservIdOf('"mx.test"; none'), 'mx.test');
  // A quoted-string is read as RFC 5322 reads it: quoted-pairs undone (it was kept as "mx\\.test", not ours).
  assert.equal(authservIdOf('"mx\\.test"; dmarc=pass'), 'mx.test');
  assert.equal(authservIdOf('"mx.test x"; none'), 'mx.test x');
  assert.equal(authservIdOf('mx.test;'), 'mx.test');
  // Comments nest and quote (RFC 5322 3.2.2): skipping to the first ')' read 'b)' here, and the forgery stayed.
  assert.equal(authservIdOf('((a) b) mx.test; dmarc=pass'), 'mx.test');
  assert.equal(authservIdOf('(a \\) b) (c)\r\n\tmx.test; none'), 'mx.test');
  assert.equal(authservIdOf('(never closed mx.test; none'), '');
  assert.ok(isValidAuthservId('mx1.example.org'));
  for (const bad of ['', 'mx test', 'mx;test', 'mx\r\nX-Evil: 1', 'a(b)']) assert.ok(!isValidAuthservId(bad), bad);
});

test('line endings: follow the message, the first line decides a mixed one', () => {
  const b = (s: string) => Buffer.from(s);
  assert.equal(eolFor('crlf', b('')), '\r\n');
  assert.equal(eolFor('lf', b('')), '\n');
  assert.equal(eolFor('cr', b('')), '\r');
  assert.equal(eolFor('mixed', b('A: 1\r\nB: 2\n')), '\r\n');
  assert.equal(eolFor('mixed', b('A: 1\nB: 2\r\n')), '\n');
  assert.equal(eolFor('none', b('A: 1')), '\n');
  // A bare CR first only when no LF follows anywhere: else LF readers would read our fields as one line.
  assert.equal(eolFor('mixed', b('A: 1\rB: 2\r')), '\r');
  assert.equal(eolFor('mixed', b('A: 1\rB: 2\nC: 3\n')), '\n');
  assert.equal(eolFor('mixed', b('A: 1\rB: 2\r\nC: 3\r\n')), '\r\n');
  // A header the split reads as CR-only, over LF lines: not a bare CR either.
  assert.equal(eolFor('cr', b('X: a\r\r\r\nY: b\n')), '\r\n');
  assert.equal(eolFor('cr', b('X: a\r\rY: b\nZ: c\n')), '\n');
});

test('the rewrite removes whole folded fields and leaves every other byte', () => {
  const raw = Buffer.from('From x@y Mon Jan  1 00:00:00 2024\r\nA: 1\r\nX-MAILTRACE-SCORE: 0\r\n\t1\r\n 2\r\nB: 2\r\n\r\nX-Mailtrace-Score: body\r\n');
  const plan = planRewrite(raw, 'mx.test', 1 << 20);
  assert.equal(plan.eol, '\r\n');
  const out = Buffer.concat(applyRewrite(raw, plan, 'N: ours\r\n')).toString();
  assert.equal(out, 'From x@y Mon Jan  1 00:00:00 2024\r\nN: ours\r\nA: 1\r\nB: 2\r\n\r\nX-Mailtrace-Score: body\r\n');
});

test('the rewrite finds forged fields in the whole header: past the analysis cap and past lines that are not fields', () => {
  const planted = 'X-Mailtrace-Verdict: pass\nAuthentication-Results: ((x) y)\n mx.test; dmarc=pass\n';
  const filler = 'Received: from r.example.net by r.example.net; Mon, 1 Jan 2024 10:00:00 +0000\n'.repeat(20);
  const raw = Buffer.from(`From: a@example.org\n${filler}not a header line\n${planted}Subject: s\n\nX-Mailtrace-Verdict: body\n`);
  // A cap of 100 bytes, as the 1 MiB cap for a larger header: the analysis' split sees only the first fields.
  const out = Buffer.concat(applyRewrite(raw, planRewrite(raw, 'mx.test', 100), 'N: ours\n')).toString();
  assert.equal(out, `N: ours\nFrom: a@example.org\n${filler}not a header line\nSubject: s\n\nX-Mailtrace-Verdict: body\n`);
});

test('the rewrite: the header ends where a LF reader ends it, and a field after a bare CR keeps the LF of its line', () => {
  const plan = (text: string) => Buffer.concat(applyRewrite(Buffer.from(text), planRewrite(Buffer.from(text), 'mx.test', 1 << 20), '')).toString();
  // "\r\r\n" is no empty line to a LF reader: the field after it is still a header field there.
  assert.equal(plan('A: 1\r\r\nX-Mailtrace-Verdict: pass\nB: 2\n\nbody\n'), 'A: 1\r\r\nB: 2\n\nbody\n');
  // A field that starts after a bare CR: removed, the LF stays, so "A: 1\r" does not run into "B: 2".
  assert.equal(plan('A: 1\rX-Mailtrace-Score: 0\nB: 2\n\n'), 'A: 1\r\nB: 2\n\n');
  assert.equal(plan('A: 1\rX-Mailtrace-Score: 0\rB: 2\n\n'), 'A: 1\rB: 2\n\n');
  // CR-only mail: the empty line is "\r\r", and removing a field leaves no empty line behind.
  assert.equal(plan('A: 1\rX-Mailtrace-Score: 0\rB: 2\r\rX-Mailtrace-Score: body\r'), 'A: 1\rB: 2\r\rX-Mailtrace-Score: body\r');
  // A name folded away from its colon is the name to a lenient reader that unfolds first.
  assert.equal(plan('A: 1\nX-Mailtrace-Score\n : 0\nB: 2\n\n'), 'A: 1\nB: 2\n\n');
  assert.equal(plan('A: 1\nSubject: x\n X-Mailtrace-Score: 0\n\n'), 'A: 1\nSubject: x\n X-Mailtrace-Score: 0\n\n');
  // A "\r\n" line after LF-terminated ones holds a CR to procmail, which reads on: fields planted after it go.
  assert.equal(plan('A: 1\nB: 2\n\r\nX-Mailtrace-Verdict: pass\nAuthentication-Results: mx.test; dmarc=pass\n\nbody\n'), 'A: 1\nB: 2\n\r\n\nbody\n');
  // In a CRLF header the "\r\n" line is the end, and the body is left alone.
  assert.equal(plan('A: 1\r\nB: 2\r\n\r\nX-Mailtrace-Verdict: pass\r\n'), 'A: 1\r\nB: 2\r\n\r\nX-Mailtrace-Verdict: pass\r\n');
  // CRs on the first line make no empty line for LF readers, who read the planted fields after them as fields.
  assert.equal(plan('X: a\r\r\r\nX-Mailtrace-Verdict: pass\nX-Mailtrace-Score: 0\nB: 2\n\nbody\n'), 'X: a\r\r\r\nB: 2\n\nbody\n');
  // A field after a CR-only empty line starts no line for LF readers, and is body to CR readers: nobody reads it as a
  // field, so it stays (CR-only mail with an LF at its end kept its body whole).
  assert.equal(plan('X: a\r\rX-Mailtrace-Score: 0\nB: 2\n\n'), 'X: a\r\rX-Mailtrace-Score: 0\nB: 2\n\n');
  // A "\r\n" empty line after CRLF lines in a message with LF lines: LF readers read on past it.
  assert.equal(plan('Received: x\nX: a\r\nY: b\r\n\r\nX-Mailtrace-Verdict: pass\n\nbody\n'), 'Received: x\nX: a\r\nY: b\r\n\r\n\nbody\n');
  assert.equal(plan('\r\nX-Mailtrace-Verdict: pass\n\nbody\n'), '\r\n\nbody\n');
  // A message of CRLF lines only ends at its CRLF empty line: its body is left alone.
  assert.equal(plan('X: a\r\n\r\nX-Mailtrace-Verdict: quoted in the body\r\n'), 'X: a\r\n\r\nX-Mailtrace-Verdict: quoted in the body\r\n');
});
