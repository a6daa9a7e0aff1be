// The Received tokenizer's word boundary, tested over every UTF-16 code unit against the regex it replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endsWord, splitReceived } from '../../src/hops/clauses.js';

test('a word ends exactly where the regex class [\\s(;] says', () => {
  for (let c = 0; c <= 0xffff; c++) assert.equal(endsWord(c), /[\s(;]/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
});

test('words end at "(" and ";" as well as at white space', () => {
  const s = splitReceived('from a.example(a.example [192.0.2.1]) by b.example\twith;ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000');
  assert.deepEqual(s.clauses.get('from'), { key: 'from', words: ['a.example'], comments: ['a.example [192.0.2.1]'] });
  assert.deepEqual(s.clauses.get('with')?.words, ['ESMTP']);
  assert.deepEqual(s.notes, ["stray ';' inside the clauses"]);
  assert.equal(s.dateText, 'Mon, 1 Jan 2024 00:00:00 +0000');
});
