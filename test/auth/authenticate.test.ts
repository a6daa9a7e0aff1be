// The authentication stage's own decisions: which SPF inputs it uses, what it trusts, how it reports what it
// could not evaluate, and that it neither hangs nor loads mailauth when it must not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticateBytes } from './helpers.js';
import { replayResolver } from '../../src/dns/replay.js';
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/index.js';
import { recordedResults, trustedIds } from '../../src/auth/recorded.js';
import { orgDomain } from '../../src/identity/org.js';
import { spfInputs } from '../../src/auth/spf-inputs.js';
import { analyze } from '../../src/analyze.js';
import { ROOT } from '../helpers/cli.js';
import { loadSnapshot, type DnsSnapshot } from '../../src/dns/snapshot.js';

const HOP = 'Received: from mail.sender.example (mail.sender.example [192.0.2.10])\r\n\tby mx.rcpt.example (Postfix) with ESMTPS id 4AbC\r\n\tfor <bob@rcpt.example>; Mon, 23 Nov 2026 07:00:05 +0000\r\n';
const CONTENT = 'From: Alice <alice@sender.example>\r\nTo: bob@rcpt.example\r\nSubject: hi\r\nDate: Mon, 23 Nov 2026 06:59:00 +0000\r\n\r\nHello.\r\n';
const msg = (...parts: string[]) => Buffer.from(parts.join(''));

/** The answers a complete replay needs for sender.example (SPF pass for 192.0.2.10, DMARC p=reject). */
function senderSnapshot(): DnsSnapshot {
  const s: DnsSnapshot = Object.create(null);
  s['sender.example'] = { TXT: [['v=spf1 ip4:192.0.2.0/24 -all']] };
  s['mail.sender.example'] = { TXT: { error: 'ENODATA' } };
  s['_dmarc.sender.example'] = { TXT: [['v=DMARC1; p=reject']] };
  s['_dmarc.example'] = { TXT: { error: 'ENOTFOUND' } };
  return s;
}

test('SPF uses the boundary hop and the Return-Path above it; a Return-Path below the boundary is ignored', async () => {
  const planted = msg(HOP, 'Return-Path: <attacker@evil.example>\r\n', CONTENT);
  const r = await authenticateBytes(planted, { resolver: replayResolver(senderSnapshot(), []) });
  assert.deepEqual(r.inputs, { ip: '192.0.2.10', helo: 'mail.sender.example' });
  // MAIL FROM unknown: its SPF is unknown (never the HELO's result borrowed), the HELO is still checked.
  const spfRows = r.results.filter((x) => x.method === 'spf').map((x) => [x.details?.['identity'], x.result, x.domain]);
  assert.deepEqual(spfRows, [
    ['mailfrom', 'unknown', undefined],
    ['helo', 'none', 'mail.sender.example'],
  ]);
  const top = msg('Return-Path: <alice@sender.example>\r\n', HOP, CONTENT);
  const r2 = await authenticateBytes(top, { resolver: replayResolver(senderSnapshot(), []) });
  assert.deepEqual(r2.inputs, { ip: '192.0.2.10', helo: 'mail.sender.example', mailFrom: 'alice@sender.example' });
  const spf = r2.results.find((x) => x.method === 'spf' && x.details?.['identity'] === 'mailfrom')!;
  assert.equal(spf.result, 'pass');
  assert.equal(r2.results.find((x) => x.method === 'dmarc')!.result, 'pass');
});

