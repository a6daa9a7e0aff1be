// The CLI bundles carry tldts's lookup tables precomputed (scripts/tldts-tables.mjs). They must be exactly the
// tables tldts derives at load, and the patched module must answer exactly as the published one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import * as tldts from 'tldts';
// @ts-expect-error: a plain .mjs build script, without type declarations
import { tablesOf, tldtsParts, withPrecomputedTables } from '../../scripts/tldts-tables.mjs';

const require = createRequire(import.meta.url);
const SOURCE = readFileSync(require.resolve('tldts'), 'utf8');
const PATCHED: string = withPrecomputedTables(SOURCE);

type Tables = Record<'edgeOffset' | 'edgeHash' | 'wildcardEdge', ArrayLike<number>>;

test('the precomputed tables equal the ones tldts builds at load, element for element', () => {
  const original = tldtsParts(SOURCE);
  const patched = tldtsParts(PATCHED);
  const expected: Tables = tablesOf(original.dataCode + original.deriveCode);
  const actual: Tables = tablesOf(original.dataCode + patched.deriveCode, { Buffer });
  for (const name of ['edgeOffset', 'edgeHash', 'wildcardEdge'] as const) {
    assert.ok(expected[name].length > 0);
    assert.deepEqual(Array.from(actual[name]), Array.from(expected[name]), name);
  }
  assert.ok(!PATCHED.includes('labelText.charCodeAt(i)'), 'the derivation loop is gone');
});

test('the patched tldts answers as the published one: wildcards, exceptions, private suffixes, IDN, odd input', () => {
  const module = { exports: {} as typeof tldts };
  new vm.Script(`(function (exports, require, module) {${PATCHED}\n})`).runInThisContext()(module.exports, require, module);
  const patched = module.exports;
  const hosts = [
    'example.com', 'mail.example.co.uk', 'a.b.c.kawasaki.jp', 'city.kawasaki.jp', 'www.ck', 'foo.www.ck', 'x.y.ck',
    'user.blogspot.com', 'blogspot.com', 'app.herokuapp.com', 's3.amazonaws.com', 'bucket.s3.us-east-1.amazonaws.com',
    'xn--pypal-4ve.com', 'пример.рф', 'mail.例子.中国', 'localhost', '127.0.0.1', '[2001:db8::1]', 'com', '.', '',
    'a..b.com', 'UPPER.Example.ORG', 'trailing.dot.net.', 'github.io', 'me.github.io', 'x.gov.uk', 'bbc.co.uk',
  ];
  for (const host of hosts) {
    assert.deepEqual(patched.parse(host), tldts.parse(host), host);
    assert.equal(patched.getDomain(host), tldts.getDomain(host), host);
  }
});
