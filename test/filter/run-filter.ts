// Run `mailtrace filter` as a process on raw bytes, the way an MTA pipes a message through it.
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from '../helpers/cli.js';

export interface FilterRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runFilter(input: Buffer | string, args: string[] = [], env: NodeJS.ProcessEnv = {}): FilterRun {
  const r = spawnSync(process.execPath, [BIN, 'filter', ...args], {
    input,
    env: { ...process.env, ...env },
    cwd: ROOT,
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** The same, asynchronously: for tests that run a DNS server in this process while the filter waits on it. */
export function runFilterAsync(input: Buffer | string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<FilterRun & { ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'filter', ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started }));
    child.stdin.end(input);
  });
}