test('a replay missing only the HELO check\'s answer leaves the MAIL FROM result and DMARC standing', async () => {
  // The spoof from 203.0.113.66 fails SPF for sender.example and DMARC p=reject; the file has no TXT for the HELO
  // name. That miss belongs to the HELO check alone: it used to make the MAIL FROM fail "unknown" too, and DMARC
  // with it ("depends on spf sender.example which is unknown").
  const s = senderSnapshot();
  delete s['mail.sender.example'];
  const raw = msg('Return-Path: <alice@sender.example>\r\n', HOP.replace('[192.0.2.10]', '[203.0.113.66]'), CONTENT);
  const r = await authenticateBytes(raw, { resolver: replayResolver(s, []) });
  const rows = r.results.filter((x) => x.method === 'spf' || x.method === 'dmarc').map((x) => [x.method, x.details?.['identity'] ?? '', x.result, x.comment]);
  assert.deepEqual(rows, [
    ['spf', 'mailfrom', 'fail', 'mailtrace: domain of alice@sender.example does not designate 203.0.113.66 as permitted sender'],
    ['spf', 'helo', 'unknown', 'replay has no answer for TXT mail.sender.example'],
    ['dmarc', '', 'fail', 'p=REJECT arc=none'],
  ]);
});

test('a loopback client is never used for SPF: unknown with the reason, end to end and in the guard itself', async () => {
  const local = 'Received: from localhost (localhost [127.0.0.1])\r\n\tby mx.rcpt.example (Postfix) with ESMTP id 1; Mon, 23 Nov 2026 07:00:05 +0000\r\n';
  const raw = msg('Return-Path: <alice@sender.example>\r\n', local, CONTENT);
  const r = await authenticateBytes(raw, { resolver: replayResolver(senderSnapshot(), []) });
  const spf = r.results.find((x) => x.method === 'spf')!;
  assert.equal(spf.result, 'unknown');
  assert.match(spf.comment ?? '', /loopback|no trust boundary/);
  assert.equal(r.inputs?.ip, undefined);
  // Whatever the hop stage decides, a boundary hop that states a loopback client is refused by spfInputs.
  const message = parseMessage(raw);
  const chain = buildChain(message, { trust: [], authservIds: [] });
  const hop = { ...chain.hops[0]!, trust: 'boundary' as const, from: { ip: '127.0.0.1', helo: 'localhost' } };
  const inputs = spfInputs(message, { hops: [hop], boundary: 0 });
  assert.equal(inputs.ip, undefined);
  assert.match(inputs.problem ?? '', /loopback/);
});

test('replay with answers missing: unknown (never none or fail), marked missing, and no fail findings', async () => {
  const log: never[] = [];
  const empty: DnsSnapshot = Object.create(null);
  const raw = msg('Return-Path: <alice@sender.example>\r\n', HOP, CONTENT);
  const report = await analyze(raw, { deps: { resolver: replayResolver(empty, log), dnsLog: () => log } });
  for (const m of report.auth.results) {
    if (m.method === 'dkim' || m.method === 'arc') continue; // unsigned, unsealed: none without any DNS
    assert.equal(m.result, 'unknown', `${m.method}: ${m.comment}`);
  }
  assert.ok(report.auth.dns.length > 0 && report.auth.dns.every((d) => d.provenance === 'missing'));
  assert.deepEqual(report.findings.filter((f) => f.id.startsWith('auth.')), []);
});

test('a resolver that never settles: the per-message deadline ends the DNS work', async () => {
  const never = () => new Promise<never>(() => {});
  const started = Date.now();
  const r = await authenticateBytes(msg('Return-Path: <alice@sender.example>\r\n', HOP, CONTENT), { resolver: never, dnsDeadlineMs: 300 });
  assert.ok(Date.now() - started < 5_000);
  const spf = r.results.find((x) => x.method === 'spf')!;
  assert.equal(spf.result, 'temperror', spf.comment);
});

test('offline: recorded results only, mode offline, and mailauth is never loaded', () => {
  const script = `
    import { analyze } from './src/analyze.ts';
    import { createRequire } from 'node:module';
    const raw = Buffer.from(${JSON.stringify(msg('Authentication-Results: mx.rcpt.example; spf=pass smtp.mailfrom=sender.example; dmarc=fail header.from=sender.example\r\n', HOP, CONTENT).toString())});
    const r = await analyze(raw, { offline: true });
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('mailauth'));
    console.log(JSON.stringify({ mode: r.auth.mode, results: r.auth.results.map((m) => m.method + '=' + m.result), loaded }));
  `;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const r = JSON.parse(out.stdout.trim().split('\n').pop()!);
  assert.equal(r.mode, 'offline');
  assert.deepEqual(r.results, ['spf=pass', 'dkim=unknown', 'dmarc=fail', 'arc=unknown']);
  assert.deepEqual(r.loaded, []);
});

