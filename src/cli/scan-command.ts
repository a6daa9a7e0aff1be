// `mailtrace scan <inputs..>`: many messages, one output line each, a summary at the end.
//   inputs (src/input) -> worker threads (analysis, src/cli/scan/worker.ts) -> lines in input order -> output
//                                                                            -> tally -> summary (stderr, --summary)
// Output order is the input order, whatever order the workers finish in: a diff of two scans lines up, and the
// output is always a prefix of the inputs, which is what makes --resume exact (see scan/checkpoint.ts).
// Exit code: 0 when the scan ran to the end (verdicts and per-input errors are in the output, not in the exit code),
// 130, 143 or 129 after SIGINT, SIGTERM or SIGHUP (the in-flight messages are finished and written first, see
// scan/stop-signals.ts; endStoppedScan for an input that never comes), 64 for usage errors, 70 for a bug (after the
// lines and summary so far when the input side threw).
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve as resolvePath } from 'node:path';
import { openDns, type DnsSession } from '../dns/index.js';
import { enumerateInputs, knownTotalBytes, type InputItem } from '../input/index.js';
import type { UnwrapMode } from '../types.js';
import { csvHeader } from '../render/csv.js';
import { renderSummaryTable, type ScanSummary } from '../render/summary.js';
import { safeInline } from '../render/sanitize.js';
import { EXIT } from '../verdict/index.js';
import { ArgumentError, checkWritableFile, parseAt, skewOf, trustEntries, type CommonArgs } from './common.js';
import { describeWriteError } from '../write-target.js';
import { loadConfig, type SiteConfig } from './config.js';
import type { ScanFormat, ScanSettings } from './scan/analyze-one.js';
import { readCheckpoint, CheckpointError, InputsDigest, type Checkpoint } from './scan/checkpoint.js';
import { fileOutput, streamOutput, type OutputStop, type ScanOutput } from './scan/output.js';
import { standardOutput } from './stdout.js';
import { createProgress, NO_PROGRESS } from './scan/progress.js';
import { inputKey, ScanRun } from './scan/run.js';
import { summarise, Tally } from './scan/tally.js';
import { expandInputs } from './scan/argv.js';
import { exitCodeFor, onStopSignals, stopNotice, type StopSignal } from './scan/stop-signals.js';
import { targetIsInput, targetsClash, type Target } from './scan/targets.js';

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

function settingsFrom(args: ScanArgs, config: SiteConfig): ScanSettings {
  const at = parseAt(args.at);
  const skew = skewOf(args.skew, config.skewSeconds);
  return {
    format: args.format,
    unwrap: args.unwrap,
    timeoutMs: Math.max(1, Math.round(args.timeout * 1000)),
    analyze: {
      trust: trustEntries(config, args),
      authservIds: [...(config.authservIds ?? []), ...(args.trustAuthservId ?? [])],
      offline: args.offline === true,
      ...(at ? { at: at.toISOString() } : {}),
      ...(skew !== undefined ? { skewSeconds: skew } : {}),
    },
  };
}

async function openScanDns(args: ScanArgs, config: SiteConfig): Promise<{ session?: DnsSession; mode: false | 'live' | 'replay' }> {
  if (args.offline === true) return { mode: false };
  const servers = args.dnsServer ?? config.dnsServers;
  let session: DnsSession | undefined;
  try {
    session = await openDns({
      ...(servers ? { servers } : {}),
      ...(args.dnsTimeout !== undefined ? { timeoutMs: args.dnsTimeout } : {}),
      ...(args.dnsRecord !== undefined ? { recordPath: args.dnsRecord } : {}),
      ...(args.dnsReplay !== undefined ? { replayPath: args.dnsReplay } : {}),
    });
  } catch (err) {
    // A bad --dns-* option or snapshot file is a usage error (dns/ throws SnapshotError, DnsConfigError).
    if (err instanceof Error && /(Snapshot|Config)Error$/.test(err.name)) throw new ArgumentError(err.message);
    throw err;
  }
  return session ? { session, mode: session.mode === 'replay' ? 'replay' : 'live' } : { mode: false };
}

/** What a resume state belongs to: the same inputs, output and analysis settings. */
function fingerprintOf(args: ScanArgs, inputs: readonly string[], settings: ScanSettings): string {
  return JSON.stringify({
    inputs: inputs.map((p) => (p === '-' ? '-' : resolvePath(p))),
    out: args.out ? resolvePath(args.out) : undefined,
    nul: args.null,
    settings,
  });
}

