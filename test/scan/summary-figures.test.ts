// The scan summary's figures against the records they summarise, as a user runs the scan: each figure recounted from
// the NDJSON by the definition the README gives (Batch scans, Summary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';
import { scratchDir } from '../helpers/scratch.js';

const records = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);

/** Scan a folder offline; the records and the JSON summary (written to a scratch folder: never into the corpus). */
function scan(dir: string, args: string[] = []): { recs: Record<string, any>[]; summary: Record<string, any>; stderr: string } {
  const outputs = scratchDir('summary-out');
  const out = join(outputs, 'out.ndjson');
  const summary = join(outputs, 'summary.json');
  const r = runCli(['scan', '--offline', '--at', '2026-01-01T00:00:00Z', '--out', out, '--summary', summary, ...args, dir]);
  assert.equal(r.code, 0, r.stderr);
  return { recs: records(readFileSync(out, 'utf8')), summary: JSON.parse(readFileSync(summary, 'utf8')), stderr: r.stderr };
}

/** An ARF report (RFC 5965) whose original part was redacted: it holds no header field, so the report is analysed itself. */
const redactedReport = (n: number, fromFields: string) =>
  `Received: from fbl.isp.example (fbl.isp.example [192.0.2.10])\n\tby mx.desk.example (Postfix) with ESMTP id A${n}\n\tfor <abuse@desk.example>; Mon, 01 Jan 2024 10:00:0${n} +0000\n` +
  `${fromFields}To: abuse@desk.example\nSubject: Abuse report ${n}\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <r${n}@isp.example>\n` +
  'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary="b1"\n\n' +
  '--b1\nContent-Type: text/plain\n\nAn abuse report.\n\n' +
  '--b1\nContent-Type: message/feedback-report\n\nFeedback-Type: fraud\nUser-Agent: test/1.0\nVersion: 1\n\n' +
  '--b1\nContent-Type: message/rfc822\n\nREDACTED\n\n--b1--\n';

test('a forged report analysed as itself (its original redacted): its reporter and feedback type are not counted', () => {
  const dir = scratchDir('summary-forged-report');
  // Two From fields: the reader sees one author, DMARC checks another (identity.ambiguous-from, high).
  writeFileSync(join(dir, '1-forged.eml'), redactedReport(1, 'From: <abuse@bank.example>\nFrom: Feedback Loop <fbl@isp.example>\n'));
  writeFileSync(join(dir, '2-plain.eml'), redactedReport(2, 'From: Feedback Loop <fbl@isp.example>\n'));
  const { recs, summary } = scan(dir);
  assert.deepEqual(
    recs.map((r) => [r.container?.kind, r.container?.embedded, r.container?.reporter, r.verdict]),
    [
      ['arf', 'none', 'abuse@bank.example', 'forged'],
      ['arf', 'none', 'fbl@isp.example', recs[1]!.verdict],
    ],
  );
  assert.notEqual(recs[1]!.verdict, 'forged');
  // The forged one keeps its metadata in its record, but the summary believes only the other.
  assert.deepEqual(summary.top.reporters, [{ key: 'fbl@isp.example', count: 1 }]);
  assert.deepEqual(summary.top.feedbackTypes, [{ key: 'fraud', count: 1 }]);
});

const dated = (n: number, date: string) =>
  `Received: from mail.sender.example (mail.sender.example [192.0.2.${n}])\n\tby mx.receiver.example (Postfix) with ESMTP id A${n}\n\tfor <u@receiver.example>; ${date}\n` +
  `From: a@sender.example\nTo: u@receiver.example\nSubject: t${n}\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <${n}@sender.example>\n\nbody\n`;

test('time span: the earliest and the latest boundary time, also past the years 0-9999 (a signed six-digit ISO year)', () => {
  const dir = scratchDir('summary-time-span');
  // Dates a hostile header can write: in UTC they fall in the year 10000 and the year -1.
  const dates = ['Fri, 31 Dec 9999 23:59:59 -1200', 'Mon, 01 Jan 2024 10:00:00 +0000', 'Sat, 01 Jan 0000 00:30:00 +0200', 'Sat, 01 Jan 0000 00:30:00 +0100'];
  dates.forEach((d, i) => writeFileSync(join(dir, `${i + 1}.eml`), dated(i + 1, d)));
  const { recs, summary, stderr } = scan(dir);
  const times = recs.map((r) => r.hops[r.boundary.hop].timestamp as string);
  assert.deepEqual(times, ['+010000-01-01T11:59:59.000Z', '2024-01-01T10:00:00.000Z', '-000001-12-31T22:30:00.000Z', '-000001-12-31T23:30:00.000Z']);
  const byInstant = [...times].sort((a, b) => Date.parse(a) - Date.parse(b));
  assert.deepEqual(summary.timeSpan, { first: byInstant[0], last: byInstant.at(-1) });
  assert.deepEqual(summary.timeSpan, { first: '-000001-12-31T22:30:00.000Z', last: '+010000-01-01T11:59:59.000Z' });
  assert.match(stderr, /time span\s*│ -000001-12-31T22:30:00\.000Z \.\. \+010000-01-01T11:59:59\.000Z/);
});

/** The rows of the stderr summary table, block by block: [first cell, second cell]. */
function tableBlocks(stderr: string): [string, string][][] {
  const blocks: [string, string][][] = [];
  for (const line of stderr.split('\n')) {
    if (line.startsWith('┌')) blocks.push([]);
    else if (line.startsWith('│')) blocks.at(-1)!.push(line.split('│').slice(1, 3).map((c) => c.trim()) as [string, string]);
  }
  return blocks;
}

