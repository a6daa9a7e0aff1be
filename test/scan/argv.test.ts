// The scan's argv rewrite: runs of inputs are set aside before yargs parses (it costs ~110 µs a positional) and put
// back in order; a word after a flag is left to yargs, since it may be that flag's value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandInputs, rewriteScanArgv, STDIN_TOKEN } from '../../src/cli/scan/argv.js';

/** What yargs would see, and the inputs once expanded (positionals as yargs would collect them: the non-flag words). */
function roundTrip(argv: string[], positionals: (rewritten: string[]) => string[]) {
  const rewritten = rewriteScanArgv(argv);
  return { rewritten, inputs: expandInputs(positionals(rewritten)) };
}

test('a long list of files reaches yargs as one token and comes back whole, in order', () => {
  const files = Array.from({ length: 5000 }, (_, i) => `m/${i}.eml`);
  const argv = ['scan', '--offline', '--out', 'out.ndjson', '-j', '2', ...files];
  const { rewritten, inputs } = roundTrip(argv, (r) => r.slice(6));
  assert.deepEqual(rewritten.slice(0, 6), argv.slice(0, 6));
  assert.equal(rewritten.length, 7);
  assert.deepEqual(inputs, files);
});

test('words right after a flag stay with yargs (a value or a positional, yargs decides); runs around them keep their order', () => {
  const argv = ['scan', 'a', 'b', '--trust', 'mx.example.org', 'c', 'd', '--quiet', 'e', '-', 'f', '--', 'g', 'h'];
  const r = rewriteScanArgv(argv);
  // a b -> one token; mx.example.org stays; c d -> one token; e stays (after --quiet); "-" -> stdin token;
  // f stays (after "-"); nothing after "--" is touched.
  assert.equal(r.length, 12);
  assert.deepEqual(r.slice(2, 4), ['--trust', 'mx.example.org']);
  assert.deepEqual(r.slice(5), ['--quiet', 'e', STDIN_TOKEN, 'f', '--', 'g', 'h']);
  assert.deepEqual(expandInputs([r[1]!, r[4]!, 'e', STDIN_TOKEN, 'f', 'g', 'h']), ['a', 'b', 'c', 'd', 'e', '-', 'f', 'g', 'h']);
});

test('other commands and a lone input are left as they are; -0 still means --null', () => {
  assert.deepEqual(rewriteScanArgv(['msg.eml', 'other.eml']), ['msg.eml', 'other.eml']);
  assert.deepEqual(rewriteScanArgv(['scan', 'only.mbox']), ['scan', 'only.mbox']);
  assert.deepEqual(rewriteScanArgv(['scan', '-0', '-']), ['scan', '--null', STDIN_TOKEN]);
});
