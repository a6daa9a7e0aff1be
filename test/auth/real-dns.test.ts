// Authentication end to end against a real DNS server: knot on loopback serving test/fixtures/dns (see its
// README for the names, keys and addresses), messages signed and sealed here with the fixture keys, analysed by
// analyze() with the project's live resolver (src/dns, --dns-server). Every message has one external hop:
//   Received: from <helo> (<rdns> [<ip>]) by mx.rcpt.test ...
// which is the trust boundary, so SPF runs for that client and the Return-Path above it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { sealMessage } from 'mailauth/lib/arc/index.js';
import { openDns, type DnsSession } from '../../src/dns/index.js';
import { analyze } from '../../src/analyze.js';
import type { MethodResult, Report } from '../../src/types.js';
import { KEY_DIR, knotSession, lossyForwarder, silentServer } from '../helpers/knot.js';
import { authenticateBytes } from './helpers.js';

const env = knotSession();

const key = (file: string) => readFileSync(join(KEY_DIR, file), 'utf8');
const RECEIVED_AT = 'Mon, 23 Nov 2026 07:00:05 +0000';
const RECEIVED_ISO = '2026-11-23T07:00:05Z';

interface Build {
  from: string;
  mailFrom: string;
  ip?: string;
  helo?: string;
  body?: string;
  /** Extra header lines placed between the boundary Received and the content (the sender's part). */
  senderHeaders?: string;
}

function content(o: Build): string {
  return (
    `${o.senderHeaders ?? ''}From: Alice <${o.from}>\r\nTo: bob@rcpt.test\r\nSubject: real DNS check\r\n` +
    `Date: Mon, 23 Nov 2026 06:59:58 +0000\r\nMessage-ID: <check@${o.from.split('@')[1]}>\r\n\r\n${o.body ?? 'Hello.\r\n'}`
  );
}

function boundaryHop(ip: string, helo: string, by = 'mx.rcpt.test'): string {
  return `Received: from ${helo} (${helo} [${ip}])\r\n\tby ${by} (Postfix) with ESMTPS id 4AbCdEf\r\n\tfor <bob@rcpt.test>; ${RECEIVED_AT}\r\n`;
}

/** The delivered message: Return-Path and the boundary Received on top of the (signed) content. */
function delivered(o: Build, signedContent: string, above = ''): Buffer {
  return Buffer.from(`Return-Path: <${o.mailFrom}>\r\n${above}${boundaryHop(o.ip ?? '192.0.2.10', o.helo ?? 'mail.sender.test')}${signedContent}`);
}

async function sign(raw: string, signingDomain: string, selector: string, keyFile: string, extra: Record<string, unknown> = {}, perSignature: Record<string, unknown> = {}): Promise<string> {
  const r = await dkimSign(Buffer.from(raw), { signatureData: [{ signingDomain, selector, privateKey: key(keyFile), ...perSignature }], ...extra } as never);
  assert.deepEqual(r.errors, []);
  return r.signatures + raw;
}

async function run(raw: Buffer, options: { at?: Date; server?: DnsSession } = {}): Promise<Report> {
  const view = (options.server ?? env.session()).view();
  return analyze(raw, { deps: { resolver: view.resolver, dnsLog: view.log }, trust: ['mx.rcpt.test'], ...(options.at ? { at: options.at } : {}) });
}

const results = (r: Report, method: MethodResult['method']) => r.auth.results.filter((x) => x.method === method);
const one = (r: Report, method: MethodResult['method']) => {
  const rows = results(r, method).filter((x) => method !== 'spf' || x.details?.['identity'] !== 'helo' || results(r, 'spf').length === 1);
  assert.equal(rows.length, 1, `one ${method} result: ${JSON.stringify(results(r, method))}`);
  return rows[0]!;
};
const findingIds = (r: Report) => r.findings.map((f) => `${f.id}:${f.severity}`);

