// The zone fixtures do what test/fixtures/dns/README.md promises: each SPF name gives its result, each key
// verifies, each DMARC domain applies its policy and alignment, the ARC sealer key validates a seal. Checked
// with mailauth through openDns against the real knot server, so auth/ tests can rely on them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spf } from 'mailauth/lib/spf/index.js';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { arc, sealMessage } from 'mailauth/lib/arc/index.js';
import { openDns } from '../../src/dns/index.js';
import { KEY_DIR, knotSession, silentServer } from '../helpers/knot.js';

const env = knotSession();

// mailauth's TS type for the resolver cannot describe MX answers (platform-facts 1.4).
const resolver = () => env.session().resolver as never;
const key = (file: string) => readFileSync(join(KEY_DIR, file), 'utf8');

function message(from: string, body = 'Hello.\r\n'): Buffer {
  return Buffer.from(`From: Alice <${from}>\r\nTo: bob@forwarder.test\r\nSubject: fixture check\r\nDate: Mon, 23 Nov 2026 07:00:00 +0000\r\nMessage-ID: <fixture@${from.split('@')[1]}>\r\n\r\n${body}`);
}

async function signed(raw: Buffer, signingDomain: string, selector: string, keyFile: string): Promise<Buffer> {
  const r = await dkimSign(raw, { signatureData: [{ signingDomain, selector, privateKey: key(keyFile) }] } as never);
  assert.deepEqual(r.errors, []);
  return Buffer.concat([Buffer.from(r.signatures), raw]);
}

describe('SPF names (client 192.0.2.10, HELO mail.sender.test)', () => {
  const table: [string, string][] = [
    ['pass.spf.test', 'pass'],
    ['fail.spf.test', 'fail'],
    ['softfail.spf.test', 'softfail'],
    ['neutral.spf.test', 'neutral'],
    ['none.spf.test', 'none'],
    ['nx.spf.test', 'none'],
    ['temperror.spf.test', 'temperror'],
    ['servfail.test', 'temperror'],
    ['permerror-syntax.spf.test', 'permerror'],
    ['permerror-lookups.spf.test', 'permerror'],
    ['permerror-void.spf.test', 'permerror'],
    ['permerror-multiple.spf.test', 'permerror'],
    ['include.spf.test', 'pass'],
    ['mx.spf.test', 'pass'],
    ['a.spf.test', 'pass'],
    ['ptr.spf.test', 'pass'],
    ['sender.test', 'pass'],
    ['bounce.sender.test', 'pass'],
    ['forwarder.test', 'fail'],
  ];
  for (const [domain, expected] of table) {
    test(`${domain} → ${expected}`, async () => {
      const r = await spf({ sender: `user@${domain}`, ip: '192.0.2.10', helo: 'mail.sender.test', mta: 'mx.forwarder.test', resolver: resolver() });
      assert.equal(r.status.result, expected, r.status.comment);
    });
  }

  test('ptr.spf.test fails for 203.0.113.66, whose PTR claims mail.sender.test but whose A disagrees', async () => {
    const r = await spf({ sender: 'user@ptr.spf.test', ip: '203.0.113.66', helo: 'mail.attacker.test', mta: 'mx.forwarder.test', resolver: resolver() });
    assert.equal(r.status.result, 'fail');
  });

  test('a silent server gives temperror, not none', async () => {
    const silent = await silentServer();
    const dead = (await openDns({ servers: [silent.server], timeoutMs: 100 }))!;
    try {
      const r = await spf({ sender: 'user@pass.spf.test', ip: '192.0.2.10', helo: 'mail.sender.test', mta: 'mx.forwarder.test', resolver: dead.resolver as never });
      assert.equal(r.status.result, 'temperror');
    } finally {
      await dead.close();
      await silent.stop();
    }
  });
});

