// The hop-chain findings, through the real pipeline (analyze, offline): each rule fires on the fact it is about,
// and stays quiet on the real ham chains next to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import type { AnalyzeOptions, Finding } from '../../src/types.js';

async function findings(received: string[], options: AnalyzeOptions = {}): Promise<Finding[]> {
  const head = received.map((r) => `Received: ${r}`).join('\r\n');
  const raw = `${head}\r\nFrom: a@sender.example\r\nTo: b@rcpt.example\r\nSubject: t\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n`;
  const report = await analyze(Buffer.from(raw), { offline: true, ...options });
  return report.findings.filter((f) => f.id.startsWith('hops.'));
}

const ids = (fs: Finding[]) => fs.map((f) => `${f.id}:${f.severity}`).sort();

// kernel-list/00074-*.eml, whole chain: legitimate list traffic. No hop finding above "info" may fire on it.
const KERNEL = [
  'from vger.kernel.org (vger.kernel.org [209.132.180.67]) by mail.lfdr.de (Postfix) with ESMTP id B131FF3CB1 for <lists+ecryptfs@lfdr.de>; Fri,  8 Nov 2019 01:18:29 +0100 (CET)',
  '(majordomo@vger.kernel.org) by vger.kernel.org via listexpand id S1725928AbfKHASX (ORCPT <rfc822;lists+ecryptfs@lfdr.de>); Thu, 7 Nov 2019 19:18:23 -0500',
  'from mga03.intel.com ([134.134.136.65]:25936 "EHLO mga03.intel.com" rhost-flags-OK-OK-OK-OK) by vger.kernel.org with ESMTP id S2389145AbgJITwP (ORCPT <rfc822;ecryptfs@vger.kernel.org>); Thu, 7 Nov 2019 19:18:17 -0500',
  'from orsmga003.jf.intel.com ([10.7.209.27]) by orsmga103.jf.intel.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; 07 Nov 2019 16:18:14 -0800',
  'from iweiny-desk2.sc.intel.com (HELO localhost) ([10.3.52.147]) by orsmga003-auth.jf.intel.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; 07 Nov 2019 16:18:13 -0800',
];

test('real list traffic: no hop finding above info', async () => {
  const fs = await findings(KERNEL);
  assert.deepEqual(fs.filter((f) => f.severity !== 'info').map((f) => f.id), []);
});

const BOUNDARY = 'from mail.example.com (mail.example.com [80.96.157.234]) by mx.rcpt.example (Postfix) with ESMTP id A1; Mon, 1 Jan 2024 00:00:10 +0000';

test('hops.broken-chain: the line below the boundary names a receiver the boundary client is not', async () => {
  const broken = await findings([BOUNDARY, 'from laptop (pc.isp.example [52.25.139.140]) by smtp.example-isp.net (Postfix) with ESMTP id B2; Mon, 1 Jan 2024 00:00:05 +0000']);
  const f = broken.find((x) => x.id === 'hops.broken-chain');
  assert.ok(f, 'fires');
  assert.equal(f.evidence.length, 2);
  assert.match(f.evidence[0]!.text, /mx\.rcpt\.example/);
  assert.match(f.evidence[1]!.text, /smtp\.example-isp\.net/);
  assert.equal(typeof f.evidence[0]!.index, 'number');
  // Short name vs FQDN, the same registrable domain, the same organisation under another suffix, an internal
  // name or a NATed receiver are all tolerated.
  for (const by of ['mail', 'mail.example.com', 'out3.example.com', 'relay.example.net', '[80.96.157.234]', 'mx.corp.internal', 'gw.example-isp.net (10.0.0.1)']) {
    const ok = await findings([BOUNDARY, `from laptop (pc.isp.example [52.25.139.140]) by ${by} (Postfix) with ESMTP id B2; Mon, 1 Jan 2024 00:00:05 +0000`]);
    assert.equal(ok.find((x) => x.id === 'hops.broken-chain'), undefined, by);
  }
});

test('hops.time-reversal: beyond the skew it is information, beyond a day below the boundary a point', async () => {
  const older = (date: string) => `from pc (pc.isp.example [52.25.139.140]) by mail.example.com (Postfix) with ESMTP id B2; ${date}`;
  assert.deepEqual(ids(await findings([BOUNDARY, older('Mon, 1 Jan 2024 00:04:00 +0000')])), [], 'within 300 s');
  assert.deepEqual(ids(await findings([BOUNDARY, older('Mon, 1 Jan 2024 00:04:00 +0000')], { skewSeconds: 60 })), ['hops.time-reversal:info']);
  assert.deepEqual(ids(await findings([BOUNDARY, older('Mon, 1 Jan 2024 01:00:10 +0000')])), ['hops.time-reversal:info'], 'a wrong zone');
  const far = (await findings([BOUNDARY, older('Wed, 3 Jan 2024 00:00:00 +0000')])).find((f) => f.id === 'hops.time-reversal')!;
  assert.equal(far.severity, 'low');
  assert.equal(far.data?.delaySeconds, -172790);
});

