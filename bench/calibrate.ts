// Verdict calibration over the shared corpus, offline (no DNS: recorded results only), as the README table.
//   node --import tsx bench/calibrate.ts [--rules] [--folder NAME] [--show RULE_ID]
// Prints, per corpus folder: the share of each verdict, then the share of phishing flagged and of ham flagged
// forged / suspicious, and (with --rules) how many messages of each folder each rule fired on, by severity.
// Nothing here knows any corpus file: it reads folders, runs analyze(), counts.
import { readFileSync, statSync } from 'node:fs';
import { CORPUS, corpusFiles } from '../test/helpers/corpus.js';
import { execFileSync } from 'node:child_process';
import { analyze } from '../src/analyze.js';
import { NotAMessageError } from '../src/message/parse.js';
import type { Report, Verdict } from '../src/types.js';

const FOLDERS = [
  { name: 'spamassassin/easy-ham-1', kind: 'ham' },
  { name: 'spamassassin/hard-ham-1', kind: 'ham' },
  { name: 'kernel-list', kind: 'ham' },
  { name: 'spamassassin/spam-1', kind: 'spam' },
  { name: 'spamassassin/spam-2', kind: 'spam' },
  { name: 'phishing_pot', kind: 'phish' },
] as const;

const args = process.argv.slice(2);
const showRules = args.includes('--rules');
const onlyFolder = args.includes('--folder') ? args[args.indexOf('--folder') + 1] : undefined;
const show = args.includes('--show') ? args[args.indexOf('--show') + 1] : undefined;

/** A folder's messages; empty files are not messages and are left out of the shares. */
function files(folder: string): string[] {
  return corpusFiles(folder).filter((p) => statSync(p).size > 0);
}

const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) + '%' : '-');

interface FolderStats {
  name: string;
  kind: string;
  total: number;
  errors: number;
  verdicts: Record<Verdict, number>;
  /** rule id -> severity -> messages */
  rules: Map<string, Map<string, number>>;
  /** rule id -> messages whose non-pass verdict it drove */
  drivers: Map<string, number>;
}

async function runFolder(name: string, kind: string): Promise<FolderStats> {
  const stats: FolderStats = { name, kind, total: 0, errors: 0, verdicts: { pass: 0, suspicious: 0, forged: 0 }, rules: new Map(), drivers: new Map() };
  for (const path of files(name)) {
    let report: Report;
    try {
      report = await analyze(readFileSync(path), { offline: true, source: { kind: 'file', path } });
    } catch (err) {
      if (err instanceof NotAMessageError) {
        stats.errors++;
        continue;
      }
      throw err;
    }
    stats.total++;
    stats.verdicts[report.verdict]++;
    for (const id of report.verdictDrivers) stats.drivers.set(id, (stats.drivers.get(id) ?? 0) + 1);
    const seen = new Set<string>();
    for (const f of report.findings) {
      const key = `${f.id}\u0000${f.severity}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const bySev = stats.rules.get(f.id) ?? new Map<string, number>();
      bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1);
      stats.rules.set(f.id, bySev);
      if (show && f.id === show && f.severity !== 'info') {
        console.log(`${path}\n  ${f.severity} ${f.title}\n  ${JSON.stringify(f.data ?? {}).slice(0, 300)}`);
      }
    }
  }
  return stats;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const all: FolderStats[] = [];
for (const f of FOLDERS) if (!onlyFolder || f.name === onlyFolder) all.push(await runFolder(f.name, f.kind));

console.log(`\nmailtrace verdict calibration, offline, ${new Date().toISOString().slice(0, 10)}, commit ${commit()}\n`);
console.log('| folder | kind | messages | pass | suspicious | forged |');
console.log('|---|---|---|---|---|---|');
for (const s of all) {
  console.log(`| ${s.name} | ${s.kind} | ${s.total} | ${pct(s.verdicts.pass, s.total)} | ${pct(s.verdicts.suspicious, s.total)} | ${pct(s.verdicts.forged, s.total)} |`);
}
const sum = (kind: string, v: Verdict | 'flagged') =>
  all.filter((s) => s.kind === kind).reduce((n, s) => n + (v === 'flagged' ? s.verdicts.suspicious + s.verdicts.forged : s.verdicts[v]), 0);
const count = (kind: string) => all.filter((s) => s.kind === kind).reduce((n, s) => n + s.total, 0);
console.log('');
if (count('phish')) console.log(`phishing_pot flagged (suspicious or forged): ${pct(sum('phish', 'flagged'), count('phish'))}`);
if (count('ham')) {
  console.log(`ham flagged forged: ${pct(sum('ham', 'forged'), count('ham'))} (${sum('ham', 'forged')} of ${count('ham')}), aim <= 1%`);
  console.log(`ham flagged suspicious: ${pct(sum('ham', 'suspicious'), count('ham'))} (${sum('ham', 'suspicious')} of ${count('ham')}), aim <= 5%`);
}
if (showRules) {
  const ids = [...new Set(all.flatMap((s) => [...s.rules.keys()]))].sort();
  console.log('\nMessages each rule fired on (severity counts: high/medium/low/info)\n');
  console.log(`| rule | ${all.map((s) => s.name.replace('spamassassin/', '')).join(' | ')} |`);
  console.log(`|---|${all.map(() => '---').join('|')}|`);
  for (const id of ids) {
    const cells = all.map((s) => {
      const m = s.rules.get(id);
      return m ? ['high', 'medium', 'low', 'info'].map((sev) => m.get(sev) ?? 0).join('/') : '';
    });
    console.log(`| ${id} | ${cells.join(' | ')} |`);
  }
  const driverIds = [...new Set(all.flatMap((s) => [...s.drivers.keys()]))].sort();
  console.log('\nMessages whose suspicious/forged verdict each rule drove\n');
  console.log(`| rule | ${all.map((s) => s.name.replace('spamassassin/', '')).join(' | ')} |`);
  console.log(`|---|${all.map(() => '---').join('|')}|`);
  for (const id of driverIds) console.log(`| ${id} | ${all.map((s) => s.drivers.get(id) ?? '').join(' | ')} |`);
}
const errors = all.reduce((n, s) => n + s.errors, 0);
if (errors) console.log(`\n${errors} inputs were not messages (exit 65) and are left out.`);
