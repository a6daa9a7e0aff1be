// Cold start: `mailtrace --json` on one message and `mailtrace filter` against a bare `node -e 0`, with hyperfine
// when it is installed (Debian package hyperfine), else a timing loop of spawnSync runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timing {
  name: string;
  command: string;
  meanMs: number;
  stddevMs: number;
  /** The ratio uses medians: this VM's noise comes in bursts that drag a mean. */
  medianMs: number;
  /** Mean user + system CPU time (hyperfine only): hardly moved by other processes on a busy machine. */
  cpuMs?: number;
}

export interface ColdStart {
  tool: string;
  /** Which environment: as the machine sets it, or without NODE_EXTRA_CA_CERTS. */
  env: string;
  timings: Timing[];
}

export interface ColdStartCase {
  name: string;
  /** argv after node; stdin from a file when given. */
  args: string[];
  stdin?: string;
}

function hasHyperfine(): boolean {
  return spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function commandLine(c: ColdStartCase): string {
  return ['node', ...c.args].map(quote).join(' ') + (c.stdin ? ` < ${quote(c.stdin)}` : '');
}

/** hyperfine in shell mode (the filter reads stdin from a redirect); it measures and subtracts the shell's own start. */
function viaHyperfine(cases: ColdStartCase[], env: NodeJS.ProcessEnv, runs: number): Timing[] {
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-bench-'));
  try {
    const out = join(dir, 'hyperfine.json');
    const commands = cases.map(commandLine);
    execFileSync('hyperfine', ['--warmup', '5', '--runs', String(runs), '--style', 'none', '--export-json', out, ...commands], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const data = JSON.parse(readFileSync(out, 'utf8')) as { results: { mean: number; stddev: number; median: number; user: number; system: number }[] };
    return cases.map((c, i) => {
      const r = data.results[i]!;
      return { name: c.name, command: commands[i]!, meanMs: r.mean * 1000, stddevMs: r.stddev * 1000, medianMs: r.median * 1000, cpuMs: (r.user + r.system) * 1000 };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fallback: spawn each case `runs` times, interleaved so that machine noise hits every case alike. */
function viaLoop(cases: ColdStartCase[], env: NodeJS.ProcessEnv, runs: number): Timing[] {
  const samples = cases.map(() => [] as number[]);
  const inputs = cases.map((c) => (c.stdin ? readFileSync(c.stdin) : Buffer.alloc(0)));
  for (let r = -3; r < runs; r++) {
    cases.forEach((c, i) => {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, c.args, { env, input: inputs[i], stdio: ['pipe', 'ignore', 'ignore'] });
      if (r >= 0) samples[i]!.push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return cases.map((c, i) => {
    const xs = samples[i]!;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const stddev = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    return { name: c.name, command: commandLine(c), meanMs: mean, stddevMs: stddev, medianMs: median };
  });
}

export function measureColdStart(cases: ColdStartCase[], runs: number): ColdStart[] {
  const tool = hasHyperfine() ? `hyperfine (shell mode, --warmup 5 --runs ${runs})` : `spawnSync loop (${runs} runs, hyperfine not installed)`;
  const measure = hasHyperfine() ? viaHyperfine : viaLoop;
  const envs: [string, NodeJS.ProcessEnv][] = [];
  const { NODE_EXTRA_CA_CERTS, ...without } = process.env;
  envs.push(['without NODE_EXTRA_CA_CERTS', without]);
  if (NODE_EXTRA_CA_CERTS) envs.push([`as set here (NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS})`, process.env]);
  return envs.map(([name, env]) => ({ tool, env: name, timings: measure(cases, env, runs) }));
}
