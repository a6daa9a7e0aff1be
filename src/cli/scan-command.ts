// `mailtrace scan <inputs..>`: many messages, one output line each, a summary at the end.
//   inputs (src/input) -> worker threads (analysis, src/cli/scan/worker.ts) -> lines in input order -> output
//                                                                            -> tally -> summary (stderr, --summary)
// Output order is the input order, whatever order the workers finish in: a diff of two scans lines up, and the
// output is always a prefix of the inputs, which is what makes --resume exact (see scan/checkpoint.ts).
// Exit code: 0 when the scan ran to the end (verdicts and per-input errors are in the output, not in the exit code),
// 130 after SIGINT (the in-flight messages are finished and written first), 64 for usage errors.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { openDns, type DnsSession } from '../dns/index.js';
import { enumerateInputs, knownTotalBytes, type InputItem } from '../input/index.js';
import type { UnwrapMode } from '../input/unwrap.js';
import { csvHeader } from '../render/csv.js';
import { errorRecord } from '../render/ndjson.js';
import { renderSummaryTable, type ScanSummary } from '../render/summary.js';
import { EXIT } from '../verdict/index.js';
import { ArgumentError, parseAt, type CommonArgs } from './common.js';
import { loadConfig } from './config.js';
import { resultOf, type ScanFormat, type ScanResult, type ScanSettings } from './scan/analyze-one.js';
import { readCheckpoint, writeCheckpoint, CheckpointError, type Checkpoint } from './scan/checkpoint.js';
import { fileOutput, streamOutput, type ScanOutput } from './scan/output.js';
import { ScanPool } from './scan/pool.js';
import { createProgress } from './scan/progress.js';
import { summarise, Tally } from './scan/tally.js';
import { STDIN_TOKEN } from './scan/argv.js';

export const EXIT_INTERRUPTED = 130;

export interface ScanArgs extends CommonArgs {
  inputs?: string[];
  out?: string;
  format: ScanFormat;
  summary?: string;
  jobs?: number;
  resume?: string;
  null: boolean;
  unwrap: UnwrapMode;
  timeout: number;
  quiet: boolean;
}

/** How often --resume writes its state; MAILTRACE_CHECKPOINT_MS overrides it (the kill-and-resume tests use it). */
const CHECKPOINT_EVERY_MS = Number(process.env.MAILTRACE_CHECKPOINT_MS) > 0 ? Number(process.env.MAILTRACE_CHECKPOINT_MS) : 1000;

function settingsFrom(args: ScanArgs): ScanSettings {
  const config = loadConfig(args.config);
  const at = parseAt(args.at);
  const skew = args.skew ?? config.skewSeconds;
  return {
    format: args.format,
    unwrap: args.unwrap,
    timeoutMs: Math.round(args.timeout * 1000),
    analyze: {
      trust: [...(config.trust ?? []), ...(args.trust ?? [])],
      authservIds: [...(config.authservIds ?? []), ...(args.trustAuthservId ?? [])],
      offline: args.offline,
      ...(at ? { at: at.toISOString() } : {}),
      ...(skew !== undefined ? { skewSeconds: skew } : {}),
    },
  };
}

async function openScanDns(args: ScanArgs): Promise<{ session?: DnsSession; mode: false | 'live' | 'replay' }> {
  if (args.offline) return { mode: false };
  const config = loadConfig(args.config);
  const servers = args.dnsServer ?? config.dnsServers;
  const session = await openDns({
    ...(servers ? { servers } : {}),
    ...(args.dnsTimeout !== undefined ? { timeoutMs: args.dnsTimeout } : {}),
    ...(args.dnsRecord ? { recordPath: args.dnsRecord } : {}),
    ...(args.dnsReplay ? { replayPath: args.dnsReplay } : {}),
  });
  return session ? { session, mode: args.dnsReplay ? 'replay' : 'live' } : { mode: false };
}

/** What a resume state belongs to: the same inputs, output and analysis settings. */
function fingerprintOf(args: ScanArgs, settings: ScanSettings): string {
  return JSON.stringify({
    inputs: (args.inputs ?? []).map((p) => (p === STDIN_TOKEN ? '-' : resolvePath(p))),
    out: args.out ? resolvePath(args.out) : undefined,
    nul: args.null,
    settings,
  });
}

function validate(args: ScanArgs): string[] {
  const inputs = (args.inputs ?? []).map((p) => (p === STDIN_TOKEN ? '-' : p));
  if (inputs.length === 0) throw new ArgumentError('scan: no input: name files, directories or mbox files, or "-" to read a list of paths from stdin');
  if (args.resume && !args.out) throw new ArgumentError('--resume needs --out FILE (stdout cannot be truncated back to a checkpoint)');
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs >= 1 && args.jobs <= 256)) throw new ArgumentError('--jobs must be a whole number from 1 to 256');
  if (!(args.timeout > 0)) throw new ArgumentError('--timeout must be a positive number of seconds');
  return inputs;
}

interface RunState {
  tally: Tally;
  output: ScanOutput;
  /** Results waiting for their turn (input order). */
  waiting: Map<number, ScanResult>;
  nextWrite: number;
  submitted: number;
  runMessages: number;
  runBytes: number;
  wake?: () => void;
}

function writeReady(run: RunState): void {
  while (run.waiting.has(run.nextWrite)) {
    const r = run.waiting.get(run.nextWrite)!;
    run.waiting.delete(run.nextWrite);
    run.output.write(r.text);
    run.tally.add(r.fact);
    run.runMessages++;
    run.runBytes += r.fact.bytes;
    run.nextWrite++;
  }
}

