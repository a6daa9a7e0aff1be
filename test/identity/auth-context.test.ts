// The rules that read authentication results, fed a hand-made AuthReport: until the auth stage lands its
// results are empty, so this is the one place the identity rules' use of them is exercised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/index.js';
import { extractIdentity } from '../../src/identity/index.js';
import { runRules } from '../../src/findings/index.js';
import type { AuthReport, MethodResult, RecordedResult } from '../../src/types.js';

const RAW = [
  'Return-Path: <bounce@relay-bulk.example>',
  'Received: from out.relay-bulk.example (out.relay-bulk.example [192.0.2.20])\n\tby mx.victim.example (Postfix) with ESMTP id 1\n\tfor <bob@victim.example>; Mon, 23 Nov 2026 05:43:08 +0000',
  'From: Bank <alerts@bank.example>',
  'To: bob@victim.example',
  'Date: Mon, 23 Nov 2026 05:43:00 +0000',
  'Message-ID: <1@relay-bulk.example>',
].join('\n') + '\n\nbody\n';

function findings(results: MethodResult[], recorded: RecordedResult[] = []) {
  const message = parseMessage(Buffer.from(RAW));
  const chain = buildChain(message, { trust: [], authservIds: [] });
  const identity = extractIdentity(message, chain);
  const auth: AuthReport = { mode: 'computed', evaluatedAt: '2026-11-23T05:43:08.000Z', results, recorded, comparison: [], dns: [] };
  return runRules({ message, chain, identity, auth, options: { skewSeconds: 300 } });
}

test('SPF passing for the relay\'s domain while DMARC fails for From', () => {
  const f = findings([
    { method: 'spf', result: 'pass', domain: 'relay-bulk.example' },
    { method: 'dmarc', result: 'fail', domain: 'bank.example' },
  ]).find((x) => x.id === 'relay.spf-pass-dmarc-fail');
  assert.equal(f?.severity, 'medium');
  assert.equal(f?.data?.['spfDomain'], 'relay-bulk.example');
  assert.equal(f?.data?.['fromDomain'], 'bank.example');
});

test('the MAIL FROM SPF result counts, not the HELO one', () => {
  const out = findings([
    { method: 'spf', result: 'pass', domain: 'out.relay-bulk.example', details: { identity: 'helo' } },
    { method: 'spf', result: 'fail', domain: 'relay-bulk.example', details: { identity: 'mailfrom' } },
    { method: 'dmarc', result: 'fail', domain: 'bank.example' },
  ]);
  assert.equal(out.filter((x) => x.id === 'relay.spf-pass-dmarc-fail').length, 0);
});

test('the same from a trusted receiver\'s recorded Authentication-Results', () => {
  const rec = (method: string, result: string, properties: Record<string, string>): RecordedResult => ({
    header: 0, headerName: 'Authentication-Results', authservId: 'mx.victim.example', method, result, properties, trusted: true, trustReason: 'test',
  });
  const out = findings([], [rec('spf', 'pass', { 'smtp.mailfrom': 'bounce@relay-bulk.example' }), rec('dmarc', 'fail', { 'header.from': 'bank.example' })]);
  assert.ok(out.some((x) => x.id === 'relay.spf-pass-dmarc-fail'));
});

test('DMARC passing: no SPF/DMARC finding, and the misaligned Return-Path says DKIM aligns', () => {
  const out = findings([
    { method: 'spf', result: 'pass', domain: 'relay-bulk.example' },
    { method: 'dkim', result: 'pass', domain: 'bank.example', details: { aligned: 'bank.example' } },
    { method: 'dmarc', result: 'pass', domain: 'bank.example' },
  ]);
  assert.equal(out.filter((x) => x.id === 'relay.spf-pass-dmarc-fail').length, 0);
  const rp = out.find((x) => x.id === 'identity.return-path-misaligned');
  assert.equal(rp?.severity, 'low');
  assert.match(String(rp?.data?.['detail']), /DKIM passes and aligns with From/);
});
