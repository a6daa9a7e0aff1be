// The terminal report's hop table is bounded: a header can hold thousands of Received fields, and cli-table3's
// layout is quadratic in its rows. The windowing is a pure function, tested here as a table; the CLI test runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TABLE_HOPS, shownHops } from '../../src/render/human.js';

const indices = (rows: ReturnType<typeof shownHops>) => rows.filter((r): r is number => typeof r === 'number');
const skipped = (rows: ReturnType<typeof shownHops>) => rows.reduce<number>((n, r) => n + (typeof r === 'number' ? 0 : r.skipped), 0);

test('up to the limit every hop is a row, in order, with no gap', () => {
  for (const count of [0, 1, 3, MAX_TABLE_HOPS]) {
    assert.deepEqual(shownHops(count, 0), Array.from({ length: count }, (_, i) => i));
  }
});

test('past the limit: the oldest, the newest and the hops around the boundary, each gap counted', () => {
  const cases: { count: number; boundary: number | undefined; around: number[] }[] = [
    { count: 41, boundary: undefined, around: [] },
    { count: 10_000, boundary: undefined, around: [] },
    { count: 10_000, boundary: 5_000, around: [4_998, 4_999, 5_000, 5_001, 5_002] },
    { count: 10_000, boundary: 9_990, around: [] }, // among the newest already
    { count: 500, boundary: 11, around: [9, 10, 11, 12, 13] }, // touching the oldest: no empty gap between them
  ];
  for (const { count, boundary, around } of cases) {
    const rows = shownHops(count, boundary);
    const shown = indices(rows);
    const label = `${count} hops, boundary ${boundary}`;
    assert.ok(shown.length <= MAX_TABLE_HOPS, label);
    assert.deepEqual(shown, [...shown].sort((a, b) => a - b), `${label}: in order`);
    assert.equal(shown.length + skipped(rows), count, `${label}: every hop is shown or counted`);
    assert.deepEqual(shown.slice(0, 10), Array.from({ length: 10 }, (_, i) => i), `${label}: the oldest`);
    assert.deepEqual(shown.slice(-20), Array.from({ length: 20 }, (_, i) => count - 20 + i), `${label}: the newest`);
    for (const i of around) assert.ok(shown.includes(i), `${label}: hop ${i}`);
    if (boundary !== undefined) assert.ok(shown.includes(boundary), `${label}: the boundary`);
    // A gap row stands between two shown hops, never first, last or beside another gap, and is never empty.
    rows.forEach((r, k) => {
      if (typeof r === 'number') return;
      assert.ok(r.skipped > 0 && k > 0 && k < rows.length - 1, label);
      assert.equal(typeof rows[k - 1], 'number', label);
      assert.equal(typeof rows[k + 1], 'number', label);
    });
  }
});
