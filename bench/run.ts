// `npm run bench`: start-up, throughput, memory and DNS figures side by side, each next to its target (issue 5).
// It prints figures and never asserts: a missed target is reported, not failed. Results also go to
// bench/results.md. Options: --quick (fewer runs, 256 MB mbox), --mbox-mb N, --cli PATH (another build's
// bin/mailtrace.cjs), --only cold,throughput,rss,dns (some sections), --no-write (do not touch bench/results.md),
// --append (add this run to bench/results.md instead of replacing it), --runs N (corpus scans per configuration).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureColdStart, type ColdStart } from './cold-start.js';
import { cliHasCommand, libraryThroughput, scanThroughput, totalBytes, type Throughput } from './throughput.js';
import { buildMbox } from './mbox.js';
import { startDnsCounter } from './dns-counter.js';
import { CORPUS, corpusFiles as corpusFolderFiles } from '../test/helpers/corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const value = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const CLI = resolve(value('--cli') ?? join(ROOT, 'bin/mailtrace.cjs'));
const MBOX_MB = Number(value('--mbox-mb') ?? (QUICK ? 256 : 1024));
const RUNS = Math.max(1, Number(value('--runs') ?? (QUICK ? 1 : 3)));
const ONLY = new Set((value('--only') ?? 'cold,throughput,rss,dns').split(','));
const SAMPLE = join(ROOT, 'fixtures/sample/message.eml');

const CORES = availableParallelism();
const lines: string[] = [];

function say(line = ''): void {
  process.stdout.write(line + '\n');
  lines.push(line);
}

