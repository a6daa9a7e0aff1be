import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict } from '../../src/verdict/index.js';
import type { Finding, Severity } from '../../src/types.js';

const f = (id: string, severity: Severity): Finding => ({ id, severity, title: id, evidence: [] });

const CASES: [string, Finding[], string, string[]][] = [
  ['nothing', [], 'pass', []],
  ['info only', [f('a', 'info'), f('b', 'info')], 'pass', []],
  ['two lows', [f('a', 'low'), f('b', 'low')], 'pass', []],
  ['three lows add up', [f('a', 'low'), f('b', 'low'), f('c', 'low')], 'suspicious', ['a', 'b', 'c']],
  ['one medium', [f('a', 'low'), f('m', 'medium')], 'suspicious', ['m']],
  ['one high outranks the rest', [f('a', 'low'), f('m', 'medium'), f('h', 'high')], 'forged', ['h']],
  ['the same id twice is one driver', [f('h', 'high'), f('h', 'high')], 'forged', ['h']],
];

for (const [name, findings, verdict, drivers] of CASES) {
  test(`verdict: ${name}`, () => {
    const r = decideVerdict(findings);
    assert.equal(r.verdict, verdict);
    assert.deepEqual(r.drivers, drivers);
  });
}
