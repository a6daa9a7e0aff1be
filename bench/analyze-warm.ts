// Warm, offline analyze() cost per message over the shared corpus, overall and per pipeline stage, in CPU time.
//   node --import tsx bench/analyze-warm.ts [--limit N] [--rounds R] [--dump FILE]
// The messages are read into memory first, so no I/O is timed. One warm-up round lets V8 optimise; then each round
// runs one stage over every message (its inputs computed beforehand), so a stage's figure holds nothing else.
// CPU is process.cpuUsage() (user + system, every thread: GC helpers included), the cost a batch pays per core.
// --dump FILE writes one JSON report per line (the same options every time, a fixed clock), to compare two builds
// byte for byte (`cmp`); keep such files out of the repository (the corpus licences forbid copies).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CORPUS, corpusFiles } from '../test/helpers/corpus.js';
import { analyze, DEFAULT_SKEW_SECONDS } from '../src/analyze.js';
import { parseMessage, NotAMessageError } from '../src/message/parse.js';
import { buildChain } from '../src/hops/index.js';
import { extractIdentity, gatherRelayContext } from '../src/identity/index.js';
import { authenticate } from '../src/auth/index.js';
import { runRules } from '../src/findings/index.js';
import { decideVerdict } from '../src/verdict/index.js';
import { renderNdjsonLine } from '../src/render/json.js';
import type { AnalyzeOptions, AuthReport, Chain, Identity, Message, Report } from '../src/types.js';
import type { RelayContext } from '../src/identity/relay.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const LIMIT = Number(flag('--limit') ?? Infinity);
const ROUNDS = Number(flag('--rounds') ?? 3);
const DUMP = flag('--dump');

/** A fixed clock: messages without a boundary timestamp are judged at this instant, so two runs compare equal. */
const FIXED_NOW = new Date('2026-01-01T00:00:00Z');
const OPTIONS: AnalyzeOptions = { offline: true, deps: { now: () => FIXED_NOW } };

function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** The corpus, read once; files that are not messages (empty, binary) are left out, as a scan would report them. */
function loadCorpus(): { path: string; raw: Buffer }[] {
  const paths = ['phishing_pot', 'spamassassin', 'kernel-list'].flatMap((f) => corpusFiles(f)).slice(0, LIMIT);
  const out: { path: string; raw: Buffer }[] = [];
  for (const path of paths) {
    const raw = readFileSync(path);
    try {
      parseMessage(raw);
      out.push({ path, raw });
    } catch (err) {
      if (!(err instanceof NotAMessageError)) throw err;
    }
  }
  return out;
}

interface Staged {
  message: Message;
  chain: Chain;
  identity: Identity;
  auth: AuthReport;
  relay: RelayContext;
}

/** The stages analyze() runs, one at a time over every message, each timed on its own. */
async function stageRound(corpus: { raw: Buffer }[]): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  let start = process.cpuUsage();
  const messages = corpus.map((c) => parseMessage(c.raw));
  t['message (split)'] = cpuMs(start);
  start = process.cpuUsage();
  const chains = messages.map((m) => buildChain(m, { trust: [], authservIds: [] }));
  t['hops (chain)'] = cpuMs(start);
  start = process.cpuUsage();
  const identities = messages.map((m, i) => extractIdentity(m, chains[i]!));
  t['identity'] = cpuMs(start);
  start = process.cpuUsage();
  const staged: Staged[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const chain = chains[i]!;
    const identity = identities[i]!;
    const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
    const at = boundary?.timestamp ? new Date(boundary.timestamp) : FIXED_NOW;
    const auth = await authenticate({ message, chain, identity, at, offline: true, authservIds: [] }, { now: () => FIXED_NOW });
    const relay = await gatherRelayContext(identity, chain, undefined);
    staged.push({ message, chain, identity, auth, relay });
  }
  t['auth (offline) + relay'] = cpuMs(start);
  start = process.cpuUsage();
  for (const s of staged) decideVerdict(runRules({ ...s, options: { ...OPTIONS, skewSeconds: DEFAULT_SKEW_SECONDS } }));
  t['findings + verdict'] = cpuMs(start);
  return t;
}

/** analyze() end to end, then the report serialised as a scan writes it. */
async function fullRound(corpus: { raw: Buffer }[]): Promise<{ analyze: number; json: number }> {
  const reports: Report[] = [];
  let start = process.cpuUsage();
  for (const c of corpus) reports.push(await analyze(c.raw, OPTIONS));
  const analyzeMs = cpuMs(start);
  start = process.cpuUsage();
  for (const r of reports) renderNdjsonLine(r);
  return { analyze: analyzeMs, json: cpuMs(start) };
}

async function dump(corpus: { path: string; raw: Buffer }[], file: string): Promise<void> {
  const lines: string[] = [];
  for (const c of corpus) lines.push(renderNdjsonLine({ path: relative(CORPUS, c.path), report: await analyze(c.raw, OPTIONS) }));
  writeFileSync(file, lines.join(''));
  console.log(`wrote ${lines.length} reports to ${file}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const corpus = loadCorpus();
  if (DUMP) return dump(corpus, DUMP);
  const n = corpus.length;
  await fullRound(corpus); // warm-up: let V8 optimise every path before anything is timed
  await stageRound(corpus);
  const stages: Record<string, number[]> = {};
  const full = { analyze: [] as number[], json: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, v] of Object.entries(await stageRound(corpus))) (stages[k] ??= []).push(v);
    const f = await fullRound(corpus);
    full.analyze.push(f.analyze);
    full.json.push(f.json);
  }
  const per = (ms: number) => `${(ms / n).toFixed(3)} ms/msg`;
  console.log(`${n} messages in memory, ${ROUNDS} timed rounds after one warm-up; median CPU (user+system) per round`);
  let sum = 0;
  for (const [k, v] of Object.entries(stages)) {
    sum += median(v);
    console.log(`  ${k.padEnd(24)} ${per(median(v))}`);
  }
  console.log(`  ${'sum of stages'.padEnd(24)} ${per(sum)}`);
  console.log(`analyze() end to end       ${per(median(full.analyze))}  (${Math.round((n * 1000) / median(full.analyze))} msgs/s per core)`);
  console.log(`JSON serialisation         ${per(median(full.json))}`);
}

await main();
