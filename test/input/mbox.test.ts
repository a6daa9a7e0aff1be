import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSeparatorLine, readMbox, startsWithSeparator, unquoteFromLines } from '../../src/input/mbox.js';
import { corpusFiles } from '../helpers/corpus.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('mbox');

async function collect(path: string, chunkBytes: number, maxMessageBytes?: number) {
  const out = [];
  for await (const m of readMbox(path, { chunkBytes, ...(maxMessageBytes ? { maxMessageBytes } : {}) })) out.push(m);
  return out;
}

test('separator lines: a sender and a date with a time of day; body lines starting with "From " are not', () => {
  assert.equal(isSeparatorLine('From 12a1mailbot1@web.de  Thu Aug 22 13:17:22 2002'), true);
  assert.equal(isSeparatorLine('From MAILER-DAEMON Fri Jul  8 12:08:34 2011'), true);
  assert.equal(isSeparatorLine('From here on, we talk about money'), false);
  assert.equal(isSeparatorLine('From: alice@example.com'), false);
  assert.equal(isSeparatorLine('From a@b Mon Jan 1 00:00:00 2001' + 'x'.repeat(2000)), false);
});

test('mboxrd unquoting removes one ">" from ">From " lines only', () => {
  const q = Buffer.from('a\n>From x\n>>From y\n> From z\n>Fromage\n');
  assert.equal(unquoteFromLines(q).toString(), 'a\nFrom x\n>From y\n> From z\n>Fromage\n');
});

const mbox = [
  'From alice@example.com Mon Jan  1 10:00:00 2024',
  'From: alice@example.com',
  'Subject: one',
  '',
  'From here on the body talks, unquoted (mboxo writers forget).',
  '>From a quoted line',
  '',
  'From bob@example.net Tue Jan  2 11:00:00 2024',
  'From: bob@example.net',
  'Subject: two',
  '',
  'body two',
  '',
  'From carol@example.org Wed Jan  3 12:00:00 2024',
  'From: carol@example.org',
  'Subject: three',
  '',
  'body three',
  '',
].join('\n');

for (const chunk of [1, 2, 5, 6, 7, 64, 1024 * 1024]) {
  test(`mbox split is the same with ${chunk}-byte reads: offsets, indexes, unquoting`, async () => {
    const path = join(dir, `small-${chunk}.mbox`);
    writeFileSync(path, mbox);
    const msgs = await collect(path, chunk);
    assert.equal(msgs.length, 3);
    assert.deepEqual(msgs.map((m) => m.index), [0, 1, 2]);
    const file = readFileSync(path);
    for (const m of msgs) assert.equal(file.toString('latin1', m.offset, m.offset + 5), 'From ');
    assert.deepEqual(msgs.map((m) => m.offset), [0, mbox.indexOf('From bob'), mbox.indexOf('From carol')]);
    const first = Buffer.from(msgs[0]!.bytes!).toString();
    assert.match(first, /From here on the body talks/);
    assert.match(first, /\nFrom a quoted line\n$/);
    assert.equal(msgs.reduce((n, m) => n + m.size, 0), file.length, 'sizes cover the whole file');
  });
}

for (const chunk of [1, 3, 1024 * 1024]) {
  test(`blank and whitespace-only lines before the first separator are not a message (${chunk}-byte reads)`, async () => {
    const preamble = '\n \t\r\n\n';
    const path = join(dir, `preamble-${chunk}.mbox`);
    writeFileSync(path, preamble + mbox);
    const msgs = await collect(path, chunk);
    assert.deepEqual(msgs.map((m) => m.index), [0, 1, 2]);
    assert.deepEqual(msgs.map((m) => m.offset), [0, mbox.indexOf('From bob'), mbox.indexOf('From carol')].map((o) => preamble.length + o));
    assert.match(Buffer.from(msgs[0]!.bytes!).toString(), /^From alice@example\.com /);
  });
}

for (const chunk of [1, 2, 1024 * 1024]) {
  test(`a byte-order mark (and blank lines) before the first separator is no message (${chunk}-byte reads)`, async () => {
    const path = join(dir, `bom-${chunk}.mbox`);
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n' + mbox)]));
    const msgs = await collect(path, chunk);
    assert.deepEqual(msgs.map((m) => m.index), [0, 1, 2]);
    assert.match(Buffer.from(msgs[0]!.bytes!).toString(), /^From alice@example\.com /);
  });
}

test('a file that starts with a byte-order mark and a separator is an mbox', () => {
  assert.equal(startsWithSeparator(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mbox)])), true);
});

test('text before the first separator is still reported as a message of its own', async () => {
  const path = join(dir, 'text-preamble.mbox');
  writeFileSync(path, '\nnot mail\n' + mbox);
  const msgs = await collect(path, 1024);
  assert.deepEqual(msgs.map((m) => m.index), [0, 1, 2, 3]);
  assert.equal(Buffer.from(msgs[0]!.bytes!).toString(), '\nnot mail\n');
  assert.equal(msgs[1]!.offset, '\nnot mail\n'.length);
});

test('a file of blank lines only holds no message', async () => {
  const path = join(dir, 'blank.mbox');
  writeFileSync(path, '\n\n  \n');
  assert.deepEqual(await collect(path, 2), []);
});

test('CRLF mbox: separators found, framing blank line dropped', async () => {
  const path = join(dir, 'crlf.mbox');
  writeFileSync(path, mbox.replace(/\n/g, '\r\n'));
  const msgs = await collect(path, 3);
  assert.equal(msgs.length, 3);
  assert.ok(Buffer.from(msgs[1]!.bytes!).toString().endsWith('body two\r\n'));
});

