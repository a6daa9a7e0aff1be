// The Received tokenizer's word boundary, tested over every UTF-16 code unit, and its comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitReceived, tokenize } from '../../src/hops/clauses.js';

test('a word ends exactly where the regex class [\\s(;] says, and white space of any kind is skipped', () => {
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    const notes: string[] = [];
    const texts = tokenize(`a${ch}b`, notes).map((t) => t.text);
    const expected = /\s/.test(ch) ? ['a', 'b'] : ch === '(' ? ['a', 'b'] : ch === ';' ? ['a', ';', 'b'] : [`a${ch}b`];
    assert.deepEqual(texts, expected, `U+${c.toString(16)}`);
    assert.deepEqual(notes, ch === '(' ? ['unbalanced parenthesis'] : [], `U+${c.toString(16)}`);
  }
});

test('a no-break space or a form feed in a Received value does not cut the rest away', () => {
  for (const space of ['\u00a0', '\f', '\v', '\u2028', '\u3000']) {
    const s = splitReceived(`from a.example${space}(a.example [192.0.2.1]) by b.example with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000`);
    assert.deepEqual(s.notes, [], JSON.stringify(space));
    assert.deepEqual(s.clauses.get('from')?.comments, ['a.example [192.0.2.1]']);
    assert.deepEqual(s.clauses.get('id')?.words, ['1']);
  }
});

test('comments nest, a backslash quotes the next character, and an open comment runs to the end', () => {
  const notes: string[] = [];
  assert.deepEqual(
    tokenize('x (a (b) \\) c) y (d\\', notes).map((t) => [t.t, t.text]),
    [['word', 'x'], ['comment', 'a (b) \\) c'], ['word', 'y'], ['comment', 'd\\']],
  );
  assert.deepEqual(notes, ['unbalanced parenthesis']);
  const deep: string[] = [];
  tokenize('('.repeat(12) + 'x', deep);
  assert.deepEqual(deep, ['unbalanced parenthesis', 'deeply nested comment']);
});

test('words end at "(" and ";" as well as at white space', () => {
  const s = splitReceived('from a.example(a.example [192.0.2.1]) by b.example\twith;ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000');
  assert.deepEqual(s.clauses.get('from'), { key: 'from', words: ['a.example'], comments: ['a.example [192.0.2.1]'] });
  assert.deepEqual(s.clauses.get('with')?.words, ['ESMTP']);
  assert.deepEqual(s.notes, ["stray ';' inside the clauses"]);
  assert.equal(s.dateText, 'Mon, 1 Jan 2024 00:00:00 +0000');
});
