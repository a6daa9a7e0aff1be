// Recognising list traffic, forwarding and ESP bounces, and the identity fields extracted beside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/index.js';
import { extractIdentity } from '../../src/identity/index.js';
import { mailContext } from '../../src/identity/context.js';
import type { AuthReport } from '../../src/types.js';

const OFFLINE: AuthReport = { mode: 'offline', evaluatedAt: '2026-11-23T00:00:00.000Z', results: [], recorded: [], comparison: [], dns: [] };

function contextOf(lines: string[]) {
  const message = parseMessage(Buffer.from(lines.join('\n') + '\n\nbody\n'));
  const identity = extractIdentity(message, buildChain(message, { trust: [], authservIds: [] }));
  return { identity, context: mailContext(message, identity, OFFLINE) };
}

const CASES: [string, string[], { list?: boolean; forwarded?: RegExp; esp?: string }][] = [
  ['a List-Id', ['From: a@x.example', 'List-Id: <dev.lists.x.example>'], { list: true }],
  ['a list owner Return-Path', ['Return-Path: <linux-kernel-owner@vger.kernel.org>', 'From: a@x.example'], { list: true }],
  ['Precedence: list', ['From: a@x.example', 'Precedence: list'], { list: true }],
  ['Precedence: bulk alone is not a list', ['From: a@x.example', 'Precedence: bulk'], {}],
  ['an SRS Return-Path', ['Return-Path: <SRS0=HsXh=QV=x.example=a@fwd.example>', 'From: a@x.example'], { forwarded: /SRS/ }],
  ['a Gmail forwarding address', ['Return-Path: <bob+caf_=bob=corp.example@gmail.com>', 'From: a@x.example'], { forwarded: /\+caf_/ }],
  // Unverified, an ARC-Seal is text anyone can write: it must not excuse anything.
  ['an unverified ARC seal claiming Google', ['ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=google.com; s=arc-20160816; b=abc', 'From: a@x.example'], {}],
  ['an ARC seal from an unknown sealer', ['ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=sealer.example; s=s; b=abc', 'From: a@x.example'], {}],
  ['Resent-From', ['Resent-From: b@y.example', 'From: a@x.example'], { forwarded: /Resent-From/ }],
  ['an ESP bounce domain', ['Return-Path: <bounces+1-2=x.example@sendgrid.net>', 'From: a@x.example'], { esp: 'sendgrid.net' }],
  ['a plain message', ['Return-Path: <a@x.example>', 'From: a@x.example'], {}],
];

for (const [name, lines, want] of CASES) {
  test(`context: ${name}`, () => {
    const { context } = contextOf(lines);
    assert.equal(context.list.length > 0, want.list === true, context.list.join('; '));
    if (want.forwarded) assert.match(context.forwarded.join('; '), want.forwarded);
    else assert.deepEqual(context.forwarded, []);
    assert.equal(context.espBounce, want.esp);
  });
}

test('identity: Resent-* block, List-Post and every From mailbox are extracted', () => {
  const { identity } = contextOf([
    'Return-Path: <list-bounces@lists.x.example>',
    'Resent-From: Forwarder <fwd@y.example>',
    'Resent-To: bob@z.example',
    'Resent-Date: Mon, 23 Nov 2026 05:00:00 +0000',
    'From: A <a@x.example>, B <b@x.example>',
    'List-Post: <mailto:dev@lists.x.example>',
  ]);
  assert.equal(identity.resent?.from[0]?.address, 'fwd@y.example');
  assert.equal(identity.resent?.to[0]?.address, 'bob@z.example');
  assert.equal(identity.resent?.date, 'Mon, 23 Nov 2026 05:00:00 +0000');
  assert.equal(identity.listPost, '<mailto:dev@lists.x.example>');
  assert.deepEqual(identity.from.map((m) => m.address), ['a@x.example', 'b@x.example']);
  assert.equal(identity.envelope.mailFrom, 'list-bounces@lists.x.example');
});

test('context: a verified ARC chain sealed by Google counts as forwarding', () => {
  const message = parseMessage(Buffer.from('From: a@x.example\n\nbody\n'));
  const identity = extractIdentity(message, buildChain(message, { trust: [], authservIds: [] }));
  const auth: AuthReport = { ...OFFLINE, mode: 'computed', results: [{ method: 'arc', result: 'pass', domain: 'google.com' }] };
  assert.match(mailContext(message, identity, auth).forwarded.join('; '), /ARC seal from google\.com/);
});