test('an oversized header block is not handed to mailauth: every method unknown', async () => {
  const big = 'X-Filler: ' + 'a'.repeat(200) + '\r\n';
  const raw = msg('Return-Path: <alice@sender.example>\r\n', HOP, big.repeat(6000), CONTENT);
  const message = parseMessage(raw, 64 * 1024);
  assert.ok(message.problems.some((p) => p.code === 'header-truncated'));
  const report = await analyze(raw, { maxHeaderBytes: 64 * 1024, deps: { resolver: replayResolver(senderSnapshot(), []) } });
  assert.ok(report.auth.results.every((m) => m.result === 'unknown'));
});

test('recorded results: trusted above the boundary, Gmail-style just below it, foreign or planted ones not', async () => {
  const raw = msg(
    'Authentication-Results: mx2.rcpt.example; dkim=pass header.d=sender.example\r\n',
    'Authentication-Results: spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=sender.example\r\n',
    HOP,
    'Received-SPF: pass client-ip=192.0.2.10\r\n',
    'Authentication-Results: mx.rcpt.example; dmarc=pass header.from=sender.example\r\n',
    'Authentication-Results: mx.rcpt.example; dmarc=pass header.from=sender.example\r\n',
    'X-Mailer: x\r\n',
    'Authentication-Results: other.example; dkim=pass\r\n',
    CONTENT,
  );
  const message = parseMessage(raw);
  const chain = buildChain(message, { trust: [], authservIds: [] });
  const rows = recordedResults(message, chain, trustedIds(chain, [], orgDomain));
  assert.deepEqual(
    rows.map((r) => [r.header, r.authservId, r.method, r.trusted, r.receiverId]),
    [
      [0, 'mx2.rcpt.example', 'dkim', true, true], // above the boundary, an id of the receiver's organisation
      [1, '', 'spf', true, false], // Exchange style: no id, above the boundary
      [4, 'mx.rcpt.example', 'dmarc', true, true], // in the receiver's trace block just below its Received
      [5, 'mx.rcpt.example', 'dmarc', false, true], // a second one of the same id: the sender's
      [7, 'other.example', 'dkim', false, false], // below the boundary, a foreign id
    ],
  );
  assert.match(rows[3]!.trustReason, /below the boundary/);
});

test("recorded results: the receiver's own field above the boundary is the first of its id; one just below it is the sender's", async () => {
  // The receiver's real dmarc=fail above its Received, a sender's planted dmarc=pass in the trace block below it:
  // both used to be trusted ("only the first per id" counted the fields below the boundary alone).
  const raw = msg(
    'Authentication-Results: mx.rcpt.example; dmarc=fail header.from=sender.example\r\n',
    HOP,
    'Authentication-Results: mx.rcpt.example; dmarc=pass header.from=sender.example\r\n',
    CONTENT,
  );
  const message = parseMessage(raw);
  const chain = buildChain(message, { trust: [], authservIds: [] });
  const rows = recordedResults(message, chain, trustedIds(chain, [], orgDomain));
  assert.deepEqual(rows.map((r) => [r.result, r.trusted]), [['fail', true], ['pass', false]]);
});

test('--trust-authserv-id makes a configured id trusted above the boundary', async () => {
  const raw = msg('Authentication-Results: filter.corp.example; spf=fail smtp.mailfrom=sender.example\r\n', HOP, CONTENT);
  const message = parseMessage(raw);
  const chain = buildChain(message, { trust: [], authservIds: [] });
  assert.equal(recordedResults(message, chain, trustedIds(chain, [], orgDomain))[0]!.trusted, false);
  assert.equal(recordedResults(message, chain, trustedIds(chain, ['filter.corp.example'], orgDomain))[0]!.trusted, true);
});

