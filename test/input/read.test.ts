// Shared memory for a scan's messages (src/input/read.ts): regions never overlap while in use, are reused once
// released, and a stray or second release cannot hand out memory that is still being read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileShared, releaseShared, sharedCopy, SharedSlabs } from '../../src/input/read.js';
import { seededInts } from '../helpers/random.js';
import { scratchDir } from '../helpers/scratch.js';

test('a file is read whole into shared memory, or as much of it as is left', () => {
  const dir = scratchDir('read');
  const path = join(dir, 'm.eml');
  writeFileSync(path, 'Subject: x\n\nbody\n');
  const bytes = readFileShared(path, 17);
  assert.ok(bytes.buffer instanceof SharedArrayBuffer);
  assert.equal(bytes.toString(), 'Subject: x\n\nbody\n');
  // Listed at 40 bytes, 17 left when read: the 17 that are there.
  const shrunk = readFileShared(path, 40);
  assert.equal(shrunk.toString(), 'Subject: x\n\nbody\n');
  releaseShared(bytes);
  releaseShared(shrunk);
  assert.throws(() => readFileShared(join(dir, 'missing.eml'), 10), { code: 'ENOENT' });
});

test('a copy in shared memory holds the same bytes', () => {
  const copy = sharedCopy(Buffer.from('From: a@example.com\n'));
  assert.ok(copy.buffer instanceof SharedArrayBuffer);
  assert.equal(copy.toString(), 'From: a@example.com\n');
});

test('live regions keep their bytes while others are taken and released in any order (20,000 steps)', () => {
  const slabs = new SharedSlabs();
  const next = seededInts(7);
  const live: { region: Buffer; fill: number }[] = [];
  for (let step = 0; step < 20_000; step++) {
    if (live.length > 150 || (live.length > 0 && next(2) === 0)) {
      const [gone] = live.splice(next(live.length), 1);
      slabs.release(gone!.region);
      if (next(10) === 0) slabs.release(gone!.region); // a second release must change nothing
    } else {
      // Mostly message-sized, now and then one large enough for memory of its own.
      const size = next(50) === 0 ? 200_000 + next(1000) : 1 + next(40_000);
      const fill = step & 0xff;
      const region = slabs.take(size);
      assert.equal(region.length, size);
      region.fill(fill);
      live.push({ region, fill });
    }
    if (step % 500 === 0) for (const { region, fill } of live) assert.ok(region.every((b) => b === fill), `a live region was overwritten at step ${step}`);
  }
});

test('a slab is used again once all its regions are released, not before', () => {
  const slabs = new SharedSlabs();
  const a = slabs.take(600_000 / 8); // 75,000 bytes: below the size that gets memory of its own
  const first = a.buffer;
  const fillers: Buffer[] = [];
  while (fillers.length < 20) fillers.push(slabs.take(75_000)); // fills the first slab and starts a second
  assert.notEqual(fillers.at(-1)!.buffer, first);
  for (const f of fillers.filter((f) => f.buffer === first)) slabs.release(f);
  // One region of the first slab (a) is still in use: its slab must not come back.
  const whileInUse = Array.from({ length: 20 }, () => slabs.take(75_000));
  assert.ok(whileInUse.every((r) => r.buffer !== first));
  slabs.release(a);
  const after = Array.from({ length: 20 }, () => slabs.take(75_000));
  assert.ok(after.some((r) => r.buffer === first), 'the released slab is reused');
});

test('bytes that did not come from the pool are ignored by release', () => {
  const slabs = new SharedSlabs();
  const mine = slabs.take(100);
  mine.fill(1);
  slabs.release(Buffer.from(new SharedArrayBuffer(100)));
  slabs.release(Buffer.alloc(100));
  slabs.release(mine.subarray(5)); // a view that does not start where a region starts
  for (let i = 0; i < 200; i++) slabs.take(10_000).fill(2);
  assert.ok(mine.every((b) => b === 1));
});

test('a region is released by a shorter view of it (a message less its trailing blank line), once', () => {
  const slabs = new SharedSlabs();
  const a = slabs.take(300_000 / 4 - 1);
  const b = slabs.take(100);
  b.fill(7);
  slabs.release(a.subarray(0, a.length - 1));
  slabs.release(a); // already released: must not count against b
  for (let i = 0; i < 200; i++) slabs.take(10_000).fill(2);
  assert.ok(b.every((x) => x === 7));
});

test('an empty region is not taken from a slab (it would share its start with the next region)', () => {
  const slabs = new SharedSlabs();
  const empty = slabs.take(0);
  const c = slabs.take(100);
  c.fill(9);
  slabs.release(empty);
  // Regions that come and go: the slab is reused in place once nothing in it is live (c still is).
  for (let i = 0; i < 20; i++) {
    const passing = slabs.take(75_000);
    passing.fill(2);
    slabs.release(passing);
  }
  assert.ok(c.every((x) => x === 9));
});

test('the input stage releases the shared memory it does not hand on (whole mbox files, single-message files, unquoting)', async () => {
  const { enumerateInputs } = await import('../../src/input/index.js');
  const { liveSharedRegions } = await import('../../src/input/read.js');
  const dir = scratchDir('read-inputs');
  const msg = (s: string, body = 'body') => `From: a@example.com\nSubject: ${s}\n\n${body}\n`;
  const sep = 'From x@y Mon Jan  1 10:00:00 2024\n';
  writeFileSync(join(dir, 'plain.eml'), msg('plain'));
  writeFileSync(join(dir, 'single.eml'), sep + msg('single')); // one message behind a From_ line: the file as it is
  writeFileSync(join(dir, 'two.mbox'), sep + msg('one') + '\n' + sep + msg('two', '>From the body, quoted') + '\n');
  writeFileSync(join(dir, 'archive'), sep + msg('a1') + '\n' + sep + msg('a2') + '\n'); // an mbox by its content
  const before = liveSharedRegions();
  const subjects: string[] = [];
  for await (const item of enumerateInputs([dir])) {
    subjects.push(/Subject: (\w+)/.exec(Buffer.from(item.bytes!).toString())![1]!);
    assert.ok(item.bytes!.buffer instanceof SharedArrayBuffer, `${item.source.path}: in shared memory`);
    // Live now: this message, and at most the file it was cut from and the next message, read ahead.
    assert.ok(liveSharedRegions() <= before + 3, `${item.source.path}: ${liveSharedRegions() - before} regions live`);
    releaseShared(item.bytes!);
  }
  assert.deepEqual(subjects.sort(), ['a1', 'a2', 'one', 'plain', 'single', 'two']);
  assert.equal(liveSharedRegions(), before);
});
