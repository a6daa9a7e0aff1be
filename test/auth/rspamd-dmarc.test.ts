// rspamd's DMARC functional cases (cases/115_dmarc.robot, converted to suites/rspamd/expected.json), through our
// authentication stage with rspamd's fake DNS table (fake_dns.merged-local.json) served by src/dns/replay.ts. The
// SMTP client IP and MAIL FROM come from each case's params, as rspamd's scan passes them; a case without IP is
// scanned by rspamd with no client, so we state "no SMTP client" (SPF none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusPath } from '../helpers/corpus.js';
import { authenticateBytes } from './helpers.js';
import { nxdomainResolver } from './suites/zone.js';
import type { DnsSnapshot } from '../../src/dns/snapshot.js';
import type { MethodResult } from '../../src/types.js';

const DIR = corpusPath('suites', 'rspamd');

interface Case {
  case_file: string;
  name: string;
  scans: { file: string; params: Record<string, string> }[];
  expect: { assert: string; args: string[] }[];
  other_steps?: unknown;
}

const RCODE: Record<string, string> = { norec: 'ENODATA', nxdomain: 'ENOTFOUND', timeout: 'ETIMEOUT', servfail: 'ESERVFAIL' };

function snapshot(): DnsSnapshot {
  const rows = JSON.parse(readFileSync(join(DIR, 'fake_dns.merged-local.json'), 'utf8')) as { name: string; type: string; rcode?: string; replies?: string[] }[];
  const out: DnsSnapshot = Object.create(null);
  for (const r of rows) {
    const name = r.name.toLowerCase().replace(/\.$/, '');
    const type = r.type.toUpperCase();
    const entry = (out[name] ??= Object.create(null) as Record<string, unknown>);
    if (r.rcode) entry[type] = { error: RCODE[r.rcode] ?? 'ESERVFAIL' };
    else {
      const answers = type === 'TXT' ? r.replies!.map((t) => [t]) : r.replies!;
      entry[type] = [...((Array.isArray(entry[type]) ? entry[type] : []) as unknown[]), ...answers];
    }
  }
  return out;
}

/** rspamd's DMARC symbol for our result: ALLOW = pass; REJECT/QUARANTINE/SOFTFAIL = fail under p=reject/quarantine/none. */
function symbolOf(d: MethodResult): string {
  if (d.result === 'pass') return 'DMARC_POLICY_ALLOW';
  if (d.result === 'fail') return { reject: 'DMARC_POLICY_REJECT', quarantine: 'DMARC_POLICY_QUARANTINE' }[String(d.details?.['policy'])] ?? 'DMARC_POLICY_SOFTFAIL';
  if (d.result === 'temperror') return 'DMARC_DNSFAIL';
  if (d.result === 'none') return 'DMARC_NA';
  return `(${d.result})`;
}

/** Cases we knowingly do not meet or cannot run, with the reason. */
const NOT_MET: Record<string, string> = {
  'DMARC PCT ZERO REJECT':
    'pct= was removed by RFC 9989 (DMARCbis), which mailauth 7 implements: p=reject applies (REJECT); rspamd still applies RFC 7489 pct=0, which downgrades to quarantine',
  'DMARC PCT ZERO SP QUARANTINE': 'same as PCT ZERO REJECT: sp=quarantine applies (QUARANTINE) where rspamd downgrades pct=0 to none (SOFTFAIL)',
  'DMARC SUBDOMAIN PASS DKIM RELAXED ALIGNMENT':
    'organisational domain: mailauth 7 finds it by the RFC 9989 DNS tree walk, and the fake table has a DMARC record only at my.mom.za.org, so the From domain is its own organisational domain and d=mom.za.org does not align relaxed; rspamd uses the public suffix list\'s private section (za.org is a suffix there), making mom.za.org the organisational domain',
  'DMARC SUBDOMAIN PASS SPF RELAXED ALIGNMENT': 'same tree-walk vs public-suffix-list difference, for the SPF domain mom.za.org',
};
// "DMARC EVALUATES WIRE FROM AFTER REWRITE" also tests rspamd's own From rewriting (no counterpart in a read-only
// analyser); its DMARC symbol expectation on the original message is met, and that is what we assert.

test('rspamd DMARC cases: the expected DMARC symbol (or listed with a reason)', async () => {
  const cases = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Case[]).filter((c) => c.case_file.includes('115_dmarc'));
  const resolver = nxdomainResolver(snapshot());
  let passed = 0;
  const failures: string[] = [];
  const differing: string[] = [];
  for (const c of cases) {
    const scan = c.scans[0]!;
    const expected = c.expect.find((e) => e.assert.startsWith('Expect Symbol'))!.args[0]!;
    const report = await authenticateBytes(readFileSync(join(DIR, scan.file)), {
      resolver,
      at: new Date(),
      extra: { smtp: { ...(scan.params['IP'] ? { ip: scan.params['IP'] } : {}), ...(scan.params['From'] ? { mailFrom: scan.params['From'] } : {}) } },
    });
    const dmarc = report.results.find((r) => r.method === 'dmarc')!;
    const got = symbolOf(dmarc);
    if (got === expected) passed++;
    else differing.push(c.name);
    if (got !== expected && !NOT_MET[c.name]) failures.push(`${c.name} (${scan.file}): expected ${expected}, got ${got} [${dmarc.result} ${dmarc.comment ?? ''}]`);
  }
  console.log(`rspamd DMARC cases: ${passed}/${cases.length} (not met, with reasons: ${differing.join('; ')})`);
  assert.equal(cases.length, 18);
  assert.deepEqual(failures, []);
  assert.deepEqual(differing.sort(), Object.keys(NOT_MET).sort());
});
