// Real messages from the mail lab (lab/lab.sh: three Postfix instances, OpenDKIM and knot in a network namespace),
// analysed by the built CLI from their recorded DNS alone. fixtures/lab/README.md tells each case's story and what a
// correct analysis concludes; this file asserts it, one table row per case.
//
// The Received lines were written by real Postfix 3.7 smtpd: "from HELO (RDNS [IP]) by HOST (Postfix) with ESMTP id
// ID for <RCPT>; DATE". The receiver's own host is declared with --trust mx.rcpt.test, so the boundary is the hop into
// mx.rcpt.test and everything below it is the sender's (or the attacker's) story.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { spf } from 'mailauth/lib/spf/index.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { loadSnapshot, replayResolver } from '../../src/dns/index.js';
import type { DnsAnswerRecord, Report } from '../../src/types.js';
import { ROOT, runCli } from '../helpers/cli.js';

interface HopExpectation {
  helo: string;
  rdns: string;
  ip: string;
  by: string;
}

interface LabCase {
  name: string;
  /** Oldest first, as the report lists them. */
  hops: HopExpectation[];
  /** What mailauth says at the boundary hop from dns.json alone: the ground truth the fixture was made to show. */
  truth: { spf: string; helo: string; dkim: string; dmarc: string };
  /** The hop index at which a third party relayed the message (the open relay), when it did. */
  relayTraversalAt?: number;
  verdict: 'pass' | 'suspicious' | 'forged' | 'not forged';
}

const WS = { helo: 'ws.example.test', rdns: 'ws.example.test', ip: '10.25.0.1', by: 'mail.example.test' };
const CASES: LabCase[] = [
  {
    name: 'legit-relay',
    hops: [
      WS,
      { helo: 'mail.example.test', rdns: 'mail.example.test', ip: '10.25.0.2', by: 'relay.openrelay.test' },
      { helo: 'relay.openrelay.test', rdns: 'relay.openrelay.test', ip: '10.25.0.3', by: 'mx.rcpt.test' },
    ],
    truth: { spf: 'fail', helo: 'pass', dkim: 'pass', dmarc: 'pass' },
    relayTraversalAt: 1,
    verdict: 'not forged',
  },
  {
    name: 'spoof-relay',
    hops: [
      { helo: 'mail.example.test', rdns: 'mail.evil.test', ip: '10.25.0.5', by: 'relay.openrelay.test' },
      { helo: 'relay.openrelay.test', rdns: 'relay.openrelay.test', ip: '10.25.0.3', by: 'mx.rcpt.test' },
    ],
    truth: { spf: 'fail', helo: 'pass', dkim: 'none', dmarc: 'fail' },
    relayTraversalAt: 0,
    verdict: 'forged',
  },
  {
    name: 'spoof-direct',
    hops: [{ helo: 'mail.example.test', rdns: 'mail.evil.test', ip: '10.25.0.5', by: 'mx.rcpt.test' }],
    truth: { spf: 'fail', helo: 'fail', dkim: 'none', dmarc: 'fail' },
    verdict: 'forged',
  },
  {
    name: 'legit-direct',
    hops: [WS, { helo: 'mail.example.test', rdns: 'mail.example.test', ip: '10.25.0.2', by: 'mx.rcpt.test' }],
    truth: { spf: 'pass', helo: 'pass', dkim: 'pass', dmarc: 'pass' },
    verdict: 'pass',
  },
];

const dir = (c: LabCase) => join(ROOT, 'fixtures', 'lab', c.name);
const SENDER = 'alice@example.test'; // every case's MAIL FROM (Return-Path)

const analysed = new Map<string, { code: number | null; report: Report; stderr: string }>();

