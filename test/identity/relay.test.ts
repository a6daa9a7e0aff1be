// Open-relay traversal with the DNS the rules need served by the project's replay resolver (a recorded-DNS
// snapshot), so the MX and SPF facts are real lookups through the same module a --dns-replay run uses.
// The message has the shape of the netns mail lab's "spoof via open relay" (platform-facts 5.2), on public
// documentation addresses: loopback clients are the receiver's own by definition (src/hops/trust.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { replayResolver } from '../../src/dns/replay.js';
import type { DnsAnswerRecord } from '../../src/types.js';
import type { DnsSnapshot } from '../../src/dns/snapshot.js';

const OPEN_RELAY = [
  'Return-Path: <alice@example.test>',
  'Delivered-To: bob@rcpt.test',
  'Received: from relay.openrelay.test (relay.openrelay.test [192.0.2.3])\n\tby mx.rcpt.test (Postfix) with ESMTP id B7918220122\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 05:43:08 +0000 (UTC)',
  'Received: from mail.example.test (mail.evil.test [192.0.2.5])\n\tby relay.openrelay.test (Postfix) with ESMTP id B16E02200E2\n\tfor <bob@rcpt.test>; Mon, 23 Nov 2026 05:43:08 +0000 (UTC)',
  'From: "paypal@paypal.com" <alice@example.test>',
  'To: bob@rcpt.test',
  'Subject: lab spoof via open relay',
  'Date: Mon, 23 Nov 2026 05:43:07 +0000',
  'Message-ID: <spoof.1@example.test>',
].join('\n') + '\n\nbody\n';

function snapshot(spf: string, mx = 'mx.rcpt.test'): DnsSnapshot {
  return {
    'rcpt.test': { MX: [{ exchange: mx, priority: 10 }] },
    'example.test': { TXT: [[spf]] },
  } as DnsSnapshot;
}

async function run(raw: string, snap: DnsSnapshot | undefined) {
  const log: DnsAnswerRecord[] = [];
  const deps = snap ? { resolver: replayResolver(snap, log) } : {};
  const report = await analyze(Buffer.from(raw), { deps });
  return { report, log };
}

test('an unauthenticated hop through a host outside the sender\'s SPF and the recipient\'s MX is third-party relaying', async () => {
  const { report, log } = await run(OPEN_RELAY, snapshot('v=spf1 ip4:192.0.2.2 -all'));
  const f = report.findings.find((x) => x.id === 'relay.third-party');
  assert.ok(f, JSON.stringify(report.findings.map((x) => x.id)));
  assert.equal(f.severity, 'medium');
  assert.equal(f.data?.['relay'], 'relay.openrelay.test');
  assert.equal(f.data?.['spf'], 'fail');
  assert.deepEqual(f.data?.['mx'], ['mx.rcpt.test']);
  assert.ok(f.evidence.some((e) => e.header === 'dns:MX rcpt.test' && e.text === 'mx.rcpt.test'));
  assert.ok(f.evidence.some((e) => e.header === 'dns:SPF example.test' && /spf=fail for 192\.0\.2\.3/.test(e.text)));
  assert.ok(log.some((r) => r.name === 'rcpt.test' && r.type === 'MX' && r.provenance === 'replayed'));
  // The display name carries an address of another organisation: the verdict is forged, and says why.
  assert.equal(report.verdict, 'forged');
  assert.ok(report.verdictDrivers.includes('identity.display-name-impersonation'));
});

test('a relay the sender\'s SPF authorises is the sender\'s own: no finding', async () => {
  const { report } = await run(OPEN_RELAY, snapshot('v=spf1 ip4:192.0.2.0/29 -all'));
  assert.equal(report.findings.filter((x) => x.id === 'relay.third-party').length, 0);
});

test('offline: the relay is described, nothing is decided, and no lookup is made', async () => {
  const { report, log } = await run(OPEN_RELAY, undefined);
  const f = report.findings.find((x) => x.id === 'relay.third-party');
  assert.equal(f?.severity, 'info');
  assert.equal(f?.data?.['checked'], false);
  assert.match(f!.title, /offline/);
  assert.equal(log.length, 0);
});

test('a boundary host that is not an MX of the recipient domain', async () => {
  const { report } = await run(OPEN_RELAY, snapshot('v=spf1 ip4:192.0.2.0/29 -all', 'mx1.elsewhere.test'));
  const f = report.findings.find((x) => x.id === 'relay.not-via-mx');
  assert.equal(f?.severity, 'low');
  assert.deepEqual(f?.data?.['mx'], ['mx1.elsewhere.test']);
});

test('an MX answer missing from the snapshot decides nothing', async () => {
  const snap = snapshot('v=spf1 ip4:192.0.2.0/29 -all');
  delete (snap as Record<string, unknown>)['rcpt.test'];
  const { report, log } = await run(OPEN_RELAY, snap);
  assert.equal(report.findings.filter((x) => x.id === 'relay.not-via-mx').length, 0);
  assert.ok(log.some((r) => r.name === 'rcpt.test' && r.provenance === 'missing'));
});
