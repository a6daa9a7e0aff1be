// exitCodeOf: what an escaped error becomes on stderr and in the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf } from '../../src/cli/exit.js';

test('an internal error is one line on stderr with its control characters escaped, and exit code 70', async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
  try {
    const code = await exitCodeOf(async () => {
      throw new TypeError('bad host "\u001b]0;pwned\u0007evil\u202e.example"\n    at somewhere');
    });
    assert.equal(code, 70);
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, ['mailtrace: internal error: bad host "\\x1b]0;pwned\\x07evil\\u202e.example"\n']);
});