/** One CLI run per case, shared by its tests. */
function analyse(c: LabCase): { code: number | null; report: Report; stderr: string } {
  const known = analysed.get(c.name);
  if (known) return known;
  const r = runCli([join(dir(c), 'message.eml'), '--dns-replay', join(dir(c), 'dns.json'), '--trust', 'mx.rcpt.test', '--json']);
  assert.ok(r.stdout.length > 0, `no report (exit ${r.code}): ${r.stderr}`);
  const result = { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
  analysed.set(c.name, result);
  return result;
}

/** SPF (MAIL FROM and HELO), DKIM and DMARC at the boundary hop, straight from mailauth with only dns.json. */
async function groundTruth(c: LabCase) {
  const log: DnsAnswerRecord[] = [];
  const resolver = replayResolver(loadSnapshot(join(dir(c), 'dns.json')), log) as never;
  const message = readFileSync(join(dir(c), 'message.eml'));
  const boundary = c.hops.at(-1)!;
  const dkim = await dkimVerify(message, { resolver, sender: SENDER } as never);
  const s = await spf({ sender: SENDER, ip: boundary.ip, helo: boundary.helo, mta: 'mx.rcpt.test', resolver });
  const helo = await spf({ ip: boundary.ip, helo: boundary.helo, mta: 'mx.rcpt.test', resolver } as never);
  const d = await dmarc({
    headerFrom: dkim.headerFrom,
    spfDomains: s.status.result === 'pass' ? [s.domain] : [],
    dkimDomains: dkim.results
      .filter((r) => r.status.result === 'pass')
      .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
    resolver,
  } as never);
  return {
    result: { spf: s.status.result, helo: helo.status.result, dkim: dkim.results.map((r) => r.status.result).join(',') || 'none', dmarc: d ? d.status.result : 'none' },
    policy: d ? (d as { policy?: string }).policy : undefined,
    missing: log.filter((r) => r.provenance === 'missing').map((r) => `${r.type} ${r.name}`),
  };
}

for (const c of CASES) {
  describe(`lab fixture ${c.name}`, () => {
    test('the built CLI analyses it from the recorded DNS with a verdict exit code', () => {
      const { code, report, stderr } = analyse(c);
      assert.ok(code === 0 || code === 1 || code === 2, `exit ${code}: ${stderr}`);
      assert.equal(report.exitCode, code);
    });

    test(`${c.hops.length} Received hop(s), each with the HELO, IP and receiving host Postfix wrote`, () => {
      const { report } = analyse(c);
      assert.equal(report.hops.length, c.hops.length);
      c.hops.forEach((want, i) => {
        const hop = report.hops[i]!;
        assert.equal(hop.index, i);
        assert.equal(hop.kind, 'relay', hop.raw);
        assert.equal(hop.from?.helo, want.helo, hop.raw);
        assert.equal(hop.from?.ip, want.ip, hop.raw);
        assert.equal(hop.by, want.by, hop.raw);
        assert.ok(hop.raw.includes(`from ${want.helo} (${want.rdns} [${want.ip}])`), `the fixture holds what Postfix wrote: ${hop.raw}`);
        assert.ok(hop.timestamp, `the date parsed: ${hop.raw}`);
      });
    });

    test(`each hop's reverse DNS is parsed from the "(rdns [ip])" comment: ${c.hops.map((h) => h.rdns).join(', ')}`, () => {
      const { report } = analyse(c);
      assert.deepEqual(report.hops.map((h) => h.from?.rdns), c.hops.map((h) => h.rdns));
    });

    test('the boundary is the hop into mx.rcpt.test, the receiver declared with --trust', () => {
      const { report } = analyse(c);
      const top = c.hops.length - 1;
      assert.equal(report.boundary?.hop, top);
      assert.equal(report.boundary?.by, 'mx.rcpt.test');
      assert.equal(report.boundary?.ip, c.hops[top]!.ip);
      assert.equal(report.boundary?.helo, c.hops[top]!.helo);
      assert.equal(report.hops[top]!.trust, 'boundary');
    });

    test(`dns.json alone gives mailauth spf=${c.truth.spf}, helo=${c.truth.helo}, dkim=${c.truth.dkim}, dmarc=${c.truth.dmarc} at the boundary`, async () => {
      const truth = await groundTruth(c);
      assert.deepEqual(truth.missing, [], 'every answer mailauth needs is recorded');
      assert.deepEqual(truth.result, c.truth);
      if (truth.result.dmarc !== 'none') assert.equal(truth.policy, 'reject', 'example.test publishes p=reject');
    });

    test('every DNS question the CLI asked was answered from dns.json (nothing missing)', () => {
      const { report } = analyse(c);
      assert.deepEqual(
        report.auth.dns.filter((r) => r.provenance === 'missing').map((r) => `${r.type} ${r.name}`),
        [],
      );
    });

    test(`the CLI reports spf=${c.truth.spf} (MAIL FROM example.test at ${c.hops.at(-1)!.ip}), helo spf=${c.truth.helo}, dkim=${c.truth.dkim}, dmarc=${c.truth.dmarc} (p=reject) for example.test`, () => {
      const { report } = analyse(c);
      const results = report.auth.results;
      const spf = (identity: string) => results.find((r) => r.method === 'spf' && r.details?.['identity'] === identity);
      assert.equal(spf('mailfrom')?.result, c.truth.spf);
      assert.equal(spf('mailfrom')?.domain, 'example.test');
      assert.equal(spf('helo')?.result, c.truth.helo);
      assert.equal(results.filter((r) => r.method === 'dkim').map((r) => r.result).join(',') || 'none', c.truth.dkim);
      const dmarc = results.find((r) => r.method === 'dmarc');
      assert.equal(dmarc?.result, c.truth.dmarc);
      assert.equal(dmarc?.domain, 'example.test');
      assert.equal(dmarc?.details?.['policy'], 'reject');
      assert.equal(report.auth.inputs?.ip, c.hops.at(-1)!.ip, 'SPF used the boundary hop, not the topmost or a lower one');
    });
    if (c.relayTraversalAt !== undefined) {
      test(`a relay-traversal finding (relay.third-party) names hop ${c.relayTraversalAt} where relay.openrelay.test took mail from ${c.hops[c.relayTraversalAt]!.rdns} [${c.hops[c.relayTraversalAt]!.ip}] and relayed it to mx.rcpt.test; evidence: MX rcpt.test = mx.rcpt.test, SPF example.test fails for 10.25.0.3`, () => {
        const { report } = analyse(c);
        const f = report.findings.filter((x) => x.id === 'relay.third-party');
        assert.equal(f.length, 1, JSON.stringify(report.findings.map((x) => x.id)));
        assert.equal(f[0]!.data?.['relay'], 'relay.openrelay.test');
        assert.deepEqual(f[0]!.data?.['mx'], ['mx.rcpt.test']);
        assert.equal(f[0]!.data?.['spf'], 'fail');
        assert.ok(f[0]!.evidence.some((e) => e.index === report.hops[c.relayTraversalAt!]!.header), 'the evidence is the Received line of the traversal');
        assert.ok(f[0]!.evidence.some((e) => e.header === 'dns:MX rcpt.test' && e.text === 'mx.rcpt.test'));
        assert.ok(f[0]!.evidence.some((e) => e.header === 'dns:SPF example.test' && /spf=fail for 10\.25\.0\.3/.test(e.text)));
      });
    } else {
      test('no relay-traversal finding (relay.third-party): the message came straight to mx.rcpt.test', () => {
        const { report } = analyse(c);
        assert.deepEqual(report.findings.filter((x) => x.id.startsWith('relay.')).map((x) => x.id), []);
      });
    }
    if (c.name.startsWith('spoof')) {
      test('identity.display-name-impersonation: the display name "paypal@paypal.com" is an address unlike alice@example.test', () => {
        const { report } = analyse(c);
        const f = report.findings.find((x) => x.id === 'identity.display-name-impersonation');
        assert.ok(f, JSON.stringify(report.findings.map((x) => x.id)));
        assert.ok(f.evidence.some((e) => e.header === 'From' && e.text.includes('paypal@paypal.com')));
      });
    }
    test(`the verdict is ${c.verdict}${c.verdict === 'forged' ? ' (exit 2), driven by dmarc=fail with p=reject and the display-name impersonation' : c.verdict === 'pass' ? ' (exit 0)' : ' (exit 0 or 1): DKIM and DMARC pass, only the relay traversal is worth a look'}`, () => {
      const { code, report } = analyse(c);
      if (c.verdict === 'not forged') {
        assert.ok(code === 0 || code === 1, `exit ${code}`);
        assert.ok(!report.findings.some((f) => f.severity === 'high'), JSON.stringify(report.findings.map((x) => [x.id, x.severity])));
      } else {
        assert.equal(report.verdict, c.verdict);
        assert.equal(code, c.verdict === 'forged' ? 2 : 0);
      }
      if (c.verdict === 'forged') {
        assert.ok(report.verdictDrivers.includes('auth.dmarc-fail'));
        assert.ok(report.verdictDrivers.includes('identity.display-name-impersonation'));
      }
    });
  });
}
