// Encoded words where a From address is read (espoofer A15): found in one pass over the field. The regex tests of
// the text before and after each word that this replaced are kept here as the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, firstField } from '../../src/message/parse.js';
import { decodeWords } from '../../src/message/encoded-words.js';
import { fromAmbiguities } from '../../src/identity/from-syntax.js';
import { analyze } from '../../src/analyze.js';

const ENCODED_WORD = /=\?[^?\s]{1,64}\?[bBqQ]\?[^?\s]{0,2000}\?=/g;

/** The earlier implementation: right, but quadratic in the number of words and brackets. */
function oracle(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(ENCODED_WORD)) {
    const decoded = decodeWords(m[0]);
    const before = value.slice(0, m.index);
    const after = value.slice(m.index + m[0].length);
    const inAddrSpec = /^@/.test(after) || /<[^>]*$/.test(before);
    if (/[<>]/.test(decoded) || inAddrSpec || (/@/.test(decoded) && !/^\s*(=\?[^?\s]{1,64}\?[bBqQ]\?[^?\s]{0,2000}\?=\s*)*</.test(after))) {
      out.push(decoded);
    }
  }
  return out.slice(0, 8);
}

const encodedFound = (from: string) => {
  const message = parseMessage(Buffer.from(`From: ${from}\r\nSubject: x\r\n\r\n`, 'utf8'));
  const issues = fromAmbiguities(message).filter((i) => i.code === 'encoded-address');
  return { value: firstField(message, 'from')!.value, found: issues.map((i) => /decodes to "(.*)" stands/s.exec(i.detail)![1]!) };
};

const PIECES = ['<', '>', '@', ' ', '  ', '\t', ',', 'a', 'x.example', '=?utf-8?q?a?=', '=?utf-8?b?PGE+?=', '=?utf-8?q?x=40y.example?=', '=?utf-8?Q?B?=', '"q"'];

test('encoded words in address places: the one-pass check agrees with the regex tests over 20,000 random From values', () => {
  let seed = 20261207;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let flagged = 0;
  for (let k = 0; k < 20_000; k++) {
    let from = '';
    for (let p = 1 + random(12); p > 0; p--) from += PIECES[random(PIECES.length)];
    const { value, found } = encodedFound(from);
    const expected = oracle(value);
    assert.deepEqual(found, expected, JSON.stringify(from));
    if (expected.length) flagged++;
  }
  assert.ok(flagged > 2_000, `the random values reach the flagged cases (${flagged})`);
});

test('a From of 4,000 "<" and 2,000 encoded words inside the brackets is reported by its first eight words', { timeout: 60_000 }, async () => {
  const from = '<'.repeat(4_000) + ' =?utf-8?q?a?='.repeat(2_000) + '>';
  const report = await analyze(Buffer.from(`From: ${from}\r\nSubject: x\r\n\r\nbody\r\n`), { offline: true });
  const encoded = report.findings.filter((f) => f.id === 'identity.ambiguous-from' && f.data?.['code'] === 'encoded-address');
  assert.equal(encoded.length, 8);
  assert.equal(oracle(encodedFound(from).value).length, 8, 'the oracle flags them too');
});
