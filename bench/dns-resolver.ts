// DNS figures for the note: what a dead resolver costs per message, and that a batch never sends a question
// twice. Starts knot with the test fixtures. Run: node --import tsx bench/dns-resolver.ts
// Each "message" is authenticated the way auth/ does it for an as-of time: dkimVerify, spf, arc, dmarc in turn.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { spf } from 'mailauth/lib/spf/index.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { arc } from 'mailauth/lib/arc/index.js';
import { openDns, type DnsView } from '../src/dns/index.js';
import { KEY_DIR, silentServer, startKnot } from '../test/helpers/knot.js';

const key = readFileSync(join(KEY_DIR, 'rsa2048.pem'), 'utf8');

async function message(domain: string, selector: string): Promise<Buffer> {
  const raw = Buffer.from(`From: a@${domain}\r\nTo: b@forwarder.test\r\nSubject: s\r\nDate: Mon, 23 Nov 2026 07:00:00 +0000\r\n\r\nbody\r\n`);
  const r = await dkimSign(raw, { signatureData: [{ signingDomain: domain, selector, privateKey: key }] } as never);
  return Buffer.concat([Buffer.from(r.signatures), raw]);
}

async function authenticate(raw: Buffer, view: DnsView, sender: string): Promise<string> {
  const resolver = view.resolver as never;
  const dkim = await dkimVerify(raw, { resolver, sender });
  const s = await spf({ sender, ip: '192.0.2.10', helo: 'mail.sender.test', mta: 'mx.forwarder.test', resolver });
  const a = await arc(dkim.arc as never, { resolver });
  const d = await dmarc({ headerFrom: dkim.headerFrom, spfDomains: [], dkimDomains: [], arcResult: a, resolver } as never);
  return `dkim=${dkim.results[0]?.status.result} spf=${s.status.result} dmarc=${d ? d.status.result : 'none'}`;
}

// 1. A dead resolver, default options: per-message wall time for 6 messages with distinct domains.
{
  const silent = await silentServer();
  const dns = (await openDns({ servers: [silent.server] }))!;
  console.log('dead resolver (silent UDP port), defaults:');
  for (let i = 1; i <= 6; i++) {
    const raw = await message(`d${i}.example`, 's1');
    const t = performance.now();
    const result = await authenticate(raw, dns.view(), `x@d${i}.example`);
    console.log(`  message ${i}: ${Math.round(performance.now() - t)} ms  ${result}`);
  }
  console.log('  stats', JSON.stringify(dns.stats()), 'datagrams received', silent.received());
  await dns.close();
  await silent.stop();
}

// 2. A batch against knot: 300 messages from 6 domains, each asked the same questions.
{
  const knot = await startKnot();
  const dns = (await openDns({ servers: [knot.server] }))!;
  const domains = ['sender.test', 'dmarc-reject.test', 'dmarc-quarantine.test', 'dmarc-none.test', 'forwarder.test', 'attacker.test'];
  const messages = await Promise.all(domains.map((d) => message(d, d === 'sender.test' ? 'rsa2048' : 's1')));
  const before = knot.queryCount();
  const t = performance.now();
  for (let i = 0; i < 300; i++) await authenticate(messages[i % domains.length]!, dns.view(), `x@${domains[i % domains.length]}`);
  const ms = performance.now() - t;
  const s = dns.stats();
  console.log(`batch of 300 messages (6 domains) against knot: ${Math.round(ms)} ms`);
  console.log(`  lookups ${s.lookups}, unique questions ${s.unique}, sent ${s.sent}, received by knot ${knot.queryCount() - before}, cache hits ${s.cacheHits}, in-flight joins ${s.inFlightJoins}`);
  await dns.close();
  await knot.stop();
}
