// DNS across threads, over a real MessageChannel: answers and error codes arrive intact, and identical questions
// in flight at once reach the resolver once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { DnsBridge, remoteResolver, type DnsQuestion } from '../../src/cli/scan/dns-bridge.js';
import { replayResolver } from '../../src/dns/replay.js';
import type { DnsAnswerRecord, Resolver } from '../../src/types.js';
import type { DnsReply } from '../../src/cli/scan/protocol.js';

function wire(resolver: Resolver | undefined) {
  const { port1: workerSide, port2: mainSide } = new MessageChannel();
  const bridge = new DnsBridge(resolver);
  const remote = remoteResolver((q) => workerSide.postMessage(q));
  mainSide.on('message', (q: DnsQuestion) => void bridge.answer(q).then((r) => mainSide.postMessage(r)));
  workerSide.on('message', (r: DnsReply) => remote.settle(r));
  const close = () => {
    workerSide.close();
    mainSide.close();
  };
  return { bridge, resolver: remote.resolver, close };
}

test('answers and error codes cross the port unchanged (replayed snapshot)', async () => {
  const log: DnsAnswerRecord[] = [];
  const snapshot = {
    'example.com': { TXT: [['v=spf1 -all']], MX: [{ exchange: 'mx.example.com', priority: 10 }] },
    'nx.example.com': { TXT: { error: 'ENOTFOUND' } },
  };
  const w = wire(replayResolver(snapshot, log));
  try {
    assert.deepEqual(await w.resolver('Example.COM.', 'txt'), [['v=spf1 -all']]);
    assert.deepEqual(await w.resolver('example.com', 'MX'), [{ exchange: 'mx.example.com', priority: 10 }]);
    await assert.rejects(w.resolver('nx.example.com', 'TXT'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    await assert.rejects(w.resolver('absent.example', 'A'), (e: NodeJS.ErrnoException) => e.code === 'EMISSING');
  } finally {
    w.close();
  }
});

test('the same question from many messages at once is resolved once', async () => {
  let calls = 0;
  const slow: Resolver = async (name) => {
    calls++;
    await new Promise((r) => setTimeout(r, 30));
    return [`answer for ${name}`];
  };
  const w = wire(slow);
  try {
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, () => w.resolver('s1._domainkey.example.com', 'TXT')),
      ...Array.from({ length: 50 }, () => w.resolver('S1._DOMAINKEY.example.com.', 'txt')),
      w.resolver('other.example', 'TXT'),
    ]);
    assert.equal(answers.length, 101);
    assert.equal(calls, 2);
    assert.deepEqual(w.bridge.counts, { asked: 101, resolved: 2 });
  } finally {
    w.close();
  }
});

test('offline: every question fails with EOFFLINE instead of hanging', async () => {
  const w = wire(undefined);
  try {
    await assert.rejects(w.resolver('example.com', 'TXT'), (e: NodeJS.ErrnoException) => e.code === 'EOFFLINE');
  } finally {
    w.close();
  }
});
