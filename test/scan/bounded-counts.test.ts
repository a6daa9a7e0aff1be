// The summary's top lists count keys taken from the messages (relays, reporters, IPs) in bounded memory. Checked
// against exact counts over a long skewed stream: what is kept is within its stated error, what is dropped is below
// the stated floor, and the frequent keys are never lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedCounts, MAX_LIST_KEYS, Tally, summarise } from '../../src/cli/scan/tally.js';
import { renderSummaryTable } from '../../src/render/summary.js';

/** A deterministic stream: a few heavy keys among many that occur once or twice (mulberry32 generator). */
function stream(length: number, seed = 7): string[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length }, () => {
    const r = random();
    return r < 0.3 ? `heavy-${Math.floor(random() * 5)}` : `rare-${Math.floor(random() * length)}`;
  });
}

const RUN = { elapsedSeconds: 1, runMessages: 1, runBytes: 1, resumedMessages: 0, complete: true };

test('under the limit the counts are exact, and the summary says nothing of approximation', () => {
  const c = new BoundedCounts(200);
  const exact = new Map<string, number>();
  for (const k of stream(200)) {
    c.bump(k);
    exact.set(k, (exact.get(k) ?? 0) + 1);
  }
  assert.deepEqual(new Map(c.counts), exact); // 200 keys at most: never past the limit
  assert.equal(c.floor, 0);
  assert.equal(c.under.size, 0);
  const t = new Tally();
  t.add({ bytes: 1, verdict: 'pass', relays: ['a.example', 'b.example'] });
  assert.equal(summarise(t, RUN).approximate, undefined);
});

test('past the limit: bounded, every kept count within its error, every dropped key below the floor, heavy keys kept', () => {
  const max = 50;
  const c = new BoundedCounts(max);
  const exact = new Map<string, number>();
  for (const k of stream(20_000)) {
    c.bump(k);
    exact.set(k, (exact.get(k) ?? 0) + 1);
    assert.ok(c.counts.size <= max);
  }
  assert.ok(c.floor > 0, 'some keys were dropped');
  for (const [k, truth] of exact) {
    const kept = c.counts.get(k);
    if (kept === undefined) assert.ok(truth <= c.floor, `${k}: ${truth} > floor ${c.floor}`);
    else assert.ok(kept <= truth && truth <= kept + (c.under.get(k) ?? 0), `${k}: true ${truth}, kept ${kept} + ${c.under.get(k) ?? 0}`);
  }
  for (let i = 0; i < 5; i++) assert.ok(c.counts.has(`heavy-${i}`), `heavy-${i}`);
  // A resume state round trip keeps counts, errors and floor; a state written before the bound is read too.
  const back = BoundedCounts.fromJSON(JSON.parse(JSON.stringify(c.toJSON())), max);
  assert.deepEqual([new Map(back.counts), new Map(back.under), back.floor], [new Map(c.counts), new Map(c.under), c.floor]);
  assert.deepEqual(new Map(BoundedCounts.fromJSON([['x', 2]]).counts), new Map([['x', 2]]));
});

test('a scan tally over more distinct relays than it keeps: the summary says how approximate its list is', () => {
  const t = new Tally();
  const perMessage = 50;
  const messages = Math.ceil((MAX_LIST_KEYS * 1.5) / perMessage);
  for (let m = 0; m < messages; m++) {
    const relays = Array.from({ length: perMessage }, (_, i) => `relay-${m}-${i}.example`);
    t.add({ bytes: 1, verdict: 'pass', boundaryIp: '192.0.2.1', relays: m % 2 ? [...relays.slice(1), 'hub.example'] : relays });
  }
  assert.ok(t.relays.counts.size <= MAX_LIST_KEYS);
  const s = summarise(t, RUN);
  assert.equal(s.top.relaysBelowBoundary[0]!.key, 'hub.example');
  assert.equal(s.top.boundaryIps[0]!.count, messages, 'a list within its bound stays exact');
  assert.deepEqual(Object.keys(s.approximate ?? {}), ['relaysBelowBoundary']);
  const a = s.approximate!.relaysBelowBoundary!;
  assert.ok(a.unlistedAtMost >= 1);
  // hub.example occurs in every other message; its count is exact or low by at most the stated amount.
  const hub = s.top.relaysBelowBoundary[0]!.count;
  assert.ok(hub <= messages / 2 && messages / 2 <= hub + a.countsLowByAtMost, `${hub} + ${a.countsLowByAtMost} vs ${messages / 2}`);
  assert.match(renderSummaryTable(s), /too many distinct values to keep all/);
});