describe('DNS provenance on the bundled sample (DKIM by example.org, ARC seal by example.net)', () => {
  const sample = readFileSync(join(ROOT, 'fixtures', 'sample', 'message.eml'));
  const snapshot = (edit: (s: DnsSnapshot) => void): DnsSnapshot => {
    const s = loadSnapshot(join(ROOT, 'fixtures', 'sample', 'dns.json'));
    edit(s);
    return s;
  };
  const run = (s: DnsSnapshot) => authenticateBytes(sample, { resolver: replayResolver(s, []) });
  const result = (r: Awaited<ReturnType<typeof run>>, m: string) => r.results.find((x) => x.method === m)!;

  test('complete recording: dkim, dmarc and arc pass', async () => {
    const r = await run(snapshot(() => {}));
    assert.deepEqual(['dkim', 'dmarc', 'arc'].map((m) => result(r, m).result), ['pass', 'pass', 'pass']);
    const arc = result(r, 'arc');
    assert.deepEqual((arc.details?.['instances'] as { sealer: string }[]).map((i) => i.sealer), ['example.net']);
  });

  test('the DKIM key missing from the recording: dkim unknown (not neutral "no key"), and no DMARC fail', async () => {
    const r = await run(snapshot((s) => delete s['mail2024._domainkey.example.org']));
    assert.equal(result(r, 'dkim').result, 'unknown');
    assert.match(result(r, 'dkim').comment ?? '', /replay has no answer/);
    assert.notEqual(result(r, 'dmarc').result, 'fail');
  });

  test('ARC: a missing seal key is unknown, a SERVFAIL on it temperror, an NXDOMAIN a real fail', async () => {
    const missing = await run(snapshot((s) => delete s['arc2024._domainkey.example.net']));
    assert.equal(result(missing, 'arc').result, 'unknown');
    const servfail = await run(snapshot((s) => (s['arc2024._domainkey.example.net'] = { TXT: { error: 'ESERVFAIL' } })));
    assert.equal(result(servfail, 'arc').result, 'temperror');
    assert.equal(result(servfail, 'arc').details?.['mailauthResult'], 'fail', 'mailauth itself says fail');
    const nx = await run(snapshot((s) => (s['arc2024._domainkey.example.net'] = { TXT: { error: 'ENOTFOUND' } })));
    assert.equal(result(nx, 'arc').result, 'fail');
  });
});

test('offline: a trusted recorded dmarc=fail under p=reject is a high finding; an untrusted one is not', async () => {
  const ar = (id: string) => `Authentication-Results: ${id}; dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=sender.example\r\n`;
  const trusted = await analyze(msg(ar('mx.rcpt.example'), HOP, CONTENT), { offline: true });
  assert.equal(trusted.auth.results.find((m) => m.method === 'dmarc')!.details?.['policy'], 'reject');
  assert.deepEqual(trusted.findings.filter((f) => f.id === 'auth.dmarc-fail').map((f) => f.severity), ['high']);
  const foreign = await analyze(msg(ar('spoofer.example'), HOP, CONTENT), { offline: true });
  assert.equal(foreign.auth.results.find((m) => m.method === 'dmarc')!.result, 'unknown');
  assert.deepEqual(foreign.findings.filter((f) => f.id.startsWith('auth.')), []);
});

