// The character-code stand-ins for \s used on hot paths must agree with the regex they replace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseSpaces, isRegexSpace } from '../../src/message/text.js';
import { seededInts } from '../helpers/random.js';

test('isRegexSpace agrees with /\\s/ on every UTF-16 code unit', () => {
  for (let c = 0; c <= 0xffff; c++) assert.equal(isRegexSpace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
});

test('collapseSpaces is replace(/\\s+/g, " ") on strings made of spaces, tabs, line breaks, NBSP and letters', () => {
  const alphabet = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', 'a', 'Mon,', '1'];
  const random = seededInts(7);
  for (let n = 0; n < 5000; n++) {
    let s = '';
    for (let k = random(12); k > 0; k--) s += alphabet[random(alphabet.length)];
    assert.equal(collapseSpaces(s), s.replace(/\s+/g, ' '), JSON.stringify(s));
  }
});
