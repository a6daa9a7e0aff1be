// Every message of the shared corpus through the message stage and the chain: nothing throws, every hop gets a
// trust level, at most one is the boundary, and the unparseable lines stay the few known ones.
// (Full analyze() over the same folders, with timings and per-rule counts: bench/hops-corpus.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusFiles } from '../helpers/corpus.js';
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/chain.js';

test('the corpus: every Received chain builds; unparseable hops are the three known non-Received lines', () => {
  const files = [...corpusFiles('phishing_pot'), ...corpusFiles('spamassassin'), ...corpusFiles('kernel-list')];
  assert.ok(files.length > 5000);
  let hops = 0;
  const unparseable: string[] = [];
  for (const file of files) {
    let message;
    try {
      message = parseMessage(readFileSync(file));
    } catch {
      continue; // not a message at all: the message stage's business, tested there
    }
    const chain = buildChain(message, { trust: [], authservIds: [] });
    hops += chain.hops.length;
    const boundaries = chain.hops.filter((h) => h.trust === 'boundary');
    assert.ok(boundaries.length <= 1, file);
    assert.equal(boundaries[0]?.index, chain.boundary, file);
    for (const h of chain.hops) {
      assert.ok(h.trustReason.length > 0, file);
      if (h.kind === 'unparseable') unparseable.push(h.raw.replace(/\s+/g, ' '));
    }
  }
  assert.ok(hops > 35_000, `${hops} hops`);
  assert.deepEqual(unparseable.sort(), [
    'Received: (qfscan 0.5. spam=2/0/0/0 remoteip=172.16.0.211): 29 Aug 2002 03:27:47 -0000', // a filter's note, no clause
    'Received: Carol Hester', // a name where the trace should be
    'Received: Tue, 6 Aug 2002 18:39:26 +0800', // a date alone
  ]);
});
