// container.suspicious-wrapper on its own: which evidence of the wrapper it quotes. The whole path (a crafted carrier
// of a corpus message, through the CLI) is in test/cli/analyze-inputs.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suspiciousWrapper } from '../../src/findings/rules/container-suspicious-wrapper.js';
import type { RuleContext } from '../../src/findings/define.js';
import type { Finding } from '../../src/types.js';

const finding = (id: string, severity: Finding['severity'], evidence: Finding['evidence']): Finding => ({ id, severity, title: `title of ${id}`, evidence, data: undefined });
const ctxWith = (wrapper: RuleContext['wrapper']) => ({ wrapper }) as RuleContext;

test('a passing wrapper, or none, gives no finding', () => {
  assert.deepEqual(suspiciousWrapper.check(ctxWith(undefined)), []);
  const pass = { findings: [finding('identity.date-skew', 'low', [])], verdict: { verdict: 'pass' as const, score: 1, drivers: [], findings: ['identity.date-skew'], depth: 0 } };
  assert.deepEqual(suspiciousWrapper.check(ctxWith(pass)), []);
});

test('the evidence: the first item of each deciding finding once, its title when it has none; other findings left out', () => {
  const received = { header: 'Received', index: 0, text: 'Received: from a by b' };
  const findings = [
    finding('identity.date-skew', 'low', [{ header: 'Date', index: 3, text: 'Date: x' }]),
    finding('auth.spf-fail', 'medium', [received, { header: 'Return-Path', index: 1, text: 'Return-Path: <a@b>' }]),
    finding('auth.spf-fail', 'medium', [{ header: 'Received', index: 2, text: 'Received: second' }]),
    finding('hops.no-received', 'medium', []),
  ];
  const verdict = { verdict: 'suspicious' as const, score: 7, drivers: ['auth.spf-fail', 'hops.no-received'], findings: ['identity.date-skew', 'auth.spf-fail', 'hops.no-received'], depth: 0 };
  const [draft, ...more] = suspiciousWrapper.check(ctxWith({ findings, verdict }));
  assert.equal(more.length, 0);
  assert.equal(draft!.severity, 'medium');
  assert.deepEqual(draft!.evidence, [
    { header: 'wrapper: Received (auth.spf-fail)', index: -1, text: received.text },
    { header: 'wrapper: hops.no-received', index: -1, text: 'title of hops.no-received' },
  ]);
  assert.deepEqual(draft!.data, { verdict: 'suspicious', score: 7, drivers: ['auth.spf-fail', 'hops.no-received'], depth: 0 });
  assert.equal(draft!.title, undefined, 'the rule\'s own title');
  const forged = suspiciousWrapper.check(ctxWith({ findings, verdict: { ...verdict, verdict: 'forged' } }))[0]!;
  assert.equal(forged.severity, 'high');
  assert.equal(forged.title, 'The message this original was taken out of is itself forged');
  const nested = suspiciousWrapper.check(ctxWith({ findings, verdict: { ...verdict, depth: 1, from: 'ceo@example.com' } }))[0]!;
  assert.equal(nested.title, 'A message this original came in (from ceo@example.com, inside the input) is itself suspicious');
});