function waitForResults(run: RunState): Promise<void> {
  return new Promise((resolve) => {
    run.wake = resolve;
  });
}

export async function runScan(args: ScanArgs): Promise<number> {
  const inputs = validate(args);
  const settings = settingsFrom(args);
  const fingerprint = fingerprintOf(args, settings);
  let state: Checkpoint | undefined;
  try {
    state = args.resume ? readCheckpoint(args.resume) : undefined;
  } catch (err) {
    if (err instanceof CheckpointError) throw new ArgumentError(err.message);
    throw err;
  }
  if (state && state.fingerprint !== fingerprint) {
    throw new ArgumentError(`${args.resume}: this resume state belongs to a different scan (other inputs, output or options)`);
  }
  const startedAt = Date.now();
  const resumed = state?.done ?? 0;
  const tally = state ? Tally.fromJSON(state.tally) : new Tally();
  if (state?.complete) {
    process.stderr.write(`mailtrace: ${args.resume}: this scan is already complete (${state.done} messages)\n`);
    finishSummary(args, summarise(tally, { elapsedSeconds: 0, runMessages: 0, runBytes: 0, resumedMessages: resumed, complete: true }));
    return EXIT.pass;
  }

  const dns = await openScanDns(args);
  let cancelWait: (() => void) | undefined; // ends the wait for the next input (SIGINT, reader gone)
  let wakeRun = () => {};
  // The reader of stdout went away (| head): stop taking inputs, as after ^C, but that is not a failure (exit 0).
  let readerGone = false;
  const output = args.out
    ? fileOutput(args.out, state?.outputBytes)
    : streamOutput(process.stdout, () => {
        readerGone = true;
        cancelWait?.();
        wakeRun();
      });
  if (!state && args.format === 'csv') output.write(csvHeader());
  const run: RunState = { tally, output, waiting: new Map(), nextWrite: 0, submitted: 0, runMessages: 0, runBytes: 0 };
  wakeRun = () => run.wake?.();
  const jobs = args.jobs ?? availableParallelism();
  const progress = args.quiet ? { update() {}, done() {} } : createProgress(process.stderr, await knownTotalBytes(inputs));
  const pool = new ScanPool(jobs, settings, dns.session, dns.mode, (seq, result) => {
    run.waiting.set(seq, result);
    writeReady(run);
    progress.update(resumed + run.nextWrite, run.runBytes);
    const wake = run.wake;
    run.wake = undefined;
    wake?.();
  });

  let lastCheckpoint = Date.now();
  const checkpoint = async (complete: boolean) => {
    if (!args.resume) return;
    await output.flush(true); // the lines are on disk before the state claims them
    writeCheckpoint(args.resume, {
      version: 1,
      fingerprint,
      done: resumed + run.nextWrite,
      outputBytes: output.bytes,
      tally: run.tally.toJSON(),
      complete,
      updatedAt: new Date().toISOString(),
    });
    lastCheckpoint = Date.now();
  };

  // SIGINT: stop taking inputs, finish and write what is in flight, then summary and exit 130. A second ^C quits now.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nmailtrace: interrupted: finishing the messages in flight (^C again to quit at once)\n');
    cancelWait?.();
    run.wake?.();
  };
  // The next input, or 'stop' on SIGINT (a path list on stdin can block for ever). A fresh promise each time: racing
  // against one long-lived promise would keep every settled item (and its bytes) reachable until the scan ends.
  const nextItem = (items: AsyncIterator<InputItem>) =>
    new Promise<IteratorResult<InputItem> | 'stop'>((resolve, reject) => {
      cancelWait = () => resolve('stop');
      items.next().then(resolve, reject);
    }).finally(() => {
      cancelWait = undefined;
    });
  process.on('SIGINT', onSigint);

  const window = Math.max(32, jobs * 16);
  const exclude = [args.out, args.summary, args.resume].filter((p): p is string => p !== undefined);
  const items = enumerateInputs(inputs, { nulSeparated: args.null, exclude })[Symbol.asyncIterator]();
  let skipped = 0;
  try {
    for (;;) {
      const next = interrupted || readerGone ? 'stop' : await nextItem(items);
      if (next === 'stop' || next.done) break;
      const item: InputItem = next.value;
      if (skipped < resumed) {
        skipped++;
        continue;
      }
      const seq = run.submitted++;
      if (item.error) {
        run.waiting.set(seq, resultOf(errorRecord(item.source, item.error.code, item.error.message), args.format, item.size));
        writeReady(run);
      } else pool.submit({ type: 'task', seq, source: item.source, bytes: item.bytes!, size: item.size });
      while (run.submitted - run.nextWrite >= window && !interrupted && !readerGone) await waitForResults(run);
      if (args.resume && Date.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) await checkpoint(false);
    }
    if (interrupted || readerGone) void items.return?.(undefined);
    while (run.nextWrite < run.submitted) await waitForResults(run);
  } finally {
    process.off('SIGINT', onSigint);
    await pool.close();
  }
  progress.done();
  await checkpoint(!interrupted && !readerGone);
  await output.close();
  await dns.session?.close();
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  finishSummary(
    args,
    summarise(run.tally, { elapsedSeconds, runMessages: run.runMessages, runBytes: run.runBytes, resumedMessages: resumed, complete: !interrupted && !readerGone }),
  );
  return interrupted ? EXIT_INTERRUPTED : EXIT.pass;
}

function finishSummary(args: ScanArgs, summary: ScanSummary): void {
  if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 2) + '\n');
  if (!args.quiet) process.stderr.write(renderSummaryTable(summary));
}
