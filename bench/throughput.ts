// Batch throughput over the shared corpus, offline: `mailtrace scan --jobs N` when the CLI has it, else analyze()
// of the built library in N worker threads (read + analyse, the work a scan does per message).
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface Throughput {
  how: string;
  command: string;
  jobs: number;
  messages: number;
  bytes: number;
  errors: number;
  seconds: number;
  peakRssMb?: number;
  /** CPU time of the scan process, user + system, all threads (the machine is shared: CPU moves less than wall). */
  cpuSeconds?: number;
  /** Set when this is the median of several runs: how many, and the fastest and slowest wall times. */
  spread?: { runs: number; fastest: number; slowest: number };
}

/** Whether the CLI's --help lists a command (scan arrives with the batch work, filter with this branch). */
export function cliHasCommand(cli: string, command: string): boolean {
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout ?? '';
  return new RegExp(`^ {2}mailtrace ${command} `, 'm').test(help);
}

/** In-process: the corpus split round-robin over `jobs` worker threads, wall time from spawn to the last result. */
export async function libraryThroughput(library: string, paths: string[], jobs: number): Promise<Throughput> {
  const shares = Array.from({ length: jobs }, (_, i) => paths.filter((_, j) => j % jobs === i));
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<{ messages: number; bytes: number; errors: number }>((resolve, reject) => {
          const worker = new Worker(new URL('./throughput-worker.mjs', import.meta.url), { workerData: { library, paths: share } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sum = (k: 'messages' | 'bytes' | 'errors') => results.reduce((n, r) => n + r[k], 0);
  return {
    how: `analyze() in ${jobs} worker thread${jobs > 1 ? 's' : ''} (scan not available)`,
    command: `bench/throughput-worker.mjs x${jobs} (dist/index.js)`,
    jobs,
    messages: sum('messages'),
    bytes: sum('bytes'),
    errors: sum('errors'),
    seconds,
  };
}

/**
 * Peak RSS of a running process, from the kernel's high-water mark (VmHWM), and its CPU time (utime + stime of
 * /proc/PID/stat, in clock ticks of 1/100 s), polled until it exits: the last poll misses at most 25 ms of CPU.
 */
function pollPeakRss(pid: number, into: { kb: number; ticks: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) into.kb = Math.max(into.kb, Number(m[1]));
      // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      into.ticks = Math.max(into.ticks, Number(f[11]) + Number(f[12]));
    } catch {
      // The process has exited between two polls.
    }
  }, 25);
}

/** `mailtrace scan` as a process; messages = output lines (one per input message, reports and error records). */
export async function scanThroughput(
  cli: string,
  inputs: string[],
  jobs: number,
  inputBytes: number,
  inputsLabel = inputs.join(' '),
  node: { path: string; label: string } = { path: process.execPath, label: 'node' },
): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-bench-scan-'));
  const out = join(dir, 'out.ndjson');
  const options = [cli, 'scan', '--offline', '--quiet', '--jobs', String(jobs), '--out', out];
  const args = [...options, ...inputs];
  try {
    const started = process.hrtime.bigint();
    const child = spawn(node.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const peak = { kb: 0, ticks: 0 };
    const poller = pollPeakRss(child.pid!, peak);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(poller);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`scan exited ${code}: ${stderr.slice(0, 500)}`);
    const { lines, errors } = await countRecords(out);
    return {
      how: `mailtrace scan --jobs ${jobs} (CPU user+sys ${(peak.ticks / 100).toFixed(1)} s)`,
      command: [node.label, ...options, inputsLabel].join(' ').replace(out, '<tmp>/out.ndjson'),
      jobs,
      messages: lines,
      bytes: inputBytes,
      errors,
      seconds,
      peakRssMb: peak.kb / 1024,
      cpuSeconds: peak.ticks / 100,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Output lines and error records, streamed: a scan of a 1 GB mbox writes more than a string can hold. */
async function countRecords(path: string): Promise<{ lines: number; errors: number }> {
  let lines = 0;
  let errors = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (!line) continue;
    lines++;
    if (/"error":\{/.test(line.slice(0, 400))) errors++;
  }
  return { lines, errors };
}

export function totalBytes(paths: string[]): number {
  return paths.reduce((n, p) => n + statSync(p).size, 0);
}

/**
 * The scan pipeline without the analysis: the real ScanRun (inputs read, batched to `jobs` workers, results put
 * back in order, written) with a worker that answers every task at once (the pool tests' worker). Its rate is the
 * most a scan can reach whatever the analysis costs; its CPU is what the pipeline adds to every message.
 * In-process, so start-up and argument parsing are not in it: `node --import tsx bench/throughput.ts --ceiling`.
 */
export async function pipelineCeiling(paths: string[], jobs: number): Promise<{ messages: number; seconds: number; cpuSeconds: number }> {
  const [{ ScanRun }, { enumerateInputs }, { fileOutput }, { Tally }, { NO_PROGRESS }] = await Promise.all([
    import('../src/cli/scan/run.js'),
    import('../src/input/index.js'),
    import('../src/cli/scan/output.js'),
    import('../src/cli/scan/tally.js'),
    import('../src/cli/scan/progress.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-bench-ceiling-'));
  try {
    const output = fileOutput(join(dir, 'out.ndjson'), undefined);
    const run = new ScanRun({
      jobs,
      settings: { format: 'ndjson', unwrap: 'all', timeoutMs: 30_000, analyze: { offline: true } },
      dns: { mode: false },
      output,
      tally: new Tally(),
      progress: NO_PROGRESS,
      pool: { script: new URL('../test/fixtures/scan/misbehaving-worker.mjs', import.meta.url) },
    });
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await run.run(enumerateInputs(paths)[Symbol.asyncIterator]());
    await output.close();
    const used = process.cpuUsage(cpu);
    return { messages: run.figures.messages, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv.includes('--ceiling')) {
  const { corpusFiles } = await import('../test/helpers/corpus.js');
  const paths = ['phishing_pot', 'spamassassin', 'kernel-list'].flatMap((f) => corpusFiles(f));
  for (const jobs of [1, 2]) {
    const c = await pipelineCeiling(paths, jobs);
    console.log(`pipeline ceiling, --jobs ${jobs}: ${c.messages} messages in ${c.seconds.toFixed(2)} s = ${(c.messages / c.seconds).toFixed(0)} msgs/s, CPU user+sys ${c.cpuSeconds.toFixed(2)} s (${((c.cpuSeconds / c.messages) * 1e6).toFixed(0)} µs a message)`);
  }
}
