// Robustness and calibration over the shared corpus: every message through analyze() (offline), counting hops by
// kind/parse/dialect, unparseable lines, boundaries, verdicts and hop-chain findings per folder.
//   node --import tsx bench/hops-corpus.ts [--json] [folder ...]     (folders relative to ../shared/corpus)
import { readFileSync } from 'node:fs';
import { CORPUS, corpusFiles } from '../test/helpers/corpus.js';
import { analyze } from '../src/analyze.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const folders = args.filter((a) => !a.startsWith('--'));
const DEFAULT = ['phishing_pot', 'spamassassin/spam-1', 'spamassassin/spam-2', 'spamassassin/easy-ham-1', 'spamassassin/hard-ham-1', 'kernel-list'];

const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
const table = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));

const results: Record<string, unknown> = {};
const unparseable: { file: string; raw: string }[] = [];
for (const folder of folders.length ? folders : DEFAULT) {
  const hopsBy = new Map<string, number>();
  const rules = new Map<string, number>();
  const messagesWith = new Map<string, number>();
  const verdicts = new Map<string, number>();
  const errors = new Map<string, number>();
  let messages = 0;
  let withBoundary = 0;
  let slowest = 0;
  const started = performance.now();
  for (const file of corpusFiles(folder)) {
    messages++;
    const t0 = performance.now();
    try {
      const report = await analyze(readFileSync(file), { offline: true });
      bump(verdicts, report.verdict);
      if (report.boundary) withBoundary++;
      for (const h of report.hops) {
        bump(hopsBy, `${h.kind}/${h.parse}/${h.dialect}`);
        if (h.kind === 'unparseable') unparseable.push({ file: file.slice(CORPUS.length + 1), raw: h.raw });
      }
      for (const f of report.findings) bump(rules, `${f.id}:${f.severity}`);
      for (const id of new Set(report.findings.map((f) => f.id))) bump(messagesWith, id);
    } catch (e) {
      bump(errors, (e as Error).name + ': ' + (e as Error).message.slice(0, 80));
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  results[folder] = {
    messages,
    withBoundary,
    verdicts: table(verdicts),
    errors: table(errors),
    findings: table(rules),
    messagesWithFinding: table(messagesWith),
    hops: table(hopsBy),
    ms: Math.round(performance.now() - started),
    slowestMs: Math.round(slowest),
  };
}
if (json) console.log(JSON.stringify({ results, unparseable }, null, 1));
else {
  for (const [folder, r] of Object.entries(results)) console.log(folder, JSON.stringify(r, null, 1));
  console.log(`unparseable hops: ${unparseable.length}`);
  for (const u of unparseable.slice(0, 20)) console.log(`  ${u.file}: ${JSON.stringify(u.raw.slice(0, 160))}`);
}