describe('SPF at the boundary (client 192.0.2.10, HELO mail.sender.test)', () => {
  const table: [string, string][] = [
    ['pass.spf.test', 'pass'],
    ['fail.spf.test', 'fail'],
    ['softfail.spf.test', 'softfail'],
    ['neutral.spf.test', 'neutral'],
    ['none.spf.test', 'none'],
    ['temperror.spf.test', 'temperror'],
    ['permerror-syntax.spf.test', 'permerror'],
  ];
  for (const [domain, expected] of table) {
    test(`MAIL FROM user@${domain} → spf=${expected}`, async () => {
      const o = { from: 'alice@sender.test', mailFrom: `user@${domain}` };
      const r = await run(delivered(o, content(o)));
      const spf = one(r, 'spf');
      assert.equal(spf.result, expected, spf.comment);
      assert.equal(spf.domain, domain);
      assert.equal(spf.details?.['ip'], '192.0.2.10');
      assert.deepEqual(r.auth.inputs, { ip: '192.0.2.10', helo: 'mail.sender.test', mailFrom: `user@${domain}` });
      // The HELO identity is checked too (RFC 7208 2.3): mail.sender.test has no SPF record of its own.
      const helo = results(r, 'spf').find((x) => x.details?.['identity'] === 'helo');
      assert.equal(helo?.domain, 'mail.sender.test');
      if (expected === 'fail') assert.ok(findingIds(r).some((f) => f.startsWith('auth.spf-fail:')));
    });
  }

  test('a server that never answers: temperror within the deadline, never none or a hang', async () => {
    const silent = await silentServer();
    const dead = (await openDns({ servers: [silent.server], timeoutMs: 100, tries: 1 }))!;
    try {
      const o = { from: 'alice@sender.test', mailFrom: 'user@pass.spf.test' };
      const started = Date.now();
      const r = await run(delivered(o, content(o)), { server: dead });
      assert.equal(one(r, 'spf').result, 'temperror');
      assert.ok(Date.now() - started < 15_000);
      assert.ok(!r.findings.some((f) => f.id === 'auth.spf-fail' || f.id === 'auth.dmarc-fail'), 'no fail findings from DNS failures');
    } finally {
      await dead.close();
      await silent.stop();
    }
  });

  test('the attacker client 203.0.113.66 sending as sender.test fails SPF, and DMARC p=reject makes it high', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.sender.test' };
    const r = await run(delivered(o, content(o)));
    assert.equal(one(r, 'spf').result, 'fail');
    const dmarc = one(r, 'dmarc');
    assert.equal(dmarc.result, 'fail');
    assert.equal(dmarc.details?.['policy'], 'reject');
    assert.ok(findingIds(r).includes('auth.dmarc-fail:high'));
    assert.equal(r.verdict, 'forged');
  });

  test('the same fail, recorded by the receiver as let through on a forwarder\'s ARC chain, is low: what it did stands', async () => {
    // Gmail's own field for list mail it accepted on a trusted forwarder's ARC set: "dmarc=fail (... dis=NONE
    // arc=pass)". We still compute the fail; the receiver's judgement of the forwarder lowers it.
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.sender.test' };
    const ar = 'Authentication-Results: mx.rcpt.test; arc=pass (i=1); dmarc=fail (p=REJECT sp=REJECT dis=NONE arc=pass) header.from=sender.test\r\n';
    const r = await run(delivered(o, content(o), ar));
    assert.equal(one(r, 'dmarc').result, 'fail');
    assert.ok(findingIds(r).includes('auth.dmarc-fail:low'), findingIds(r).join());
    // The same field written by the sender, among its own headers below the boundary, counts for nothing.
    const planted = await run(delivered(o, content(o).replace('\r\n\r\n', `\r\n${ar}\r\n`)));
    assert.ok(findingIds(planted).includes('auth.dmarc-fail:high'), findingIds(planted).join());
  });
});

