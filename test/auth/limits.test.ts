// The authentication stage's bounds on hostile messages, against knot on loopback (test/fixtures/dns): the work
// mailauth is asked to do per message, and the deadline that ends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { analyze } from '../../src/analyze.js';
import { MAX_BODY_HASHES } from '../../src/auth/index.js';
import { chunkEnd } from '../../src/auth/compute.js';
import type { Report, Resolver } from '../../src/types.js';
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/index.js';
import { extractIdentity, gatherRelayContext } from '../../src/identity/index.js';
import { KEY_DIR, knotSession } from '../helpers/knot.js';
import { authenticateBytes } from './helpers.js';

const env = knotSession();

const HOP = 'Return-Path: <alice@sender.test>\r\nReceived: from mail.sender.test (mail.sender.test [192.0.2.10])\r\n\tby mx.rcpt.test (Postfix) with ESMTPS id 4AbCdEf\r\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 07:00:05 +0000\r\n';
const content = (body: string) =>
  `From: Alice <alice@sender.test>\r\nTo: bob@rcpt.test\r\nSubject: limits\r\nDate: Mon, 23 Nov 2026 06:59:58 +0000\r\nMessage-ID: <limits@sender.test>\r\n\r\n${body}`;

/** A real rsa2048 signature by sender.test, with `junk` more signatures that each ask for their own body hash (l=). */
async function signed(body: string, junk: number): Promise<Buffer> {
  const raw = content(body);
  const r = await dkimSign(Buffer.from(raw), { signatureData: [{ signingDomain: 'sender.test', selector: 'rsa2048', privateKey: readFileSync(join(KEY_DIR, 'rsa2048.pem'), 'utf8') }] } as never);
  const extra = Array.from({ length: junk }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.test; s=rsa2048; l=${1e12 + i}; h=from; bh=AAAA; b=BBBB${i}\r\n`);
  return Buffer.from(`${HOP}${r.signatures}${extra.join('')}${raw}`);
}

async function run(raw: Buffer): Promise<{ report: Report; keyQueries: string[] }> {
  const view = env.session().view();
  const report = await analyze(raw, { deps: { resolver: view.resolver, dnsLog: view.log }, trust: ['mx.rcpt.test'] });
  return { report, keyQueries: view.log().filter((e) => e.name.includes('._domainkey.')).map((e) => e.name) };
}

const of = (r: Report, method: string) => r.auth.results.filter((x) => x.method === method);

test(`more than MAX_BODY_HASHES (${MAX_BODY_HASHES}) distinct body hashes: none computed, no key looked up; SPF and DMARC still judge`, async () => {
  // At the limit: the real signature and 7 more distinct l= values, all verified as usual.
  const atLimit = await run(await signed('Hello.\r\n', MAX_BODY_HASHES - 1));
  assert.equal(of(atLimit.report, 'dkim').filter((d) => d.result === 'pass').length, 1);
  assert.deepEqual(atLimit.keyQueries, ['rsa2048._domainkey.sender.test']);
  // One more: each hash is a pass over the whole body (64 of them over 8 MiB were 16 s of CPU), so none is made.
  const over = await run(await signed('Hello.\r\n', MAX_BODY_HASHES));
  assert.deepEqual(of(over.report, 'dkim').map((d) => [d.result, d.comment]), [
    ['permerror', `${MAX_BODY_HASHES + 1} distinct body hashes asked for by c=, a= and l= (more than ${MAX_BODY_HASHES}): none verified, a resource-exhaustion guard`],
  ]);
  assert.equal(of(over.report, 'arc')[0]!.result, 'permerror');
  assert.deepEqual(over.keyQueries, []);
  assert.equal(of(over.report, 'spf')[0]!.result, 'pass');
  assert.equal(of(over.report, 'dmarc')[0]!.result, 'pass', 'aligned SPF still passes DMARC');
});

const PADDING = 'lorem  ipsum \t dolor   sit amet, consectetur adipiscing elit, sed do eiusmod   \r\n';
/** 8 body hashes over 12 MiB: ~3 s of hashing here. */
const padded = () => PADDING.repeat(Math.ceil((12 * 1024 * 1024) / PADDING.length));

test('the deadline ends the body hashing too, at the DKIM step\'s share of it; SPF and DMARC still run', async () => {
  // With a 1 s deadline the hashing stops at 600 ms, long before its ~3 s: the signatures are unverified (unknown),
  // and SPF (until 800 ms) and DMARC (until 1 s) are evaluated, each with room for a busy machine: at 200 ms, SPF's
  // 40 ms between DKIM's share and its own once ran out on a loaded CI run (spf and dmarc temperror). The hashing used to run to its end after the results had been reported (the caller only stopped
  // waiting, 2 s later), and a batch's next message shared the CPU with it.
  // (Had the outer deadline, 2 s later, ended it instead, every result would be unknown: the rows say which did.)
  const raw = await signed(padded(), MAX_BODY_HASHES - 1);
  const r = await authenticateBytes(raw, { resolver: env.session().view().resolver, dnsDeadlineMs: 1000 });
  const rows = r.results.map((x) => `${x.method} ${x.result} ${x.domain ?? ''}`);
  assert.deepEqual(rows, ['spf pass sender.test', 'spf none mail.sender.test', ...Array<string>(MAX_BODY_HASHES).fill('dkim unknown sender.test'), 'dmarc pass sender.test', 'arc none ']);
  assert.equal(r.results.find((x) => x.method === 'dkim')!.comment, 'not verified: the body was not hashed to its end before the deadline');
  // A guard, not a timing target: hashing that went on would keep a core busy for the next seconds (~3 s of CPU in
  // all); stopped, the process idles (6-12 ms here). Half the window's wall time leaves room for a busy machine's
  // garbage collection of the test's own 12 MiB bodies, on the collector's threads, which this count includes.
  const cpu = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = process.cpuUsage(cpu);
  assert.ok(after.user + after.system < 1_000_000, `${Math.round((after.user + after.system) / 1000)} ms of CPU in the 2 s after the results`);
});

test('a large body is hashed in line-aligned, stoppable chunks with the same verdict: a 2 MiB signed message passes', async () => {
  const raw = await signed('x'.repeat(998).concat('\r\n').repeat(2048), 0);
  const { report } = await run(raw);
  assert.deepEqual(of(report, 'dkim').map((d) => d.result), ['pass']);
});

test('a body of one long line is hashed in one pass: 24 MiB on a line verifies within DKIM\'s share of a 5 s deadline', async () => {
  // mailauth's relaxed hash joins an unfinished line to the next chunk and scans the join again from its start; fed
  // 64 KiB slices, this line would take ~14 s (quadratic: 8 MiB took 1.6 s) and be cut off at 3 s, unknown. Chunks
  // that end at line ends hand it over whole: a few hundred ms.
  const line = Buffer.alloc(24 * 1024 * 1024, 'lorem ipsum  dolor\t');
  const raw = content(`${line.toString('latin1')}\r\n`);
  // Signed from one chunk: the signer's relaxed hash is the same code, and would be as slow fed in slices.
  const key = readFileSync(join(KEY_DIR, 'rsa2048.pem'), 'utf8');
  const signing = await dkimSign(Readable.from([Buffer.from(raw, 'latin1')]), { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: 'sender.test', selector: 'rsa2048', privateKey: key }] } as never);
  const r = await authenticateBytes(Buffer.concat([Buffer.from(`${HOP}${signing.signatures}`), Buffer.from(raw, 'latin1')]), { resolver: env.session().view().resolver, dnsDeadlineMs: 5000 });
  assert.deepEqual(r.results.map((x) => `${x.method} ${x.result} ${x.domain ?? ''}`), ['spf pass sender.test', 'spf none mail.sender.test', 'dkim pass sender.test', 'dmarc pass sender.test', 'arc none ']);
});

test('chunks end at line ends: within CHUNK bytes when a line end is there, else after the long line\'s own end', () => {
  const K = 64 * 1024;
  const cuts = (b: Buffer) => {
    const ends: number[] = [];
    for (let pos = 0; pos < b.length; pos = ends[ends.length - 1]!) ends.push(chunkEnd(b, pos));
    return ends;
  };
  const lines = Buffer.from('x'.repeat(999).concat('\n').repeat(200)); // 200,000 bytes of 1,000-byte lines
  assert.deepEqual(cuts(lines), [65000, 130000, 195000, 200000]);
  const long = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(3 * K, 'b'), Buffer.from('\nc\n'), Buffer.alloc(K, 'd')]);
  assert.deepEqual(cuts(long), [2, 3 * K + 3, 3 * K + 5, long.length], 'the long line whole, then a line, then the rest to the end');
  assert.deepEqual(cuts(Buffer.alloc(5 * K, 'e')), [5 * K], 'no line end at all: one chunk');
  assert.deepEqual(cuts(Buffer.alloc(K, 'f')), [K]);
});

test("the relay SPF check gets what is left of the message's DNS deadline, and stops querying at it", async () => {
  // A third-party relay hop (mail.evil.test -> relay.openrelay.test -> mx.rcpt.test) for a sender whose SPF is a
  // chain of 11 includes, each answer 150 ms late: ~1.8 s of lookups, one after the other.
  const raw = [
    'Return-Path: <a@permerror-lookups.spf.test>',
    'Received: from relay.openrelay.test (relay.openrelay.test [198.51.100.3])\n\tby mx.rcpt.test (Postfix) with ESMTP id B79\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 05:43:08 +0000',
    'Received: from mail.example.test (mail.evil.test [203.0.113.5])\n\tby relay.openrelay.test (Postfix) with ESMTP id B16\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 05:43:08 +0000',
    'From: <a@permerror-lookups.spf.test>',
    'To: bob@rcpt.test',
    'Subject: relayed',
  ].join('\n') + '\n\nbody\n';
  const message = parseMessage(Buffer.from(raw));
  const chain = buildChain(message, { trust: ['mx.rcpt.test'], authservIds: [] });
  const identity = extractIdentity(message, chain);
  const view = env.session().view();
  let calls = 0;
  const late: Resolver = async (name, type) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return view.resolver(name, type);
  };
  // One second left: temperror at that second (it used to take its own 5 s and run the chain to its end).
  const started = Date.now();
  const ctx = await gatherRelayContext(identity, chain, late, 1000);
  const elapsed = Date.now() - started;
  assert.deepEqual(ctx.spf.map((s) => [s.ip, s.domain, s.result]), [['198.51.100.3', 'permerror-lookups.spf.test', 'temperror']]);
  // Not before its second (a timer), and well before the 5 s of its own it used to take (a guard, not a target).
  assert.ok(elapsed >= 950 && elapsed < 4000, `took ${elapsed} ms`);
  const atReturn = calls;
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(calls - atReturn, 0, 'no lookups after the result');
  // Nothing left: no lookup at all, and the rules see why.
  const none = await gatherRelayContext(identity, chain, late, 0);
  assert.equal(calls, atReturn);
  assert.equal(none.mx?.error, 'ETIMEOUT');
  assert.deepEqual(none.spf.map((s) => [s.result, s.comment]), [['temperror', "no time left of the message's DNS deadline"]]);
});

test('a spoof padded with a body too long to hash in time still fails SPF and DMARC', async () => {
  // From 203.0.113.66 as alice@sender.test (p=reject), 8 junk signatures of the spoofer's own domain over 12 MiB:
  // within a 1 s deadline the body is not hashed (DKIM's share ends at 600 ms; SPF and DMARC get 200 ms each). It
  // used to take the whole deadline and leave SPF, DKIM, DMARC and ARC all unknown, verdict 'pass' (the CLI, 80 MiB,
  // 15 s: exit 0).
  const junk = Array.from({ length: MAX_BODY_HASHES }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=attacker.test; s=x; l=${1e12 + i}; h=from; bh=AAAA; b=AAAA\r\n`);
  const spoofHop = HOP.replace('(mail.sender.test [192.0.2.10])', '(mail.attacker.test [203.0.113.66])');
  const raw = Buffer.from(`${spoofHop}${junk.join('')}${content(padded())}`);
  const r = await authenticateBytes(raw, { resolver: env.session().view().resolver, dnsDeadlineMs: 1000 });
  const rows = r.results.map((x) => `${x.method} ${x.result} ${x.domain ?? ''}`);
  assert.deepEqual(rows, ['spf fail sender.test', 'spf none mail.sender.test', ...Array<string>(MAX_BODY_HASHES).fill('dkim unknown attacker.test'), 'dmarc fail sender.test', 'arc none ']);
});

