// Warm, offline analyze() cost per message over the shared corpus, overall and per pipeline stage, in CPU time.
//   node --import tsx bench/analyze-warm.ts [--limit N] [--rounds R] [--rules] [--dump FILE]
// The messages are read into memory first, so no I/O is timed. One warm-up round lets V8 optimise; then each round
// runs one stage over a batch of messages (its inputs computed beforehand), so a stage's figure holds nothing else.
// The memos of the hot paths (src/memo.ts) keep at most a few thousand recent values, far fewer than the corpus has:
// a round does not find the previous round's values there, so a round costs what one pass of a scan costs.
// CPU is process.cpuUsage() (user + system, every thread: GC helpers included), the cost a batch pays per core.
// --rules also times each rule on its own (a rule that first asks for a shared, memoised fact pays for it).
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
import { RULES, runRules } from '../src/findings/index.js';
import type { Rule } from '../src/findings/define.js';
import { decideVerdict } from '../src/verdict/index.js';
import { renderNdjsonLine } from '../src/render/json.js';
import type { AnalyzeOptions, AuthReport, Chain, Identity, Message } from '../src/types.js';
import type { RelayContext } from '../src/identity/relay.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const LIMIT = Number(flag('--limit') ?? Infinity);
const ROUNDS = Number(flag('--rounds') ?? 3);
const DUMP = flag('--dump');
const PER_RULE = args.includes('--rules');

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

/** Messages per batch in the stage rounds: each stage runs over a batch before the next, and a batch is dropped
 * before the next is read, so that the garbage collector sees what a scan gives it, not 7,200 live messages. */
const BATCH = 100;

/** The stages analyze() runs, one at a time over each batch of messages, each timed on its own. */
async function stageRound(corpus: { raw: Buffer }[]): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  const add = (k: string, from: NodeJS.CpuUsage) => (t[k] = (t[k] ?? 0) + cpuMs(from));
  for (let b = 0; b < corpus.length; b += BATCH) {
    const batch = corpus.slice(b, b + BATCH);
    let start = process.cpuUsage();
    const messages = batch.map((c) => parseMessage(c.raw));
    add('message (split)', start);
    start = process.cpuUsage();
    const chains = messages.map((m) => buildChain(m, { trust: [], authservIds: [] }));
    add('hops (chain)', start);
    start = process.cpuUsage();
    const identities = messages.map((m, i) => extractIdentity(m, chains[i]!));
    add('identity', start);
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
    add('auth (offline) + relay', start);
    const contexts = staged.map((s) => ({ ...s, options: { ...OPTIONS, skewSeconds: DEFAULT_SKEW_SECONDS } }));
    start = process.cpuUsage();
    for (const ctx of contexts) decideVerdict(runRules(ctx));
    add('findings + verdict', start);
    if (PER_RULE) {
      // Fresh messages, so that memoised per-message facts are computed again, by the first rule that asks.
      const fresh = batch.map((c, i) => ({ ...contexts[i]!, message: parseMessage(c.raw) }));
      for (const rule of RULES as readonly Rule[]) {
        start = process.cpuUsage();
        for (const ctx of fresh) rule.check(ctx);
        add(`  rule ${rule.id}`, start);
      }
    }
  }
  return t;
}

/** analyze() end to end over every message, then again with each report serialised as a scan writes it. */
async function fullRound(corpus: { raw: Buffer }[]): Promise<{ analyze: number; json: number }> {
  let start = process.cpuUsage();
  for (const c of corpus) await analyze(c.raw, OPTIONS);
  const analyzeMs = cpuMs(start);
  start = process.cpuUsage();
  for (const c of corpus) renderNdjsonLine(await analyze(c.raw, OPTIONS));
  return { analyze: analyzeMs, json: cpuMs(start) - analyzeMs };
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
    if (!k.startsWith('  rule')) sum += median(v);
    console.log(`  ${k.padEnd(24)} ${per(median(v))}`);
  }
  console.log(`  ${'sum of stages'.padEnd(24)} ${per(sum)}`);
  console.log(`analyze() end to end       ${per(median(full.analyze))}  (${Math.round((n * 1000) / median(full.analyze))} msgs/s per core)`);
  console.log(`JSON serialisation         ${per(median(full.json))}`);
}

await main();