/**
 * --timeout's ceiling: an hour, past the longest a lookup can take (--dns-timeout at its 600,000 ms maximum, three
 * tries: 30 minutes). Node's timers take at most 2^31-1 ms and fire after 1 ms beyond (with a warning): --timeout
 * 3000000 made every message with DNS work a timeout record.
 */
const MAX_TIMEOUT_SECONDS = 3600;

function validate(args: ScanArgs): string[] {
  const inputs = expandInputs(args.inputs ?? []);
  if (inputs.length === 0) throw new ArgumentError('scan: no input: name files, directories or mbox files, or "-" to read stdin (a list of paths, or mail)');
  if (args.resume && !args.out) throw new ArgumentError('--resume needs --out FILE (stdout cannot be truncated back to a checkpoint)');
  if (args.resume && args.out && !isFileOrNew(args.out)) throw new ArgumentError(`--resume needs --out to be a regular file (${safeInline(args.out)} cannot be truncated back to a checkpoint)`);
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs >= 1 && args.jobs <= 256)) throw new ArgumentError('--jobs must be a whole number from 1 to 256');
  if (!(args.timeout > 0 && args.timeout <= MAX_TIMEOUT_SECONDS)) throw new ArgumentError(`--timeout must be a positive number of seconds, at most ${MAX_TIMEOUT_SECONDS} (got ${args.timeout})`);
  if (args.out) checkWritableFile('--out', args.out);
  if (args.summary) checkWritableFile('--summary', args.summary);
  if (args.resume) checkWritableFile('--resume', args.resume);
  if (args.resume && !isFileOrNew(args.resume)) throw new ArgumentError(`--resume needs a regular file (${safeInline(args.resume)} is none: the state is read back and replaced)`);
  return inputs;
}

/** A regular file, or nothing yet: not a pipe, a FIFO or a terminal (which --out can be, but not under --resume). */
function isFileOrNew(path: string): boolean {
  const info = statSync(path, { throwIfNoEntry: false });
  return !info || info.isFile();
}

/** The files this scan writes, in the order they are named in the messages. */
function targetsOf(args: ScanArgs): Target[] {
  const named: [Target['option'], string | undefined][] = [['--out', args.out], ['--summary', args.summary], ['--resume', args.resume]];
  return named.filter((t): t is [Target['option'], string] => t[1] !== undefined).map(([option, path]) => ({ option, path }));
}

/** Before any file is opened for writing: no target is another target, or an input (see scan/targets.ts). */
async function checkTargets(args: ScanArgs, inputs: readonly string[]): Promise<void> {
  const targets = targetsOf(args);
  const problem = targetsClash(targets) ?? (await targetIsInput(targets, inputs));
  if (problem) throw new ArgumentError(problem);
}

/**
 * Read past the inputs an earlier run wrote, adding them to `digest`; why they are not the ones it recorded (another
 * path list on stdin, files added, renamed or removed), or undefined.
 */
async function skipDone(items: AsyncIterator<InputItem>, state: Checkpoint, digest: InputsDigest): Promise<string | undefined> {
  let key: string | undefined;
  for (let i = 0; i < state.done; i++) {
    const next = await items.next();
    if (next.done) return `there are ${i} inputs, it wrote ${state.done}`;
    key = inputKey(next.value);
    digest.add(key);
  }
  if (digest.hex === state.inputs) return undefined;
  if (state.lastInput !== undefined && key !== state.lastInput) return `input ${state.done} is not ${safeInline(state.lastInput)}`;
  return `the first ${state.done} inputs are not the ones it wrote`;
}