test('body hashes are counted as mailauth reads the tags: a repeated tag counts by its last value, a long field in full', async () => {
  // mailauth's lenient parser keeps the last of a repeated tag (and reads the whole field): "l=1; ...; l=N" is a
  // hash of its own for each N. Counted by the first value, 64 such signatures were one hash to us, 64 to mailauth.
  const raw = content('Hello.\r\n');
  const r = await dkimSign(Buffer.from(raw), { signatureData: [{ signingDomain: 'sender.test', selector: 'rsa2048', privateKey: readFileSync(join(KEY_DIR, 'rsa2048.pem'), 'utf8') }] } as never);
  const repeated = Array.from({ length: MAX_BODY_HASHES }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; l=1; d=sender.test; s=rsa2048; l=${1e12 + i}; h=from; bh=AAAA; b=BBBB${i}\r\n`);
  const long = Array.from({ length: MAX_BODY_HASHES }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.test; s=rsa2048; z=${'x'.repeat(33 * 1024)}; l=${2e12 + i}; h=from; bh=AAAA; b=CCCC${i}\r\n`);
  for (const extra of [repeated, long]) {
    const { report, keyQueries } = await run(Buffer.from(`${HOP}${r.signatures}${extra.join('')}${raw}`));
    assert.deepEqual(of(report, 'dkim').map((d) => [d.result, d.comment]), [
      ['permerror', `${MAX_BODY_HASHES + 1} distinct body hashes asked for by c=, a= and l= (more than ${MAX_BODY_HASHES}): none verified, a resource-exhaustion guard`],
    ]);
    assert.deepEqual(keyQueries, []);
  }
});