describe('DKIM', () => {
  test('rsa2048 signature by sender.test passes, with selector, algorithm and key size', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const r = await run(delivered(o, await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem')));
    const dkim = one(r, 'dkim');
    assert.equal(dkim.result, 'pass');
    assert.equal(dkim.domain, 'sender.test');
    assert.equal(dkim.details?.['selector'], 'rsa2048');
    assert.equal(dkim.details?.['algorithm'], 'rsa-sha256');
    assert.equal(dkim.details?.['keyBits'], 2048);
    assert.equal(one(r, 'dmarc').result, 'pass');
    assert.equal(r.verdict, 'pass');
  });

  test('the body changed after signing: fail, with the DKIM-Signature as evidence', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const signed = await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem');
    const r = await run(delivered(o, signed.replace('Hello.', 'Hello! Pay to IBAN XX00.')));
    const dkim = one(r, 'dkim');
    assert.equal(dkim.result, 'fail');
    assert.equal(dkim.comment, 'body hash did not verify');
    const finding = r.findings.find((f) => f.id === 'auth.dkim-fail')!;
    assert.ok(finding.evidence.some((e) => e.header === 'DKIM-Signature'));
  });

  test('expired before receipt (x= < the boundary hop time): neutral "expired" and a dkim-time finding', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const signed = await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem', { signTime: new Date('2026-11-23T06:00:00Z'), expires: new Date('2026-11-23T06:30:00Z') });
    const r = await run(delivered(o, signed));
    assert.equal(r.auth.evaluatedAt, new Date(RECEIVED_ISO).toISOString());
    const dkim = one(r, 'dkim');
    assert.equal(dkim.result, 'neutral');
    assert.equal(dkim.comment, 'expired');
    assert.equal(dkim.details?.['expired'], true);
    assert.ok(r.findings.some((f) => f.id === 'auth.dkim-time'));
  });

  test('valid at receipt but expired now: passes as of the boundary time, expires with --at later', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const signed = await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem', { signTime: new Date('2026-11-23T06:59:00Z'), expires: new Date('2026-11-23T07:10:00Z') });
    assert.equal(one(await run(delivered(o, signed)), 'dkim').result, 'pass');
    assert.equal(one(await run(delivered(o, signed), { at: new Date('2026-11-23T08:00:00Z') }), 'dkim').comment, 'expired');
  });

  test('l= with content appended after signing: passes, and the unsigned bytes are a finding', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const signed = await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem', {}, { maxBodyLength: 8 });
    const appended = signed + 'Click http://evil.example/ now.\r\n';
    const r = await run(delivered(o, appended));
    const dkim = one(r, 'dkim');
    assert.equal(dkim.result, 'pass');
    assert.ok((dkim.details?.['unsignedBodyBytes'] as number) > 0);
    assert.ok(findingIds(r).includes('auth.dkim-body-length:medium'));
  });
});

