// The worker threads of a scan. Tasks go to the least busy worker, several to a post (sent when a batch is full or
// when the main thread next waits); results come back through onResult in completion order (the caller restores
// input order). DNS questions from every worker are answered here, from the
// run's one DnsSession; identical questions in flight at the same time share one lookup.
// A worker that dies (a crash, out of memory) turns its in-flight messages into 'internal' error records and is
// replaced, so a scan never hangs or loses a line.
import type { Worker } from 'node:worker_threads';
import type { DnsSession } from '../../dns/index.js';
import { errorRecord } from '../../render/ndjson.js';
import { releaseShared, sharedCopy } from '../../input/read.js';
import { resultOf, type ScanResult, type ScanSettings } from './analyze-one.js';
import { decodeResults, type FromWorker, type Task, type WorkerSetup } from './protocol.js';
import { DnsBridge } from './dns-bridge.js';
import { startWorker, stopPrestartedWorkers, takePrestartedWorker, type StartedWorker } from './start-worker.js';

interface Slot {
  worker: Worker;
  /** Tasks given to this worker and not answered, oldest first (Map keeps insertion order). Bytes kept for a resubmit. */
  inFlight: Map<number, Task>;
  /** Tasks given to this worker and not posted yet. */
  outbox: Task[];
  /** The seq the worker is analysing (offline workers analyse one message at a time), or IDLE. */
  current: Int32Array;
  /** Last time the worker said anything (a result, a DNS question, a heartbeat). */
  lastSeen: number;
  /** The worker has said something: it is loaded (start-up is not counted as a stall). */
  ready: boolean;
  spawnedAt: number;
}

/** A worker that has not loaded after this long is considered stuck too. */
const BOOT_LIMIT_MS = 60_000;

/** Extra time beyond the per-message timeout before a silent worker is considered stuck. */
const STALL_GRACE_MS = 5000;

/** Tasks in one post. Small enough that a worker never waits long for its first message, large enough to matter. */
const TASK_BATCH = 16;

export interface PoolOptions {
  /** Another worker script speaking the same protocol (the pool's own tests use one that hangs or crashes). */
  script?: URL;
  stallGraceMs?: number;
}

export class ScanPool {
  private slots: Slot[] = [];
  private closing = false;
  private flushQueued = false;
  private readonly watchdog: NodeJS.Timeout;
  readonly dnsBridge: DnsBridge;

  constructor(
    private readonly jobs: number,
    private readonly settings: ScanSettings,
    dns: DnsSession | undefined,
    private readonly dnsMode: WorkerSetup['dns'],
    private readonly onResult: (seq: number, result: ScanResult) => void,
    private readonly options: PoolOptions = {},
  ) {
    this.dnsBridge = new DnsBridge(dns?.resolver);
    let early = 0;
    for (let i = 0; i < jobs; i++) {
      const started = this.options.script ? undefined : takePrestartedWorker();
      if (started) early++;
      this.slots.push(this.spawn(started));
    }
    stopPrestartedWorkers(); // more were started early than --jobs asks for
    if (process.env.MAILTRACE_DEBUG) process.stderr.write(`mailtrace: scan: ${early} of ${jobs} workers were started before the arguments were parsed\n`);
    // The per-message timeout runs inside the worker, so it cannot fire while the worker's event loop is blocked
    // (a runaway parse). A worker silent for longer than that is stopped from here.
    this.watchdog = setInterval(() => this.checkStalls(), Math.min(1000, this.stallLimit() / 2));
    this.watchdog.unref();
  }

  private stallLimit(): number {
    return this.settings.timeoutMs + (this.options.stallGraceMs ?? STALL_GRACE_MS);
  }

  get inFlight(): number {
    return this.slots.reduce((n, s) => n + s.inFlight.size, 0);
  }

  submit(task: Task): void {
    const slot = this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    this.give(slot, task);
  }