function corpusFiles(...folders: string[]): string[] {
  return folders.flatMap((f) => corpusFolderFiles(f));
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');

function ensureTools(): void {
  // Builds dist/ when sources changed, installs hyperfine when root; otherwise the cold start uses a Node loop.
  const r = spawnSync('bash', [join(ROOT, 'scripts/ensure-deps.sh'), '--with-bench'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) say(`note: ensure-deps --with-bench failed (${r.stderr.trim().split('\n').pop()}); falling back where possible`);
}

function reportColdStart(results: ColdStart[]): void {
  say('## Cold start (one message, offline)');
  say(`tool: ${results[0]?.tool}`);
  for (const r of results) {
    say(`environment: ${r.env}`);
    const base = r.timings[0]!;
    for (const t of r.timings) {
      const ratio = t.medianMs / base.medianMs;
      const target = t === base ? '' : `  ratio ${ratio.toFixed(2)}x  (target <= 2.5x: ${met(ratio <= 2.5)})`;
      const cpu = t.cpuMs !== undefined && base.cpuMs ? `, CPU ${ms(t.cpuMs)}${t === base ? '' : ` (${(t.cpuMs / base.cpuMs).toFixed(2)}x)`}` : '';
      say(`  ${t.name.padEnd(18)} median ${ms(t.medianMs).padStart(9)}, mean ${ms(t.meanMs).padStart(9)} ± ${ms(t.stddevMs).padEnd(9)}${cpu}${target}`);
      say(`    $ ${t.command}`);
    }
  }
  say('Ratios are of wall-clock medians; CPU is user+system, which other processes on a busy machine hardly move.');
  say('The target is judged on the first environment: NODE_EXTRA_CA_CERTS adds ~50 ms to every Node 20 start,');
  say('mailtrace and `node -e 0` alike, which flatters the ratio.');
  say();
}

/**
 * Each configuration RUNS times, the configurations interleaved (this machine's speed drifts by tens of percent
 * within minutes, so one run of each could compare a fast minute with a slow one): the median run of each, and
 * the fastest and slowest.
 */
async function measured(configs: (() => Promise<Throughput>)[]): Promise<Throughput[]> {
  const all: Throughput[][] = configs.map(() => []);
  for (let r = 0; r < RUNS; r++) for (const [i, run] of configs.entries()) all[i]!.push(await run());
  return all.map((runs) => {
    const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
    const median = sorted[Math.floor(sorted.length / 2)]!; // of an even count, the slower middle one
    return { ...median, spread: { runs: sorted.length, fastest: sorted[0]!.seconds, slowest: sorted.at(-1)!.seconds } };
  });
}

function reportThroughput(runs: Throughput[], heading = true): void {
  if (heading) say('## Batch throughput (shared corpus, offline)');
  for (const t of runs) {
    const rate = t.messages / t.seconds;
    const mbps = t.bytes / 1024 / 1024 / t.seconds;
    const target = t.jobs === 2 || (t.jobs === CORES && CORES >= 2) ? `  (target >= 2,000 msgs/s on 2 cores: ${met(rate >= 2000)})` : '';
    say(`  ${t.how}: ${t.messages} messages (${t.errors} error records), ${(t.bytes / 1048576).toFixed(1)} MB in ${t.seconds.toFixed(2)} s`);
    say(`    = ${rate.toFixed(0)} msgs/s, ${mbps.toFixed(1)} MB/s${target}`);
    if (t.spread && t.spread.runs > 1) {
      const { runs: n, fastest, slowest } = t.spread;
      say(`    the median of ${n} runs; fastest ${fastest.toFixed(2)} s = ${(t.messages / fastest).toFixed(0)} msgs/s, slowest ${slowest.toFixed(2)} s = ${(t.messages / slowest).toFixed(0)} msgs/s`);
    }
    say(`    $ ${t.command}`);
  }
  say();
}

async function memoryRun(corpus: string[], hasScan: boolean): Promise<void> {
  say(`## Peak RSS of a scan over a ${MBOX_MB} MB mbox built from the corpus`);
  if (!hasScan) {
    say('  skipped: this build has no `mailtrace scan` (issue 5, branch batch); rerun once it is merged');
    say();
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-bench-mbox-'));
  try {
    const path = join(dir, 'corpus.mbox');
    const built = buildMbox(path, corpus, MBOX_MB * 1024 * 1024);
    say(`  built ${path}: ${built.messages} messages, ${(built.bytes / 1048576).toFixed(0)} MB (deleted afterwards)`);
    for (const jobs of [...new Set([1, CORES])]) {
      const t = await scanThroughput(CLI, [path], jobs, built.bytes);
      const peak = t.peakRssMb ?? NaN;
      say(`  --jobs ${jobs}: peak RSS ${peak.toFixed(0)} MB (target <= 300 MB: ${met(peak <= 300)}); ${t.messages} lines in ${t.seconds.toFixed(1)} s = ${(t.messages / t.seconds).toFixed(0)} msgs/s, ${(built.bytes / 1048576 / t.seconds).toFixed(1)} MB/s`);
      say(`    $ ${t.command}  (peak RSS: VmHWM polled from /proc every 25 ms)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say();
}

function runAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

async function dnsRun(files: string[], hasScan: boolean): Promise<void> {
  say('## DNS queries issued vs unique (name, type) pairs');
  const server = await startDnsCounter();
  try {
    const dns = ['--dns-server', `127.0.0.1:${server.port}`, '--dns-timeout', '1000'];
    const dir = mkdtempSync(join(tmpdir(), 'mailtrace-bench-dns-'));
    const args = hasScan
      ? [CLI, 'scan', '--quiet', '--jobs', String(CORES), '--out', join(dir, 'out.ndjson'), ...dns, ...files]
      : [CLI, '--json', ...dns, ...files];
    // Asynchronously: the counting server runs in this process and must answer while the run waits on it.
    const r = await runAsync(args);
    rmSync(dir, { recursive: true, force: true });
    const queries = server.queries();
    const unique = server.unique();
    say(`  ${files.length} messages against a loopback server answering NXDOMAIN: ${queries} queries issued, ${unique} unique pairs`);
    say(`    (target: queries = unique pairs: ${queries === 0 ? 'NOT MEASURABLE: no query reached the wire' : met(queries === unique)}; exit ${r.status})`);
    // scan exits 0 when it ran to the end; the analyze command exits with the worst verdict (0-2).
    const failed = hasScan ? r.status !== 0 : r.status === null || r.status > 2;
    if (failed) say(`    the run failed (exit ${r.status}): ${r.stderr.trim().split('\n')[0]}`);
    if (queries === 0 && !failed) say('    this build does no live DNS yet (issues 3/4: branches dns and auth); the figure becomes real once they land');
    say(`    $ node ${args.slice(0, args.length - files.length).join(' ').replace(dir, '<tmp>')} <${files.length} kernel-list files>`);
  } finally {
    await server.close();
  }
  say();
}

/**
 * The same scans under the other Node majors the test matrix fetched (scripts/node-matrix.sh, .cache/node-N, the
 * majors in MAILTRACE_NODE_MATRIX as there): V8 changed between them, and a worker's warm-up, most of a corpus
 * scan, with it. Skipped when not fetched.
 */
async function matrixThroughput(corpus: string[], bytes: number): Promise<void> {
  const arch = `${process.platform}-${process.arch}`;
  const nodes = (process.env.MAILTRACE_NODE_MATRIX ?? '22 24')
    .split(/\s+/)
    .filter(Boolean)
    .map((v) => join(ROOT, `.cache/node-${v}/node_modules/node-${arch}/bin/node`))
    .filter((path) => existsSync(path));
  if (nodes.length === 0) return;
  const configs: (() => Promise<Throughput>)[] = [];
  for (const path of nodes) {
    const version = spawnSync(path, ['-v'], { encoding: 'utf8' }).stdout.trim();
    for (const jobs of [...new Set([1, CORES])]) {
      configs.push(async () => {
        const t = await scanThroughput(CLI, corpus, jobs, bytes, `<the ${corpus.length} files>`, { path, label: `node-${version}` });
        return { ...t, how: `Node ${version}, ${t.how}` };
      });
    }
  }
  const runs = await measured(configs);
  say(`The same on the other Node majors of the test matrix (${nodes.length} fetched in .cache by scripts/node-matrix.sh):`);
  reportThroughput(runs, false);
}

async function main(): Promise<void> {
  ensureTools();
  if (!existsSync(CORPUS)) throw new Error(`shared corpus missing: ${CORPUS}`);
  const started = new Date();
  say(`# mailtrace benchmark, ${started.toISOString()}`);
  say(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${CORES} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`);
  say(`cli: ${CLI}`);
  say(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (figures from a busy machine are noisy)`);
  say();

  if (ONLY.has('cold')) reportColdStart(
    measureColdStart(
      [
        { name: 'node -e 0', args: ['-e', '0'] },
        { name: 'mailtrace --json', args: [CLI, '--json', '--offline', SAMPLE] },
        ...(cliHasCommand(CLI, 'filter') ? [{ name: 'mailtrace filter', args: [CLI, 'filter', '--offline'], stdin: SAMPLE }] : []),
      ],
      QUICK ? 15 : 40,
    ),
  );

  const corpus = corpusFiles('phishing_pot', 'spamassassin', 'kernel-list');
  const hasScan = cliHasCommand(CLI, 'scan');
  const bytes = totalBytes(corpus);
  if (ONLY.has('throughput')) {
    const label = `<the ${corpus.length} files of phishing_pot, spamassassin, kernel-list>`;
    const runs = await measured(
      [...new Set([1, CORES])].map((jobs) => () => (hasScan ? scanThroughput(CLI, corpus, jobs, bytes, label) : libraryThroughput(join(ROOT, 'dist/index.js'), corpus, jobs))),
    );
    reportThroughput(runs);
    if (hasScan) await matrixThroughput(corpus, bytes);
  }
  if (ONLY.has('rss')) await memoryRun(corpus, hasScan);
  if (ONLY.has('dns')) await dnsRun(corpusFiles('kernel-list').slice(0, QUICK ? 200 : 1100), hasScan);

  say(`finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
  if (!flag('--no-write')) {
    const out = join(ROOT, 'bench/results.md');
    const text = `${lines.join('\n')}\n\nCommand: \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\`\n`;
    if (flag('--append')) appendFileSync(out, `\n---\n\n${text}`);
    else writeFileSync(out, text);
    process.stdout.write(`written to ${out}\n`);
  }
}

await main();
