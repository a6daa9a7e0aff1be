// RFC 8601 Authentication-Results parsing: a table of real and RFC example headers, asserting only what matters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthResults, MAX_AR_VALUE } from '../../src/auth/recorded-parse.js';

const brief = (value: string, arc = false) => {
  const p = parseAuthResults(value, arc);
  return { id: p.authservId, version: p.version, none: p.noResult, i: p.instance, results: p.results.map((r) => `${r.method}=${r.result}`) };
};

test('RFC 8601 appendix B examples and real receivers', () => {
  const table: [string, ReturnType<typeof brief>][] = [
    // B.2: nothing done
    ['example.org 1; none', { id: 'example.org', version: '1', none: true, i: undefined, results: [] }],
    // B.3: SPF with a comment inside the authserv-id part
    ['example.com; spf=pass smtp.mailfrom=example.net', { id: 'example.com', version: undefined, none: false, i: undefined, results: ['spf=pass'] }],
    // B.4: several results, comments everywhere, method version
    [
      'example.com;\n  auth=pass (cram-md5) smtp.auth=sender@example.net;\n  spf=pass smtp.mailfrom=example.net',
      { id: 'example.com', version: undefined, none: false, i: undefined, results: ['auth=pass', 'spf=pass'] },
    ],
    // B.5: a version after the authserv-id, a comment before a semicolon
    [
      'example.com 1;\n  sender-id=pass header.from=example.com (local)',
      { id: 'example.com', version: '1', none: false, i: undefined, results: ['sender-id=pass'] },
    ],
    // B.6: dkim with a method version and two results of one method
    [
      'mail-router.example.net;\n  dkim/1=pass (good signature) header.d=newyork.example.com header.b=oINEO8hg;\n  dkim=fail (bad signature) header.d=newyork.example.com header.b=EToRSuvU',
      { id: 'mail-router.example.net', version: undefined, none: false, i: undefined, results: ['dkim=pass', 'dkim=fail'] },
    ],
    // Gmail
    [
      'mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=Ab/c+d=;\r\n       spf=pass (google.com: domain of a@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.com;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com',
      { id: 'mx.google.com', version: undefined, none: false, i: undefined, results: ['dkim=pass', 'spf=pass', 'dmarc=pass'] },
    ],
    // Exchange Online: no authserv-id at all, no space after ';'
    [
      'spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=example.com; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=example.com;compauth=fail reason=001',
      { id: '', version: undefined, none: false, i: undefined, results: ['spf=pass', 'dkim=none', 'dmarc=fail', 'compauth=fail'] },
    ],
    // ARC-Authentication-Results: the instance first
    [
      'i=2; mx.microsoft.com 1; spf=pass smtp.mailfrom=list.example; dkim=pass header.d=list.example',
      { id: 'mx.microsoft.com', version: '1', none: false, i: 2, results: ['spf=pass', 'dkim=pass'] },
    ],
    // An instance tag that is no number is still the instance tag, not a result for a method "i"
    [
      'i=abc; mx.example.net; spf=pass smtp.mailfrom=example.com',
      { id: 'mx.example.net', version: undefined, none: false, i: undefined, results: ['spf=pass'] },
    ],
    // CFWS around '=' (RFC 8601 allows it) and a quoted reason
    [
      'mx.example.net; dmarc = fail reason="From: domain mismatch; policy=reject" header.from=example.com',
      { id: 'mx.example.net', version: undefined, none: false, i: undefined, results: ['dmarc=fail'] },
    ],
  ];
  for (const [value, expected] of table) {
    assert.deepEqual(brief(value, value.startsWith('i=')), expected, value);
  }
});

test('reason=, properties and the first comment are kept; property keys are lower case', () => {
  const p = parseAuthResults('mx.example.net; dkim=pass (2048-bit key) reason="signature ok; really" Header.D=example.com header.i="@example.com" smtp.mailfrom=<>');
  const r = p.results[0]!;
  assert.equal(r.reason, 'signature ok; really');
  assert.equal(r.comment, '2048-bit key');
  assert.equal(r.properties['header.d'], 'example.com');
  assert.equal(r.properties['header.i'], '@example.com');
  assert.equal(r.properties['smtp.mailfrom'], '<>');
  assert.equal(Object.getPrototypeOf(r.properties), null, 'keyed by header text: a null-prototype object');
});

test('nested comments and a quoted semicolon do not split results', () => {
  const p = parseAuthResults('mx.example.net; spf=pass (a (nested; comment) here) smtp.mailfrom=a.example; dkim=pass header.d="x;y.example"');
  assert.deepEqual(
    p.results.map((r) => [r.method, r.result]),
    [
      ['spf', 'pass'],
      ['dkim', 'pass'],
    ],
  );
  assert.equal(p.results[1]!.properties['header.d'], 'x;y.example');
});

test('hostile input stays bounded and linear: unclosed comments and quotes, huge values', () => {
  assert.deepEqual(parseAuthResults('mx.example.net; spf=pass (never closed; dkim=pass').results.map((r) => r.method), ['spf']);
  assert.deepEqual(parseAuthResults('mx.example.net; spf="unterminated; dkim=pass').results.length, 1);
  const many = 'mx.example.net' + '; dkim=pass header.d=a.example'.repeat(10_000);
  const started = process.hrtime.bigint();
  const p = parseAuthResults(many);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(p.results.length <= 64);
  assert.ok(ms < 1000, `took ${ms} ms`);
  const parens = 'mx.example.net; spf=pass ' + '('.repeat(MAX_AR_VALUE * 2);
  assert.equal(parseAuthResults(parens).results.length, 1);
});
