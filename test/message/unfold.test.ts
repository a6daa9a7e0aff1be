import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unfold } from '../../src/message/split.js';
import { seededInts } from '../helpers/random.js';

/** The definition unfold() replaced with one loop: it must give the same string for every input. */
const reference = (text: string) => text.replace(/\n/g, '').replace(/[ \t]+/g, ' ').trim();

test('unfold: folded values as real headers fold them', () => {
  const cases: [string, string][] = [
    [' from a.example (a.example [192.0.2.1])\n\tby b.example; Tue, 12 Mar 2024', 'from a.example (a.example [192.0.2.1]) by b.example; Tue, 12 Mar 2024'],
    [' v=1; a=rsa-sha256;\n        d=example.com; s=s1;', 'v=1; a=rsa-sha256; d=example.com; s=s1;'],
    [' plain value', 'plain value'],
    ['  two  spaces\t\ttabs ', 'two spaces tabs'],
    ['a\nb', 'ab'],
    [' \n \n ', ''],
    ['', ''],
    ['\u00a0nbsp\u00a0', 'nbsp'],
    ['x\r\n y', 'x\r y'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(unfold(input), expected, JSON.stringify(input));
    assert.equal(unfold(input), reference(input), JSON.stringify(input));
  }
});

test('unfold agrees with the regex definition on random text of blanks, line feeds and letters', () => {
  const alphabet = [' ', '\t', '\n', '\r', 'a', 'b', '\u00a0', '\u2028', ';'];
  const random = seededInts(12345);
  for (let n = 0; n < 5000; n++) {
    let s = '';
    const length = random(24);
    for (let i = 0; i < length; i++) s += alphabet[random(alphabet.length)];
    assert.equal(unfold(s), reference(s), JSON.stringify(s));
  }
});