describe('DKIM keys', () => {
  const table: [string, string, string][] = [
    ['rsa2048', 'rsa2048.pem', 'pass'],
    ['rsa4096', 'rsa4096.pem', 'pass'],
    ['ed25519', 'ed25519.pem', 'pass'],
    ['rsa1024', 'rsa1024.pem', 'policy'], // weak key under minBitLength 2048
    ['revoked', 'rsa2048.pem', 'neutral'],
  ];
  for (const [selector, file, expected] of table) {
    test(`${selector}._domainkey.sender.test → ${expected}`, async () => {
      const raw = await signed(message('alice@sender.test'), 'sender.test', selector, file);
      const r = await dkimVerify(raw, { resolver: resolver(), minBitLength: 2048 });
      assert.equal(r.results[0]!.status.result, expected, r.results[0]!.status.comment);
    });
  }

  test('a body changed after signing: neutral "body hash did not verify" by default, fail in strict mode', async () => {
    const raw = await signed(message('alice@sender.test'), 'sender.test', 'rsa2048', 'rsa2048.pem');
    const tampered = Buffer.from(raw.toString().replace('Hello.', 'Hello!'));
    const lenient = await dkimVerify(tampered, { resolver: resolver() });
    assert.equal(lenient.results[0]!.status.result, 'neutral');
    assert.equal(lenient.results[0]!.status.comment, 'body hash did not verify');
    const strict = await dkimVerify(tampered, { resolver: resolver(), strict: true } as never);
    assert.equal(strict.results[0]!.status.result, 'fail');
  });
});

describe('DMARC domains', () => {
  for (const p of ['reject', 'quarantine', 'none']) {
    const d = `dmarc-${p}.test`;
    test(`${d}: relaxed alignment passes with d=mail.${d}`, async () => {
      const raw = await signed(message(`alice@${d}`), `mail.${d}`, 's1', 'rsa2048.pem');
      const r = await evaluate(raw, `bounce@bounce.${d}`);
      assert.equal(r.status.result, 'pass');
      assert.equal(r.p, p);
    });
    test(`strict.${d}: strict alignment fails with d=${d} and MAIL FROM at ${d}; policy ${p}`, async () => {
      const raw = await signed(message(`alice@strict.${d}`), d, 's1', 'rsa2048.pem');
      const r = await evaluate(raw, `bounce@${d}`);
      assert.equal(r.status.result, 'fail');
      assert.equal(r.p, p);
      assert.equal(r.alignment.dkim.strict, true);
    });
    test(`strict.${d}: strict alignment passes with d=strict.${d}`, async () => {
      const raw = await signed(message(`alice@strict.${d}`), `strict.${d}`, 's1', 'rsa2048.pem');
      assert.equal((await evaluate(raw, `bounce@strict.${d}`)).status.result, 'pass');
    });
  }

  async function evaluate(raw: Buffer, sender: string) {
    const dkim = await dkimVerify(raw, { resolver: resolver(), sender });
    const s = await spf({ sender, ip: '192.0.2.10', helo: 'mail.sender.test', mta: 'mx.forwarder.test', resolver: resolver() });
    const r = await dmarc({
      headerFrom: dkim.headerFrom,
      spfDomains: s.status.result === 'pass' ? [s.domain] : [],
      dkimDomains: dkim.results.filter((x) => x.status.result === 'pass').map((x) => ({ id: x.id, domain: x.signingDomain, aligned: x.status.aligned, underSized: x.status.underSized })),
      resolver: resolver(),
    } as never);
    assert.ok(r, 'a DMARC result');
    return r as Exclude<typeof r, false> & { p: string; alignment: { dkim: { strict: boolean } } };
  }
});

describe('ARC sealer key', () => {
  test('arc._domainkey.forwarder.test validates a seal; a changed body breaks it', async () => {
    const raw = await signed(message('alice@sender.test'), 'sender.test', 'rsa2048', 'rsa2048.pem');
    const sealHeaders = await sealMessage(raw, {
      signingDomain: 'forwarder.test',
      selector: 'arc',
      privateKey: key('arc-rsa2048.pem'),
      authResults: 'mx.forwarder.test; dkim=pass header.d=sender.test; spf=pass smtp.mailfrom=sender.test',
      cv: 'none',
    } as never);
    const sealed = Buffer.concat([sealHeaders, raw]);
    const ok = await arc((await dkimVerify(sealed, { resolver: resolver() })).arc as never, { resolver: resolver() });
    assert.equal(ok.status.result, 'pass', (ok.status as { comment?: string }).comment);
    const broken = Buffer.from(sealed.toString().replace('Hello.', 'Hullo.'));
    const bad = await arc((await dkimVerify(broken, { resolver: resolver() })).arc as never, { resolver: resolver() });
    assert.equal(bad.status.result, 'fail');
  });
});