test('hops.private-ip-relay: reserved space is low, private space information, a site\'s own or an authenticated submission nothing', async () => {
  const below = (from: string, by: string) => `from ${from} by ${by} (Postfix) with ESMTP id B2; Mon, 1 Jan 2024 00:00:05 +0000`;
  const reserved = await findings([BOUNDARY, below('x (x [192.0.2.10])', 'mail.example.com')]);
  assert.ok(reserved.some((f) => f.id === 'hops.private-ip-relay' && f.severity === 'low'));
  const authenticated = await findings([BOUNDARY, 'from [192.168.10.23] (unknown [192.0.2.10]) (Authenticated sender: a@example.com) by mail.example.com (Postfix) with ESMTPSA id B2; Mon, 1 Jan 2024 00:00:05 +0000']);
  assert.equal(authenticated.find((f) => f.id === 'hops.private-ip-relay'), undefined);
  const privateOther = await findings([BOUNDARY, below('pc (pc.lan [10.0.0.5])', 'mail.example.com')]);
  assert.ok(privateOther.some((f) => f.id === 'hops.private-ip-relay' && f.severity === 'info'));
  const ownSubmission = await findings([BOUNDARY, below('pc.example.com (pc.example.com [10.0.0.5])', 'mail.example.com')]);
  assert.equal(ownSubmission.find((f) => f.id === 'hops.private-ip-relay'), undefined);
});

test('hops.helo-ip-mismatch: another public address in the HELO at the boundary is medium; a NAT address information', async () => {
  const hop = (helo: string) => `from ${helo} (pc.isp.example [80.96.157.234]) by mx.rcpt.example (Postfix) with ESMTP id A1; Mon, 1 Jan 2024 00:00:10 +0000`;
  assert.deepEqual(ids(await findings([hop('[52.25.139.140]')])), ['hops.helo-ip-mismatch:medium']);
  assert.deepEqual(ids(await findings([hop('[192.168.1.20]')])), ['hops.helo-ip-mismatch:info']);
  assert.deepEqual(ids(await findings([hop('[80.96.157.234]')])), []);
});

test('hops.helo-impersonates-provider: HELO gmail.com from a host whose reverse DNS is not Google', async () => {
  const hop = (helo: string, rdns: string) => `from ${helo} (${rdns} [80.96.157.234]) by mx.rcpt.example (Postfix) with ESMTP id A1; Mon, 1 Jan 2024 00:00:10 +0000`;
  const f = (await findings([hop('gmail.com', 'dsl-80-96.isp.example')])).find((x) => x.id === 'hops.helo-impersonates-provider');
  assert.equal(f?.severity, 'high');
  assert.equal(f?.data?.provider, 'gmail.com');
  assert.ok((await findings([hop('smtp.outlook.com', 'unknown')])).some((x) => x.id === 'hops.helo-impersonates-provider'), 'no reverse DNS at all');
  assert.deepEqual(ids(await findings([hop('mail-sor-f41.google.com', 'mail-sor-f41.google.com')])), []);
  // "from x (ip)" without a name slot says nothing about the reverse DNS (hard-ham "from mx15.web.de (217.72.192.174)").
  const noSlot = 'from gmail.com (80.96.157.234) by mx.rcpt.example with SMTP; Mon, 1 Jan 2024 00:00:10 +0000';
  assert.equal((await findings([noSlot])).find((x) => x.id === 'hops.helo-impersonates-provider'), undefined);
  // Exchange records no reverse DNS, so the question cannot be asked there.
  const exchange = 'from gmail.com (80.96.157.234) by AM7EUR03FT036.mail.protection.outlook.com (100.127.140.93) with Microsoft SMTP Server id 15.20.6813.20 via Frontend Transport; Mon, 1 Jan 2024 00:00:10 +0000';
  assert.equal((await findings([exchange])).find((x) => x.id === 'hops.helo-impersonates-provider'), undefined);
});

test('hops.unparseable and hops.no-received keep the evidence', async () => {
  const f = (await findings(['Carol Hester'])).find((x) => x.id === 'hops.unparseable')!;
  assert.equal(f.evidence[0]!.text, 'Received: Carol Hester');
  const raw = 'From: a@b.example\r\nSubject: t\r\n\r\nbody\r\n';
  const report = await analyze(Buffer.from(raw), { offline: true });
  assert.ok(report.findings.some((x) => x.id === 'hops.no-received'));
  assert.equal(report.boundary, null);
});