test('a message over the cap is reported without its bytes, and the next one is intact', async () => {
  const path = join(dir, 'big.mbox');
  const big = 'From a@b Mon Jan  1 10:00:00 2024\nSubject: big\n\n' + 'x'.repeat(5000) + '\n\n';
  writeFileSync(path, big + mbox);
  const msgs = await collect(path, 100, 1000);
  assert.equal(msgs.length, 4);
  assert.equal(msgs[0]!.bytes, undefined);
  assert.equal(msgs[0]!.size, big.length);
  assert.match(Buffer.from(msgs[1]!.bytes!).toString(), /Subject: one/);
});

test('real mail: SpamAssassin messages (each starts with its From line) concatenated split back exactly', async () => {
  const files = corpusFiles('spamassassin', 'spam-1').filter((f) => f.endsWith('.eml')).slice(0, 300);
  const originals = files.map((f) => readFileSync(f)).filter((b) => b.subarray(0, 5).toString() === 'From ');
  assert.ok(originals.length > 200);
  // The writer's side: mboxrd-quote body lines, end every message with a blank line.
  const quote = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n(>*From )/g, '\n>$1'), 'latin1');
  const withEol = (b: Buffer) => (b[b.length - 1] === 10 ? b : Buffer.concat([b, Buffer.from('\n')]));
  const path = join(dir, 'spam.mbox');
  writeFileSync(path, Buffer.concat(originals.map((b) => Buffer.concat([quote(withEol(b)), Buffer.from('\n')]))));
  const msgs = await collect(path, 4096);
  assert.equal(msgs.length, originals.length);
  msgs.forEach((m, i) => assert.ok(Buffer.from(m.bytes!).equals(withEol(originals[i]!)), `message ${i} differs`));
});

test('separator lines need a date: a weekday or month name, a time of day and a year (two digits only after the time)', () => {
  for (const line of [
    'From - Mon Jan  1 00:00:00 2024', // Thunderbird
    'From  Thu Aug 22 13:17:22 2002', // no sender
    'From a@b [ufa]  Thu Aug 22 13:17:22 2002', // SpamAssassin corpus: a tag before the date
    'From a@b Sat Jan  3 01:05:34 1996 +0100',
    'From a@b Thu, 22 Aug 2002 13:17:22 +0000',
    'From a@b\tThu Aug 22 13:17 2002',
    'From alice@example.org Fri Jun 23 02:56:55 00', // mbox(5): a two-digit year
    'From alice@example.org Fri Jun 23 02:56:55 PST 00',
  ]) {
    assert.equal(isSeparatorLine(line), true, line);
  }
  for (const line of [
    'From the desk of the CEO, meeting at 10:30',
    'From the desk of the CEO, meeting at 10:30 in 2024', // no day or month name
    'From a@b Thu Aug 22 2002', // no time of day
    'From a@b Thu Aug 22 13:17:22', // no year
    'From a@b Monday 10:30 2024', // a name only as a whole word
    'From Thu@Aug 22 13:17:22 2002', // the day and month in the sender do not count
    'From : Mon Jan  1 00:00:00 2024', // the From header field, with the obsolete space before its colon
    'From Mon to Fri, 9:00 to 12 noon daily', // body text: two digits after a time are a year only after hh:mm:ss
    'From the meeting on Mon at 10:30 am 12 people joined',
    'From me: see you Tue at 10:15 in 30 minutes',
  ]) {
    assert.equal(isSeparatorLine(line), false, line);
  }
});

test("every From_ line in the corpus is a separator; its body lines starting 'From ' are not (but git's own From_ line)", () => {
  let separators = 0;
  const notSeparators: string[] = [];
  for (const file of ['spamassassin', 'phishing_pot', 'kernel-list'].flatMap((folder) => corpusFiles(folder))) {
    const lines = readFileSync(file, 'latin1').split('\n');
    const first = lines[0]!.replace(/\r$/, '');
    // A first "From " line that is no header field ("From : x" is one) is the file's From_ line.
    if (/^From (?![ \t]*:)/.test(first)) {
      assert.equal(isSeparatorLine(first), true, `${file}: ${first}`);
      separators++;
    }
    for (const line of lines.slice(1)) if (line.startsWith('From ') && isSeparatorLine(line.replace(/\r$/, ''))) notSeparators.push(line);
  }
  assert.ok(separators > 3000, `${separators} From_ lines`);
  // A patch mailed inline: git format-patch's From_ line is a real one (the file does not start with a From_ line, so
  // it is never cut).
  assert.deepEqual(notSeparators, ['From cb14add421967f6e374eb77c36cc4a0526b10d17 Mon Sep 17 00:00:00 2001']);
});

test('a body line "From the desk of the CEO, meeting at 10:30" does not cut its message in two', async () => {
  const path = join(dir, 'desk.mbox');
  writeFileSync(path, 'From a@b Thu Aug 22 13:17:22 2002\nFrom: a@b\nSubject: s\n\nFrom the desk of the CEO, meeting at 10:30\nsee you\n\n');
  const msgs = await collect(path, 1024);
  assert.equal(msgs.length, 1);
  assert.match(Buffer.from(msgs[0]!.bytes!).toString(), /From the desk of the CEO, meeting at 10:30\nsee you\n$/);
});

// A hang guard, not a speed target (speed lives in npm run bench): the backtracking check took 6.5 s on this file.
test('10,000 unquoted "From x" + 990 spaces lines (10 MB) in a body: one message, no separator among them', { timeout: 60_000 }, async () => {
  const path = join(dir, 'spaces.mbox');
  writeFileSync(path, 'From a@b Thu Aug 22 13:17:22 2002\nFrom: a@b\nSubject: s\n\n' + `From x${' '.repeat(990)}\n`.repeat(10_000));
  const msgs = await collect(path, 1024 * 1024);
  assert.equal(msgs.length, 1);
});