describe('DMARC policies and alignment', () => {
  const severity: Record<string, string> = { reject: 'high', quarantine: 'medium', none: 'low' };
  for (const p of ['reject', 'quarantine', 'none']) {
    const d = `dmarc-${p}.test`;
    test(`${d}: relaxed alignment (d=mail.${d}, MAIL FROM at bounce.${d}) passes`, async () => {
      const o = { from: `alice@${d}`, mailFrom: `bounce@bounce.${d}` };
      const r = await run(delivered(o, await sign(content(o), `mail.${d}`, 's1', 'rsa2048.pem')));
      const dmarc = one(r, 'dmarc');
      assert.equal(dmarc.result, 'pass', dmarc.comment);
      assert.equal(dmarc.details?.['p'], p);
      assert.deepEqual(dmarc.details?.['alignment'], {
        spf: { aligned: `bounce.${d}`, mode: 'relaxed' },
        dkim: { aligned: `mail.${d}`, mode: 'relaxed' },
      });
    });
    test(`strict.${d}: strict alignment fails (d=${d}, MAIL FROM at ${d}); disposition ${p}, finding ${severity[p]}`, async () => {
      const o = { from: `alice@strict.${d}`, mailFrom: `bounce@${d}` };
      const r = await run(delivered(o, await sign(content(o), d, 's1', 'rsa2048.pem')));
      const dmarc = one(r, 'dmarc');
      assert.equal(dmarc.result, 'fail');
      assert.equal(dmarc.details?.['disposition'], p);
      assert.deepEqual(dmarc.details?.['alignment'], { spf: { aligned: false, mode: 'strict' }, dkim: { aligned: false, mode: 'strict' } });
      assert.ok(findingIds(r).includes(`auth.dmarc-fail:${severity[p]}`), findingIds(r).join());
    });
  }

  test("an undetermined SPF or DKIM result that could never align leaves a spoof's DMARC fail standing", async () => {
    // The spoof from 203.0.113.66 as alice@sender.test (p=reject) adds what it controls: a signature of its own domain
    // whose key lookup SERVFAILs (servfail.test), or an envelope sender there. Neither could have aligned with
    // sender.test, so neither can stand between DMARC and fail (they turned it into temperror: verdict suspicious).
    const body = 'Pay the invoice.\r\n';
    const bh = createHash('sha256').update(body).digest('base64');
    const junk = `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=servfail.test; s=x; h=from; bh=${bh}; b=AAAA\r\n`;
    for (const o of [
      { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.attacker.test', body, senderHeaders: junk },
      { from: 'alice@sender.test', mailFrom: 'bounce@servfail.test', ip: '203.0.113.66', helo: 'mail.attacker.test', body },
    ]) {
      const r = await run(delivered(o, content(o)));
      const undetermined = r.auth.results.filter((x) => x.result === 'temperror').map((x) => `${x.method} ${x.domain}`);
      assert.deepEqual(undetermined, [o.senderHeaders ? 'dkim servfail.test' : 'spf servfail.test']);
      const dmarc = one(r, 'dmarc');
      assert.deepEqual([dmarc.result, dmarc.comment], ['fail', 'p=REJECT arc=none']);
      assert.ok(findingIds(r).includes('auth.dmarc-fail:high'), findingIds(r).join());
      assert.equal(r.verdict, 'forged');
    }
  });

  test('a spoof whose signatures name key domains that never answer still fails SPF and DMARC', async () => {
    // Through a resolver that cannot reach *.dead.test: the two key lookups time out, and the resolver is not judged
    // dead for it (it was: SPF and DMARC failed at once, temperror, and the spoof of p=reject sender.test was 'pass').
    const lossy = await lossyForwarder(env.knot().server, (name) => name.endsWith('.dead.test'));
    const session = (await openDns({ servers: [lossy.server] }))!;
    try {
      const body = 'Pay the invoice.\r\n';
      const bh = createHash('sha256').update(body).digest('base64');
      const junk = ['one', 'two'].map((d) => `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=${d}.dead.test; s=x; h=from; bh=${bh}; b=AAAA\r\n`).join('');
      const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.attacker.test', body, senderHeaders: junk };
      const r = await run(delivered(o, content(o)), { server: session });
      assert.deepEqual(results(r, 'dkim').map((x) => `${x.domain} ${x.result}`), ['one.dead.test temperror', 'two.dead.test temperror']);
      assert.equal(one(r, 'spf').result, 'fail');
      assert.equal(one(r, 'dmarc').result, 'fail');
      assert.equal(r.verdict, 'forged');
    } finally {
      await session.close();
      await lossy.stop();
    }
  });

  test("signatures whose key lookups time out one after another cannot use up the time DMARC needs", async () => {
    // Three key domains that never answer cost 1.5 s each, one after another: more than the 4 s this message is given.
    // DKIM may ask until 60 % of it, SPF until 80 %; DMARC has the rest. (DKIM used it all: SPF and DMARC failed at
    // once, temperror, and with the 15 s default 11 such signatures made a spoof of p=reject sender.test 'pass'.)
    const lossy = await lossyForwarder(env.knot().server, (name) => name.endsWith('.dead.test'));
    const session = (await openDns({ servers: [lossy.server] }))!;
    try {
      const body = 'Pay the invoice.\r\n';
      const bh = createHash('sha256').update(body).digest('base64');
      const junk = ['one', 'two', 'three'].map((d) => `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=${d}.dead.test; s=x; h=from; bh=${bh}; b=AAAA\r\n`).join('');
      const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.attacker.test', body, senderHeaders: junk };
      // Had DKIM used the whole 4 s, SPF and DMARC would be temperror: the results say whether they had time.
      const r = await authenticateBytes(delivered(o, content(o)), { resolver: session.view().resolver, dnsDeadlineMs: 4000 });
      const of = (m: string) => r.results.filter((x) => x.method === m).map((x) => x.result);
      assert.deepEqual(of('dkim'), ['temperror', 'temperror', 'temperror']);
      assert.deepEqual(of('spf'), ['fail', 'none']);
      assert.deepEqual(of('dmarc'), ['fail']);
    } finally {
      await session.close();
      await lossy.stop();
    }
  });

  test("a signature of the From domain whose key lookup the sender's other signatures starved cannot soften DMARC", async () => {
    // mailauth looks keys up one signature after another. Three key domains that never answer use up DKIM's share
    // (60 % of 4 s), and the forged d=sender.test signature after them, with a correct bh=, is refused its lookup:
    // temperror for a domain that "could have aligned", and the spoof's p=reject fail became temperror.
    const lossy = await lossyForwarder(env.knot().server, (name) => name.endsWith('.dead.test'));
    const session = (await openDns({ servers: [lossy.server] }))!;
    try {
      const body = 'Pay the invoice.\r\n';
      const bh = createHash('sha256').update(body).digest('base64');
      const junk = ['one.dead.test', 'two.dead.test', 'three.dead.test', 'sender.test'].map((d) => `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=${d}; s=rsa2048; h=from; bh=${bh}; b=AAAA\r\n`).join('');
      const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.attacker.test', body, senderHeaders: junk };
      const r = await authenticateBytes(delivered(o, content(o)), { resolver: session.view().resolver, dnsDeadlineMs: 4000 });
      assert.deepEqual(r.results.filter((x) => x.method === 'dkim').map((x) => `${x.domain} ${x.result}`), ['one.dead.test temperror', 'two.dead.test temperror', 'three.dead.test temperror', 'sender.test temperror']);
      const dmarc = r.results.find((x) => x.method === 'dmarc')!;
      assert.equal(dmarc.result, 'fail', dmarc.comment);
      assert.match(dmarc.comment ?? '', /^p=REJECT arc=none; dkim sender\.test not verified: its key lookup was not made/);
    } finally {
      await session.close();
      await lossy.stop();
    }
  });

  test("an undetermined result that could have aligned still keeps DMARC from failing", async () => {
    // sender.test's own key lookups go to a server that never answers: its signature might have passed.
    const silent = await silentServer();
    const dead = (await openDns({ servers: [silent.server], timeoutMs: 100, tries: 1 }))!;
    try {
      const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', ip: '203.0.113.66', helo: 'mail.attacker.test' };
      const raw = delivered(o, await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem'));
      const view = env.session().view();
      const keyless = dead.view().resolver;
      const resolver = (name: string, type: string) => (name.toLowerCase().endsWith('._domainkey.sender.test') ? keyless(name, type) : view.resolver(name, type));
      const r = await analyze(raw, { deps: { resolver, dnsLog: view.log }, trust: ['mx.rcpt.test'] });
      assert.equal(one(r, 'dkim').result, 'temperror');
      const dmarc = one(r, 'dmarc');
      assert.deepEqual([dmarc.result, dmarc.comment], ['temperror', 'depends on dkim sender.test which is temperror']);
    } finally {
      await dead.close();
      await silent.stop();
    }
  });

  test('two From fields: DMARC is not evaluated, and that is a finding, never a silent no-result', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test', senderHeaders: 'From: ceo@dmarc-reject.test\r\n' };
    const r = await run(delivered(o, content(o)));
    const dmarc = one(r, 'dmarc');
    assert.equal(dmarc.result, 'permerror');
    assert.equal(dmarc.details?.['skipReason'], 'multiple-from-fields');
    assert.ok(r.findings.some((f) => f.id === 'auth.dmarc-from'));
  });
});

describe('ARC', () => {
  /** sender.test -> mx.forwarder.test (seals, cv=none) -> mx.rcpt.test (the boundary: client 198.51.100.20). */
  async function forwarded(tamper: boolean): Promise<Buffer> {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const signed = await sign(content(o), 'sender.test', 'rsa2048', 'rsa2048.pem');
    const atForwarder = boundaryHop('192.0.2.10', 'mail.sender.test', 'mx.forwarder.test') + signed;
    const ar = 'mx.forwarder.test; dkim=pass header.d=sender.test; spf=pass smtp.mailfrom=sender.test; dmarc=pass header.from=sender.test';
    const arcSet = await sealMessage(Buffer.from(atForwarder), { signingDomain: 'forwarder.test', selector: 'arc', privateKey: key('arc-rsa2048.pem'), authResults: ar, cv: 'none' } as never);
    assert.ok(arcSet.length > 0);
    let sealed = arcSet.toString() + atForwarder;
    // The forwarder (a list) rewrites the envelope and, in the fail case, the body after sealing.
    if (tamper) sealed = sealed.replace('Hello.', 'Hello, changed after the seal.');
    return Buffer.from(`Return-Path: <list-bounce@forwarder.test>\r\n${boundaryHop('198.51.100.20', 'mx.forwarder.test')}${sealed}`);
  }

  test('a valid seal by forwarder.test: arc=pass, one instance, sealer named', async () => {
    const r = await run(await forwarded(false));
    const arc = one(r, 'arc');
    assert.equal(arc.result, 'pass', arc.comment);
    const instances = arc.details?.['instances'] as { instance: number; sealer: string; seal: string; cv: string }[];
    assert.deepEqual(instances.map((i) => [i.instance, i.sealer, i.cv, i.seal]), [[1, 'forwarder.test', 'none', 'pass']]);
    assert.equal(one(r, 'spf').result, 'pass'); // list-bounce@forwarder.test from 198.51.100.20
  });

  test('the body changed after sealing: arc=fail and an ARC finding', async () => {
    const r = await run(await forwarded(true));
    assert.equal(one(r, 'arc').result, 'fail');
    assert.ok(r.findings.some((f) => f.id === 'auth.arc-fail'));
  });
});

describe('recorded results against the real checks', () => {
  test('a dmarc=pass in the receiver\'s name planted below the boundary, while DMARC really fails: high', async () => {
    const o = {
      from: 'alice@sender.test',
      mailFrom: 'alice@sender.test',
      ip: '203.0.113.66',
      senderHeaders: 'X-Mailer: mass\r\nAuthentication-Results: mx.rcpt.test; spf=pass smtp.mailfrom=sender.test; dmarc=pass header.from=sender.test\r\n',
    };
    const r = await run(delivered(o, content(o)));
    const planted = r.findings.find((f) => f.id === 'auth.planted-results');
    assert.equal(planted?.severity, 'high');
    assert.ok(r.auth.recorded.every((x) => !x.trusted));
  });

  test('the receiver\'s own Authentication-Results above the boundary is trusted and compared', async () => {
    const o = { from: 'alice@sender.test', mailFrom: 'alice@sender.test' };
    const above = 'Authentication-Results: mx.rcpt.test; spf=pass smtp.mailfrom=alice@sender.test smtp.remote-ip=192.0.2.10; dkim=pass header.d=sender.test\r\n';
    // Signed with a selector whose key is now revoked: the receiver saw a pass, we see no key now.
    const r = await run(delivered(o, await sign(content(o), 'sender.test', 'revoked', 'rsa2048.pem'), above));
    assert.ok(r.auth.recorded.length >= 2 && r.auth.recorded.every((x) => x.trusted));
    const spf = r.auth.comparison.find((c) => c.method === 'spf')!;
    assert.deepEqual([spf.ours, spf.theirs, spf.agree], ['pass', 'pass', true]);
    const dkim = r.auth.comparison.find((c) => c.method === 'dkim')!;
    assert.equal(dkim.agree, false);
    assert.equal(dkim.theirs, 'pass');
    assert.match(dkim.reason ?? '', /rotated|removed|revoked|no key/);
  });
});
