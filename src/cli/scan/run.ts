// The scan loop: inputs go to the worker pool; results come back in any order and are written in input order;
// the tally follows the written lines; with --resume, checkpoints follow the tally.
// Memory is bounded by the window: at most `window` messages between "read" and "written".
import type { DnsSession } from '../../dns/index.js';
import type { InputItem } from '../../input/index.js';
import { errorRecord } from '../../render/ndjson.js';
import { resultOf, type ScanResult, type ScanSettings } from './analyze-one.js';
import { CHECKPOINT_VERSION, writeCheckpoint, type InputsDigest } from './checkpoint.js';
import type { OutputStop, ScanOutput } from './output.js';
import { ScanPool, type PoolOptions } from './pool.js';
import type { Progress } from './progress.js';
import type { Tally } from './tally.js';
import type { WorkerSetup } from './protocol.js';

export interface ResumeTarget {
  path: string;
  fingerprint: string;
  /** Inputs already written by earlier runs (skipped by the caller). */
  done: number;
  /** The digest of those inputs, which this run goes on adding to. */
  inputs: InputsDigest;
  /** Checkpoint interval. */
  everyMs: number;
}

export interface RunSetup {
  jobs: number;
  settings: ScanSettings;
  dns: { session?: DnsSession; mode: WorkerSetup['dns'] };
  output: ScanOutput;
  tally: Tally;
  progress: Progress;
  resume?: ResumeTarget;
  /** Another worker script (the benchmark's pipeline ceiling runs one that does no analysis). */
  pool?: PoolOptions;
}

/** 'input-failed': the input side threw (a bug: it turns every failure into an item); see `inputFailure`. */
export type StopReason = 'interrupted' | 'input-failed' | OutputStop;

/** Identifies an input across runs: a resume compares the digest of those written (checkpoint.ts InputsDigest). */
export function inputKey(item: InputItem): string {
  const s = item.source;
  return `${s.path ?? '-'}#${s.index ?? ''}@${s.offset ?? ''}`;
}

export class ScanRun {
  private readonly waiting = new Map<number, ScanResult>();
  private readonly keys = new Map<number, string>();
  private nextWrite = 0;
  private submitted = 0;
  private lastKey: string | undefined;
  private wake: (() => void) | undefined;
  private cancelWait: (() => void) | undefined;
  private lastCheckpoint = Date.now();
  stopped: StopReason | undefined;
  /** What the input side threw: the caller reports it once the lines before it and the summary are out. */
  inputFailure: unknown;
  readonly figures = { messages: 0, bytes: 0 };
  /** DNS questions the workers asked, and lookups handed to the session (identical questions in flight joined). */
  dnsCounts = { asked: 0, resolved: 0 };

  constructor(private readonly setup: RunSetup) {}

  /** Stop taking inputs; what is in flight is still finished and written. */
  stop(reason: StopReason): void {
    this.stopped ??= reason;
    this.cancelWait?.();
    this.wakeUp();
  }

  async run(items: AsyncIterator<InputItem>, lastKeyBefore?: string): Promise<void> {
    const { jobs, settings, dns } = this.setup;
    this.lastKey = lastKeyBefore;
    // Enough for every worker to hold two batches while a third is being written: a worker never waits for work.
    const window = Math.max(64, jobs * 32);
    const pool = new ScanPool(jobs, settings, dns.session, dns.mode, (seq, result) => this.accept(seq, result), this.setup.pool);
    try {
      while (!this.stopped) {
        const next = await this.nextItem(items).catch((err: unknown) => this.inputFailed(err));
        if (next === 'stop' || next.done) break;
        this.dispatch(pool, next.value);
        while (this.submitted - this.nextWrite >= window && !this.stopped) await this.waitForResults();
        if (this.setup.resume && Date.now() - this.lastCheckpoint >= this.setup.resume.everyMs) await this.checkpoint(false);
      }
      if (this.stopped) void items.return?.(undefined);
      while (this.nextWrite < this.submitted) await this.waitForResults();
    } finally {
      this.dnsCounts = { ...pool.dnsBridge.counts };
      // The progress line is cleared before anything else is written to the terminal (the summary table).
      this.setup.progress.done();
      await pool.close();
    }
    await this.checkpoint(!this.stopped);
  }

  /** Stop as for a signal: what was read before is finished and written (it used to be lost with the summary). */
  private inputFailed(err: unknown): 'stop' {
    this.inputFailure = err;
    this.stop('input-failed');
    return 'stop';
  }

  private dispatch(pool: ScanPool, item: InputItem): void {
    const seq = this.submitted++;
    // The keys of the inputs written go into a checkpoint; without --resume nothing reads them.
    if (this.setup.resume) this.keys.set(seq, inputKey(item));
    if (item.error) this.accept(seq, resultOf(errorRecord(item.source, item.error.code, item.error.message), this.setup.settings.format, item.size));
    else pool.submit({ seq, source: item.source, bytes: item.bytes!, size: item.size });
  }

  private accept(seq: number, result: ScanResult): void {
    this.waiting.set(seq, result);
    while (this.waiting.has(this.nextWrite)) {
      const r = this.waiting.get(this.nextWrite)!;
      this.waiting.delete(this.nextWrite);
      if (this.setup.resume) {
        this.lastKey = this.keys.get(this.nextWrite)!;
        this.keys.delete(this.nextWrite);
        this.setup.resume.inputs.add(this.lastKey);
      }
      this.setup.output.write(r.text);
      this.setup.tally.add(r.fact);
      this.figures.messages++;
      this.figures.bytes += r.fact.bytes;
      this.nextWrite++;
    }
    this.setup.progress.update(this.figures.messages, this.figures.bytes);
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForResults(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /**
   * The next input, or 'stop' (a stop signal; a path list on stdin can block for ever). A fresh promise each time: racing
   * against one long-lived promise would keep every settled item (and its bytes) reachable until the scan ends.
   */
  private nextItem(items: AsyncIterator<InputItem>): Promise<IteratorResult<InputItem> | 'stop'> {
    return new Promise<IteratorResult<InputItem> | 'stop'>((resolve, reject) => {
      this.cancelWait = () => resolve('stop');
      items.next().then(resolve, reject);
    }).finally(() => {
      this.cancelWait = undefined;
    });
  }

  /** Lines on disk first (fsync), then the state that claims them (atomic rename): see checkpoint.ts. */
  private async checkpoint(complete: boolean): Promise<void> {
    const resume = this.setup.resume;
    if (!resume) return;
    await this.setup.output.flush(true);
    // After a failed write the file's end is unknown: the last good checkpoint stays, and a rerun goes on from it.
    if (this.setup.output.failure) return;
    writeCheckpoint(resume.path, {
      version: CHECKPOINT_VERSION,
      fingerprint: resume.fingerprint,
      done: resume.done + this.nextWrite,
      outputBytes: this.setup.output.bytes,
      inputs: resume.inputs.hex,
      ...(this.lastKey !== undefined ? { lastInput: this.lastKey } : {}),
      tally: this.setup.tally.toJSON(),
      complete,
      updatedAt: new Date().toISOString(),
    });
    this.lastCheckpoint = Date.now();
  }
}