  private give(slot: Slot, task: Task): void {
    if (slot.inFlight.size === 0 && slot.ready) slot.lastSeen = Date.now();
    slot.inFlight.set(task.seq, task);
    slot.outbox.push(task);
    if (slot.outbox.length >= TASK_BATCH) this.post(slot);
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /** Post what waits in every outbox (runs once the main thread has nothing more to hand out right now). */
  private flush(): void {
    this.flushQueued = false;
    for (const slot of this.slots) this.post(slot);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private post(slot: Slot): void {
    if (slot.outbox.length === 0) return;
    // Messages cross in shared memory: structured clone shares a SharedArrayBuffer instead of copying it, and the
    // task in inFlight keeps its view for a resubmit if the worker dies; the memory is released for reuse once the
    // message is answered. Files are read into shared memory already (input/read.ts); other bytes (an mbox message,
    // a slice of a larger chunk) are copied once into shared memory: cloning the slice itself would copy its whole
    // chunk. The task keeps the copy, so the chunk can go.
    for (const task of slot.outbox) if (!(task.bytes.buffer instanceof SharedArrayBuffer)) task.bytes = sharedCopy(task.bytes);
    slot.worker.postMessage({ type: 'tasks', items: slot.outbox });
    slot.outbox = [];
  }

  /** A slot for a worker: one the fast path started while the arguments were being parsed, or a new one. */
  private spawn(early?: StartedWorker): Slot {
    const { worker, current } = early ?? startWorker(this.options.script, this.jobs);
    worker.ref();
    worker.postMessage({ type: 'setup', settings: this.settings, dns: this.dnsMode } satisfies WorkerSetup);
    const slot: Slot = { worker, inFlight: new Map(), outbox: [], current, lastSeen: Date.now(), ready: false, spawnedAt: Date.now() };
    worker.on('message', (msg: FromWorker) => {
      slot.lastSeen = Date.now();
      slot.ready = true;
      if (msg.type === 'results') {
        // Only answers to tasks this worker still holds: after a replace, a late post from the old worker must not
        // answer a message a second time.
        for (const { seq, result } of decodeResults(msg)) {
          const task = slot.inFlight.get(seq);
          if (!task) continue;
          slot.inFlight.delete(seq);
          releaseShared(task.bytes);
          this.onResult(seq, result);
        }
      } else if (msg.type === 'dns') void this.dnsBridge.answer(msg).then((reply) => worker.postMessage(reply));
    });
    worker.on('error', (err) => this.replace(slot, 'internal', `worker stopped: ${err.message.split('\n')[0]}`));
    worker.on('exit', (code) => this.replace(slot, 'internal', `worker stopped: exit code ${code}`));
    return slot;
  }

  /**
   * Replace a dead or stuck worker. The message it was analysing becomes an error record: the one it named in
   * `current`, or else (several at once, online) the oldest in flight. The others go to the new worker; results
   * the worker had finished but not posted are lost with it and are simply analysed again.
   */
  private replace(slot: Slot, code: 'internal' | 'timeout', reason: string): void {
    if (this.closing) return;
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    const fresh = this.spawn();
    this.slots[i] = fresh;
    const named = slot.inFlight.get(Atomics.load(slot.current, 0));
    const guilty = named ?? slot.inFlight.values().next().value;
    const innocent = [...slot.inFlight.values()].filter((t) => t !== guilty);
    slot.inFlight.clear();
    slot.outbox = [];
    void slot.worker.terminate();
    if (guilty) {
      releaseShared(guilty.bytes);
      this.onResult(guilty.seq, resultOf(errorRecord(guilty.source, code, reason), this.settings.format, guilty.size));
    }
    for (const task of innocent) this.give(fresh, task);
  }

  private checkStalls(): void {
    const limit = this.stallLimit();
    for (const slot of [...this.slots]) {
      const stuck = slot.ready ? Date.now() - slot.lastSeen > limit : Date.now() - slot.spawnedAt > BOOT_LIMIT_MS;
      if (slot.inFlight.size > 0 && stuck) {
        this.replace(slot, 'timeout', `no answer from the analysis for ${Math.round(limit / 1000)} s: the worker was stopped`);
      }
    }
  }
}