test('more signatures than MAX_SIGNATURES: none verified (each hashes the body), yet SPF and DMARC still judge the spoof', async () => {
  const { MAX_SIGNATURES } = await import('../../src/auth/index.js');
  const sig = (i: number) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=s${i}; l=${i}; h=from; bh=AAAA; b=BBBB${i}\r\n`;
  const spoofHop = HOP.replace('[192.0.2.10]', '[203.0.113.66]');
  const raw = msg('Return-Path: <alice@sender.example>\r\n', spoofHop, Array.from({ length: MAX_SIGNATURES + 1 }, (_, i) => sig(i)).join(''), CONTENT);
  const r = await authenticateBytes(raw, { resolver: replayResolver(senderSnapshot(), []) });
  const by = (m: string) => r.results.filter((x) => x.method === m).map((x) => x.result);
  assert.deepEqual(by('dkim'), ['permerror']);
  assert.deepEqual(by('arc'), ['permerror']);
  assert.match(r.results.find((x) => x.method === 'dkim')!.comment ?? '', /resource-exhaustion guard/);
  assert.equal(r.results.find((x) => x.method === 'spf' && x.details?.['identity'] === 'mailfrom')!.result, 'fail');
  assert.equal(r.results.find((x) => x.method === 'dmarc')!.result, 'fail');
});

test("offline: Exchange Online's action=oreject is read as p=reject", async () => {
  const ar = 'Authentication-Results: spf=fail (sender IP is 203.0.113.66) smtp.mailfrom=sender.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=sender.example;compauth=fail reason=000\r\n';
  const r = await analyze(msg(ar, HOP, CONTENT), { offline: true });
  assert.equal(r.auth.results.find((m) => m.method === 'dmarc')!.details?.['policy'], 'reject');
});

// Real receivers' fields (anonymised: people and their domains, never the receiver's own names), each with how every
// recorded result is judged and the auth findings that follow, offline. One row per mistake found in an audit.
const GMAIL_FORWARD = [
  'Received: by 2002:a4a:8e45:0:0:0:0:0 with SMTP id z5csp2532955ook;\r\n        Mon, 26 Oct 2020 05:43:29 -0700 (PDT)\r\n',
  'ARC-Seal: i=2; a=rsa-sha256; t=1603716209; cv=pass;\r\n        d=google.com; s=arc-20160816; b=VhOA==\r\n',
  'ARC-Authentication-Results: i=2; mx.google.com;\r\n       dkim=pass header.i=@sender.example header.s=default header.b=TXuCNlsq;\r\n       arc=pass (i=1 spf=pass spfdomain=sender.example dkim=pass dkdomain=sender.example);\r\n       spf=neutral (google.com: 209.85.220.41 is neither permitted nor denied by best guess record for domain of alice+caf_=bob=gmail.com@fwd.example) smtp.mailfrom="alice+caf_=bob=gmail.com@fwd.example"\r\n',
  'Return-Path: <alice+caf_=bob=gmail.com@fwd.example>\r\n',
  'Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n        by mx.google.com with SMTPS id p13sor3668128ljj.40.2020.10.26.05.43.29\r\n        for <bob@gmail.com>\r\n        (Google Transport Security);\r\n        Mon, 26 Oct 2020 05:43:29 -0700 (PDT)\r\n',
  'Received-SPF: neutral (google.com: 209.85.220.41 is neither permitted nor denied by best guess record for domain of alice+caf_=bob=gmail.com@fwd.example) client-ip=209.85.220.41;\r\n',
  'Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@sender.example header.s=default header.b=TXuCNlsq;\r\n       arc=pass (i=1 spf=pass spfdomain=sender.example dkim=pass dkdomain=sender.example);\r\n       spf=neutral (google.com: 209.85.220.41 is neither permitted nor denied by best guess record for domain of alice+caf_=bob=gmail.com@fwd.example) smtp.mailfrom="alice+caf_=bob=gmail.com@fwd.example"\r\n',
  'X-Forwarded-To: bob@gmail.com\r\n',
  'Received: by 2002:a19:cb97:0:0:0:0:0 with SMTP id b145csp2707879lfg;\r\n        Mon, 26 Oct 2020 05:43:28 -0700 (PDT)\r\n',
  'ARC-Seal: i=1; a=rsa-sha256; t=1603716206; cv=none;\r\n        d=google.com; s=arc-20160816; b=NXqQ==\r\n',
  'ARC-Authentication-Results: i=1; mx.google.com;\r\n       dkim=pass header.i=@sender.example header.s=default header.b=TXuCNlsq;\r\n       spf=pass (google.com: domain of alice@sender.example designates 192.0.2.33 as permitted sender) smtp.mailfrom=alice@sender.example\r\n',
  'Return-Path: <alice@sender.example>\r\n',
  'Received: from mail.sender.example (mail.sender.example. [192.0.2.33])\r\n        by mx.google.com with ESMTP id l14si4417145lji.270.2020.10.26.05.43.26\r\n        for <alice@fwd.example>;\r\n        Mon, 26 Oct 2020 05:43:26 -0700 (PDT)\r\n',
  'From: Alice <alice@sender.example>\r\nTo: alice@fwd.example\r\nSubject: ARC test\r\nDate: Mon, 26 Oct 2020 14:43:26 +0200\r\n\r\nHello.\r\n',
];

// Exchange Online receiving from another Exchange Online tenant (phishing_pot sample-108, the sender anonymised).
const EXO_TENANT_TO_TENANT = [
  'Received: from SJ1PR19MB6257.namprd19.prod.outlook.com (::1) by\r\n MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Mon, 7 Nov 2022 09:45:36\r\n +0000\r\n',
  'Received: from SL2P216CA0195.KORP216.PROD.OUTLOOK.COM (2603:1096:101:1a::11)\r\n by SJ1PR19MB6257.namprd19.prod.outlook.com (2603:10b6:a03:45c::10) with\r\n Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5791.23; Mon, 7 Nov\r\n 2022 09:45:35 +0000\r\n',
  'Received: from SEYPR03MB6796.apcprd03.prod.outlook.com (2603:1096:101:1a:cafe::6b) by\r\n SL2P216CA0195.outlook.office365.com (2603:1096:101:1a::11) with Microsoft SMTP\r\n Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n 15.20.5791.26 via Frontend Transport; Mon, 7 Nov 2022 09:45:32 +0000\r\n',
  'ARC-Seal: i=2; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=pass;\r\n b=j4o6/bGK==\r\n',
  'ARC-Authentication-Results: i=2; mx.microsoft.com 1; spf=pass (sender ip is\r\n 52.100.156.204) smtp.rcpttodomain=hotmail.com\r\n smtp.mailfrom=tenant.onmicrosoft.com; dmarc=none action=none\r\n header.from=sender.example; dkim=pass (signature was verified)\r\n header.d=tenant.onmicrosoft.com; arc=pass (0 oda=0 ltdi=1)\r\n',
  'Received: from DU2PR04CA0294.eurprd04.prod.outlook.com (2603:10a6:10:28c::29)\r\n by SEYPR03MB6796.apcprd03.prod.outlook.com (2603:1096:101:8b::5) with\r\n Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5791.26; Mon, 7 Nov\r\n 2022 09:45:31 +0000\r\n',
  'Received: from DB8EUR05FT020.eop-eur05.prod.protection.outlook.com\r\n (2603:10a6:10:28c:cafe::b2) by DU2PR04CA0294.outlook.office365.com\r\n (2603:10a6:10:28c::29) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5791.22 via Frontend\r\n Transport; Mon, 7 Nov 2022 09:45:29 +0000\r\n',
  'Authentication-Results: spf=pass (sender IP is 52.100.156.204)\r\n smtp.mailfrom=tenant.onmicrosoft.com; dkim=pass (signature was verified)\r\n header.d=tenant.onmicrosoft.com;dmarc=none action=none\r\n header.from=sender.example;compauth=fail reason=001\r\n',
  'Received-SPF: Pass (protection.outlook.com: domain of tenant.onmicrosoft.com\r\n designates 52.100.156.204 as permitted sender)\r\n receiver=protection.outlook.com; client-ip=52.100.156.204;\r\n helo=NAM10-DM6-obe.outbound.protection.outlook.com; pr=C\r\n',
  'Received: from NAM10-DM6-obe.outbound.protection.outlook.com (52.100.156.204)\r\n by DB8EUR05FT020.mail.protection.outlook.com (10.233.238.136) with Microsoft\r\n SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:28 +0000\r\n',
  'ARC-Seal: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none;\r\n b=NIs1S2cT==\r\n',
  'ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass\r\n smtp.mailfrom=sender.example; dmarc=pass action=none header.from=sender.example;\r\n dkim=pass header.d=sender.example; arc=none\r\n',
  'Received: from BN8NAM11FT111.eop-nam11.prod.protection.outlook.com\r\n (2603:10b6:408:13f:cafe::98) by BN9PR03CA0804.outlook.office365.com\r\n (2603:10b6:408:13f::29) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5791.26 via Frontend\r\n Transport; Mon, 7 Nov 2022 09:45:25 +0000\r\n',
  'Received: from mail.sender.example (192.0.2.61) by\r\n BN8NAM11FT111.mail.protection.outlook.com (10.13.177.54) with Microsoft SMTP\r\n Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n 15.20.5791.20 via Frontend Transport; Mon, 7 Nov 2022 09:45:25 +0000\r\n',
  'From: Alice <alice@sender.example>\r\nTo: bob@hotmail.com\r\nSubject: hi\r\nDate: Mon, 7 Nov 2022 09:45:20 +0000\r\n\r\nHello.\r\n',
];

/** "authserv-id i=N method=result trusted|sealed:d|untrusted", per recorded result, top first. */
const judged = (r: Awaited<ReturnType<typeof analyze>>) =>
  r.auth.recorded.map((x) => `${x.authservId || '-'}${x.instance !== undefined ? ` i=${x.instance}` : ''} ${x.method}=${x.result} ${x.trusted ? 'trusted' : x.arcSealer ? `sealed:${x.arcSealer}` : 'untrusted'}`);
const authFindings = (r: Awaited<ReturnType<typeof analyze>>) => r.findings.filter((f) => f.id.startsWith('auth.')).map((f) => `${f.id}[${f.severity}]`);

test("recorded results on real receivers' fields: trust decisions and the findings that follow (offline)", async () => {
  const table: { name: string; raw: string; recorded: string[]; findings: string[]; arc?: string; results?: string[] }[] = [
    {
      // Gmail forwarding to Gmail: the first delivery's ARC set i=1 (sealed by google.com, validated by the final
      // receiver's arc=pass) was read as a pass planted in mx.google.com's name, "contradicted" by the forwarder's
      // spf=neutral for another MAIL FROM: high, and a forged verdict on genuine mail.
      name: 'Gmail: an earlier ARC set of its own, below the boundary',
      raw: GMAIL_FORWARD.join(''),
      recorded: [
        'mx.google.com i=2 dkim=pass trusted',
        'mx.google.com i=2 arc=pass trusted',
        'mx.google.com i=2 spf=neutral trusted',
        'mx.google.com dkim=pass trusted',
        'mx.google.com arc=pass trusted',
        'mx.google.com spf=neutral trusted',
        'mx.google.com i=1 dkim=pass sealed:google.com',
        'mx.google.com i=1 spf=pass sealed:google.com',
      ],
      findings: [],
    },
    {
      // The same set sealed by another domain: anyone can seal a set claiming mx.google.com; still a planted claim,
      // low: its dkim=pass is the receiver's own result for the same signature (confirmed, no finding), and the
      // receiver's spf=neutral is about the forwarder's MAIL FROM, not the one claimed (it was taken as proof: high).
      name: 'an earlier ARC set in the receiver\'s name, sealed by someone else',
      raw: GMAIL_FORWARD.join('').replace('cv=none;\r\n        d=google.com', 'cv=none;\r\n        d=sender.example'),
      recorded: [
        'mx.google.com i=2 dkim=pass trusted',
        'mx.google.com i=2 arc=pass trusted',
        'mx.google.com i=2 spf=neutral trusted',
        'mx.google.com dkim=pass trusted',
        'mx.google.com arc=pass trusted',
        'mx.google.com spf=neutral trusted',
        'mx.google.com i=1 dkim=pass untrusted',
        'mx.google.com i=1 spf=pass untrusted',
      ],
      findings: ['auth.planted-results[low]'],
    },
    {
      // No arc=pass from the receiver: nothing validated the seal.
      name: 'an earlier ARC set of the receiver\'s, with no arc=pass recorded',
      raw: GMAIL_FORWARD.join('').replaceAll('arc=pass (i=1', 'arc=fail (i=1'),
      recorded: [
        'mx.google.com i=2 dkim=pass trusted',
        'mx.google.com i=2 arc=fail trusted',
        'mx.google.com i=2 spf=neutral trusted',
        'mx.google.com dkim=pass trusted',
        'mx.google.com arc=fail trusted',
        'mx.google.com spf=neutral trusted',
        'mx.google.com i=1 dkim=pass untrusted',
        'mx.google.com i=1 spf=pass untrusted',
      ],
      findings: ['auth.planted-results[low]', 'auth.arc-fail[low]'],
    },
    {
      // Exchange Online's own ARC-Authentication-Results (authserv-id mx.microsoft.com, sealed d=microsoft.com) above
      // its own Received lines (*.outlook.com, *.office365.com) was "a foreign authserv-id": its arc=pass unread,
      // arc unknown offline. Below the boundary the same id is the sending tenant's set: neither trusted nor a
      // claim in the receiver's name (no planted-results for it).
      name: 'Exchange Online: its own ARC set above the boundary',
      raw: EXO_TENANT_TO_TENANT.join(''),
      recorded: [
        'mx.microsoft.com i=2 spf=pass trusted',
        'mx.microsoft.com i=2 dmarc=none trusted',
        'mx.microsoft.com i=2 dkim=pass trusted',
        'mx.microsoft.com i=2 arc=pass trusted',
        '- spf=pass trusted',
        '- dkim=pass trusted',
        '- dmarc=none trusted',
        '- compauth=fail trusted',
        'mx.microsoft.com i=1 spf=pass untrusted',
        'mx.microsoft.com i=1 dmarc=pass untrusted',
        'mx.microsoft.com i=1 dkim=pass untrusted',
        'mx.microsoft.com i=1 arc=none untrusted',
      ],
      findings: [],
      arc: 'pass',
    },
    {
      // Exchange Online, an unsigned message: "header.d=none" was reported as a DKIM result for a domain "none".
      name: 'Exchange Online: header.d=none is no domain',
      raw: [
        'Authentication-Results: spf=none (sender IP is 203.0.113.204)\r\n smtp.helo=ip203-0-113-204.cloudhost.example; dkim=none (message not signed)\r\n header.d=none;dmarc=none action=none header.from=;\r\n',
        HOP,
        CONTENT,
      ].join(''),
      recorded: ['- spf=none trusted', '- dkim=none trusted', '- dmarc=none trusted'],
      findings: [],
      results: ['spf=none ip203-0-113-204.cloudhost.example', 'dkim=none', 'dmarc=none', 'arc=unknown'],
    },
  ];
  for (const row of table) {
    const r = await analyze(Buffer.from(row.raw), { offline: true });
    assert.deepEqual(judged(r), row.recorded, row.name);
    assert.deepEqual(authFindings(r), row.findings, row.name);
    if (row.arc) assert.equal(r.auth.results.find((m) => m.method === 'arc')!.result, row.arc, row.name);
    if (row.results) assert.deepEqual(r.auth.results.map((m) => `${m.method}=${m.result}${m.domain ? ` ${m.domain}` : ''}`), row.results, row.name);
  }
});