test("a spoof padded with signatures of the From domain itself still fails DMARC: unhashed signatures soften nothing", async () => {
  // As above, but the 8 signatures claim d=sender.test, the spoofed domain. Unverified, each "could have aligned",
  // and DMARC became unknown instead of fail: whoever writes the body chooses how long hashing it takes (8 hashes of
  // 50 MB, or one of 20 MB on a single line, which mailauth hashes in time quadratic in the line), so a deadline
  // that stops it must leave DMARC as it would be without those signatures, as MAX_BODY_HASHES does.
  const junk = Array.from({ length: MAX_BODY_HASHES }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.test; s=rsa2048; l=${1e12 + i}; h=from; bh=AAAA; b=AAAA\r\n`);
  const spoofHop = HOP.replace('(mail.sender.test [192.0.2.10])', '(mail.attacker.test [203.0.113.66])');
  const raw = Buffer.from(`${spoofHop}${junk.join('')}${content(padded())}`);
  const r = await authenticateBytes(raw, { resolver: env.session().view().resolver, dnsDeadlineMs: 1500 });
  const rows = r.results.map((x) => `${x.method} ${x.result} ${x.domain ?? ''}`);
  assert.deepEqual(rows, ['spf fail sender.test', 'spf none mail.sender.test', ...Array<string>(MAX_BODY_HASHES).fill('dkim unknown sender.test'), 'dmarc fail sender.test', 'arc none ']);
  assert.match(r.results.find((x) => x.method === 'dmarc')!.comment ?? '', /p=REJECT.*not verified: the body was not hashed/);
});
