// The memo the hot paths share: remembers per argument, undefined included, and stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoize, MEMO_MAX_KEY } from '../../src/memo.js';

test('computes once per argument, undefined results included', () => {
  const calls: string[] = [];
  const f = memoize((k) => {
    calls.push(k);
    return k === 'none' ? undefined : k.length;
  });
  assert.equal(f('abc'), 3);
  assert.equal(f('abc'), 3);
  assert.equal(f('none'), undefined);
  assert.equal(f('none'), undefined);
  assert.deepEqual(calls, ['abc', 'none']);
});

test('is cleared when full, and long arguments are never kept', () => {
  const calls: string[] = [];
  const f = memoize((k) => {
    calls.push(k);
    return k;
  }, 2);
  f('a');
  f('b');
  f('c'); // full: cleared, then 'c' kept
  f('a');
  assert.deepEqual(calls, ['a', 'b', 'c', 'a']);
  const long = 'x'.repeat(MEMO_MAX_KEY + 1);
  f(long);
  f(long);
  assert.equal(calls.filter((k) => k === long).length, 2);
});