export async function runScan(given: ScanArgs): Promise<number> {
  // "--out -" is stdout, as "-" is stdin among the inputs (it used to create a file named "-").
  const args = given.out === '-' ? { ...given, out: undefined } : given;
  const inputs = validate(args);
  await checkTargets(args, inputs);
  const config = loadConfig(args.config); // once: a warning about the default file is given once
  const settings = settingsFrom(args, config);
  // Only a resumable scan needs one (it resolves every input path: 7,200 of them for a corpus given by name).
  const fingerprint = args.resume ? fingerprintOf(args, inputs, settings) : '';
  const state = loadState(args, fingerprint);
  const startedAt = Date.now();
  const resumed = state?.done ?? 0;
  const tally = state ? Tally.fromJSON(state.tally) : new Tally();
  // A path list on stdin is read anew each run: a complete state holds for it only if the list is the same, which
  // the resume below checks (a new list used to get "already complete" and never be scanned).
  if (state?.complete && !inputs.includes('-')) {
    process.stderr.write(`mailtrace: ${safeInline(args.resume!)}: this scan is already complete (${state.done} messages)\n`);
    const written = finishSummary(args, summarise(tally, { elapsedSeconds: 0, runMessages: 0, runBytes: 0, resumedMessages: resumed, complete: true }));
    return written ? EXIT.pass : EXIT.ioError;
  }
  if (state) checkResumedOutput(args.out!, args.resume!, state.outputBytes);
  const exclude = [args.out, args.summary, args.resume].filter((p): p is string => p !== undefined);
  const items = withInjectedFault(enumerateInputs(inputs, { nulSeparated: args.null, exclude })[Symbol.asyncIterator](), process.env.MAILTRACE_SCAN_FAULT);
  // Before the output is touched: the inputs must still be the ones the checkpoint counted.
  const digest = new InputsDigest();
  const changed = state ? await skipDone(items, state, digest) : undefined;
  if (changed) throw new ArgumentError(`${safeInline(args.resume!)}: the inputs changed since the checkpoint (${changed}); start a new scan`);

  const dns = await openScanDns(args, config);
  let scan: ScanRun | undefined;
  const onStop = (why: OutputStop) => scan?.stop(why);
  const output = args.out ? openOutputFile(args.out, state?.outputBytes, onStop) : streamOutput(standardOutput(), onStop);
  if (!state && args.format === 'csv') output.write(csvHeader());
  scan = new ScanRun({
    jobs: args.jobs ?? availableParallelism(),
    settings,
    dns,
    output,
    tally,
    // No progress line where it would land in the records: NDJSON or CSV written to the same terminal.
    progress: args.quiet || (!args.out && process.stdout.isTTY) ? NO_PROGRESS : createProgress(process.stderr, await knownTotalBytes(inputs), { messages: resumed, bytes: tally.bytes }),
    ...(args.resume ? { resume: { path: args.resume, fingerprint, done: resumed, inputs: digest, everyMs: CHECKPOINT_EVERY_MS } } : {}),
  });
  // A stop signal: stop taking inputs, finish and write what is in flight, then the summary; exit 128 + its number.
  let signalled: StopSignal | undefined;
  const stopListening = onStopSignals((signal) => {
    signalled = signal;
    process.stderr.write(stopNotice(signal));
    scan.stop('interrupted');
  });
  try {
    await scan.run(items, state?.lastInput);
  } finally {
    stopListening();
  }
  await output.close();
  await dns.session?.close();
  const figures = { elapsedSeconds: (Date.now() - startedAt) / 1000, runMessages: scan.figures.messages, runBytes: scan.figures.bytes };
  // The session's own counters (unique questions, queries sent), when this dns/ provides them.
  const sessionStats = (dns.session as { stats?: () => Record<string, number> } | undefined)?.stats?.();
  const dnsFigures = dns.session ? { dns: { ...scan.dnsCounts, ...(sessionStats ? { session: sessionStats } : {}) } } : {};
  const summaryWritten = finishSummary(args, summarise(tally, { ...figures, ...dnsFigures, resumedMessages: resumed, complete: !scan.stopped }));
  if (output.failure) {
    const resume = args.resume ? `; rerun with --resume ${safeInline(args.resume)} once it can be written` : '';
    process.stderr.write(`mailtrace: ${safeInline(args.out ?? 'stdout')}: cannot write the output (${describeWriteError(output.failure)}): scan stopped${resume}\n`);
  }
  // A throw from the input side is a bug, reported as one (exit 70) after the lines read before it and the summary.
  if (scan.stopped === 'input-failed') throw scan.inputFailure;
  const code = output.failure || !summaryWritten ? EXIT.ioError : scan.stopped === 'interrupted' && signalled ? exitCodeFor(signalled) : EXIT.pass;
  if (scan.stopped) await endStoppedScan(code, signalled);
  return code;
}