/** The peer suites: ARF and DMARC failure reports, forwards, bounces, files that are no mail. Scanned once. */
let suites: ReturnType<typeof scan> | undefined;
const suitesScan = () => (suites ??= scan(corpusPath('suites'), ['--jobs', '2']));

/** The summary's figures recounted from the records, by the README's definitions (Batch scans, Summary). */
function recount(recs: Record<string, any>[]) {
  const counts = () => new Map<string, number>();
  const add = (m: Map<string, number>, key: string | undefined) => key && m.set(key, (m.get(key) ?? 0) + 1);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, count]) => ({ key, count }));
  const all = (m: Map<string, number>) => Object.fromEntries(sorted(m).map((r) => [r.key, r.count]));
  const c = { errors: counts(), verdicts: counts(), findings: counts(), ips: counts(), dmarc: counts(), relays: counts(), reporters: counts(), types: counts() };
  const times: string[] = [];
  for (const r of recs) {
    if (r.error) {
      add(c.errors, r.error.code);
      continue;
    }
    add(c.verdicts, r.verdict);
    for (const id of new Set<string>(r.findings.map((f: { id: string }) => f.id))) add(c.findings, id);
    if (r.boundary) {
      add(c.ips, r.boundary.ip);
      const time = r.hops.find((h: { index: number }) => h.index === r.boundary.hop)?.timestamp;
      if (time) times.push(time);
      const relays = new Set<string>(r.hops.filter((h: { index: number; by?: string }) => h.index < r.boundary.hop && h.by).map((h: { by: string }) => h.by.toLowerCase()));
      for (const relay of relays) add(c.relays, relay);
    }
    const dmarc = r.auth.results.find((a: { method: string }) => a.method === 'dmarc')?.result ??
      r.auth.recorded.find((a: { trusted: boolean; method: string }) => a.trusted && a.method.toLowerCase() === 'dmarc')?.result.toLowerCase();
    if (dmarc === 'fail') add(c.dmarc, r.identity.from[0]?.domain);
    const forged = r.container?.wrapper?.verdict === 'forged' || (r.container?.embedded === 'none' && r.verdict === 'forged');
    if (r.container && !forged) {
      add(c.reporters, r.container.reporter?.toLowerCase());
      add(c.types, r.container.feedbackType);
    }
  }
  times.sort((a, b) => Date.parse(a) - Date.parse(b));
  const reports = recs.filter((r) => !r.error).length;
  return {
    messages: recs.length,
    reports,
    errors: all(c.errors),
    verdicts: all(c.verdicts),
    findings: all(c.findings),
    top: {
      boundaryIps: sorted(c.ips).slice(0, 10),
      dmarcFailFromDomains: sorted(c.dmarc).slice(0, 10),
      relaysBelowBoundary: sorted(c.relays).slice(0, 10),
      reporters: sorted(c.reporters).slice(0, 10),
      feedbackTypes: sorted(c.types).slice(0, 10),
    },
    timeSpan: times.length ? { first: times[0], last: times.at(-1) } : {},
  };
}

test('every summary figure recounted from the NDJSON of a scan of the peer suites', () => {
  const { recs, summary } = suitesScan();
  const want = recount(recs);
  assert.ok(want.top.reporters.length > 0 && want.top.feedbackTypes.length > 0 && want.top.relaysBelowBoundary.length > 0);
  assert.deepEqual(
    { messages: summary.messages, reports: summary.reports, errors: summary.errors, verdicts: summary.verdicts, findings: summary.findings, top: summary.top, timeSpan: summary.timeSpan },
    want,
  );
  // Each file of the suites is one line (no mbox among them); an unwrapped report's line is its whole file.
  const files = recs.map((r) => (r.source.parent ?? r.source).path as string);
  assert.equal(new Set(files).size, recs.length);
  assert.equal(summary.bytes, files.reduce((total, path) => total + statSync(path).size, 0));
});

test('the stderr table says what the JSON summary says: totals, verdicts, every finding and error, the top lists', () => {
  const { summary: s, stderr } = suitesScan();
  assert.ok(Object.keys(s.findings).length > 20, 'enough distinct findings to fill the table');
  const [overview, ...lists] = tableBlocks(stderr);
  const o = new Map(overview);
  assert.equal(o.get('messages'), String(s.messages));
  assert.equal(o.get('analysed'), String(s.reports));
  assert.equal(Number(o.get('errors')), Object.values(s.errors as Record<string, number>).reduce((a, b) => a + b, 0));
  assert.deepEqual(Object.fromEntries([...o].filter(([k]) => k.startsWith('verdict ')).map(([k, v]) => [k.slice(8), Number(v)])), s.verdicts);
  const table = new Map(lists.map((block) => [block[0]![0], block.slice(1).map(([key, count]) => ({ key, count: Number(count) }))]));
  const rows = (counts: Record<string, number>) => Object.entries(counts).map(([key, count]) => ({ key, count }));
  assert.deepEqual(table.get('finding'), rows(s.findings));
  assert.deepEqual(table.get('error'), rows(s.errors));
  const tops: [string, string][] = [['boundary IP', 'boundaryIps'], ['From domain failing DMARC', 'dmarcFailFromDomains'], ['relay below the boundary', 'relaysBelowBoundary'], ['reporter', 'reporters'], ['feedback type', 'feedbackTypes']];
  for (const [title, key] of tops) assert.deepEqual(table.get(title) ?? [], s.top[key], title);
});