/** How long a stopped scan waits for a file read already under way to finish before it ends the process. */
const PENDING_READ_GRACE_MS = 500;

/**
 * A scan stopped early leaves its input half read, and that read may never end: a path list whose writer keeps stdin
 * open, or a FIFO no one writes to. Everything is flushed and closed by now, so the process ends here instead of
 * waiting for it. process.exit() waits for libuv's file threads, and a FIFO's open() or read() can hold one for
 * ever: when one is still busy after a grace, the stop signal's own default action ends the process, which a shell
 * reports as the same 128 + n. A stop without a signal (the reader of stdout left) then waits, as it always did.
 */
async function endStoppedScan(code: number, signal: StopSignal | undefined): Promise<void> {
  const fileRequestPending = () => process.getActiveResourcesInfo().includes('FSReqCallback');
  for (const start = Date.now(); fileRequestPending() && Date.now() - start < PENDING_READ_GRACE_MS; ) await sleep(20);
  if (!fileRequestPending()) process.exit(code);
  if (signal) process.kill(process.pid, signal);
}

/**
 * A test hook, as the filter's MAILTRACE_FILTER_FAULT: "input-throws-after:N" makes the input side throw after N
 * items, which only a bug does, so the tests can prove that what was read before is still written and summarised.
 */
function withInjectedFault(items: AsyncIterator<InputItem>, fault: string | undefined): AsyncIterator<InputItem> {
  const after = /^input-throws-after:(\d+)$/.exec(fault ?? '')?.[1];
  if (after === undefined) return items;
  let left = Number(after);
  return {
    next: () => (left-- > 0 ? items.next() : Promise.reject(new Error(`injected fault (MAILTRACE_SCAN_FAULT=${fault})`))),
    return: async (value?: unknown) => (await items.return?.(value)) ?? { done: true, value: undefined },
  };
}

function loadState(args: ScanArgs, fingerprint: string): Checkpoint | undefined {
  let state: Checkpoint | undefined;
  try {
    state = args.resume ? readCheckpoint(args.resume) : undefined;
  } catch (err) {
    if (err instanceof CheckpointError) throw new ArgumentError(err.message);
    throw err;
  }
  if (state && state.fingerprint !== fingerprint) {
    throw new ArgumentError(`${safeInline(args.resume!)}: this resume state belongs to a different scan (other inputs, output or options)`);
  }
  return state;
}

/**
 * The output a resume goes on from must hold at least the bytes the checkpoint claims: shorter, it was cut or edited
 * since, and truncating it "back" to the checkpoint would pad it with NUL bytes and lose the messages in between.
 */
function checkResumedOutput(out: string, resume: string, outputBytes: number): void {
  const size = statSync(out, { throwIfNoEntry: false })?.size;
  [out, resume] = [safeInline(out), safeInline(resume)];
  const restart = `restore it, or delete ${resume} to start the scan again`;
  if (size === undefined) throw new ArgumentError(`--out ${out}: the output of the interrupted scan is missing (${resume} records ${outputBytes} bytes of it): ${restart}`);
  if (size < outputBytes) {
    throw new ArgumentError(`--out ${out}: the output is shorter (${size} bytes) than the checkpoint in ${resume} recorded (${outputBytes} bytes), so it changed since: ${restart}`);
  }
}

/** --out, opened. It was checked before the scan: this fails only on what access() cannot see (a read-only mount). */
function openOutputFile(path: string, resumeAt: number | undefined, onStop: (why: OutputStop) => void): ScanOutput {
  try {
    return fileOutput(path, resumeAt, onStop);
  } catch (err) {
    throw new ArgumentError(`--out ${safeInline(path)}: cannot open it (${describeWriteError(err as NodeJS.ErrnoException)})`);
  }
}

/** The summary table, and the JSON file when asked for; false when that file could not be written. */
function finishSummary(args: ScanArgs, summary: ScanSummary): boolean {
  if (!args.quiet) process.stderr.write(renderSummaryTable(summary, args.resume !== undefined));
  if (!args.summary) return true;
  try {
    writeFileSync(args.summary, JSON.stringify(summary, null, 2) + '\n');
    return true;
  } catch (err) {
    process.stderr.write(`mailtrace: ${safeInline(args.summary)}: cannot write the summary (${describeWriteError(err as NodeJS.ErrnoException)})\n`);
    return false;
  }
}
