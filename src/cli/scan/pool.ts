// The worker threads of a scan. Tasks go to the least busy worker; results come back through onResult in
// completion order (the caller restores input order). DNS questions from every worker are answered here, from the
// run's one DnsSession; identical questions in flight at the same time share one lookup.
// A worker that dies (a crash, out of memory) turns its in-flight messages into 'internal' error records and is
// replaced, so a scan never hangs or loses a line.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DnsSession } from '../../dns/index.js';
import { errorRecord } from '../../render/ndjson.js';
import { resultOf, type ScanResult, type ScanSettings } from './analyze-one.js';
import type { FromWorker, Task, WorkerData } from './protocol.js';
import { DnsBridge } from './dns-bridge.js';

interface Slot {
  worker: Worker;
  /** Tasks sent and not answered, oldest first (Map keeps insertion order). Bytes kept for a resubmit. */
  inFlight: Map<number, Task>;
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

/** The worker script: dist/scan-worker.mjs in the bundle, or worker.ts when running from source (tsx). */
function workerScript(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), execArgv: ['--import', 'tsx'] };
  for (const rel of ['./scan-worker.mjs', '../scan-worker.mjs']) {
    const url = new URL(rel, here);
    if (existsSync(fileURLToPath(url))) return { url };
  }
  throw new Error('scan worker script not found next to the bundle (run "npm run build")');
}

export interface PoolOptions {
  /** Another worker script speaking the same protocol (the pool's own tests use one that hangs or crashes). */
  script?: URL;
  stallGraceMs?: number;
}

export class ScanPool {
  private slots: Slot[] = [];
  private closing = false;
  private readonly watchdog: NodeJS.Timeout;
  readonly dnsBridge: DnsBridge;

  constructor(
    jobs: number,
    private readonly settings: ScanSettings,
    dns: DnsSession | undefined,
    private readonly dnsMode: WorkerData['dns'],
    private readonly onResult: (seq: number, result: ScanResult) => void,
    private readonly options: PoolOptions = {},
  ) {
    this.dnsBridge = new DnsBridge(dns?.resolver);
    for (let i = 0; i < jobs; i++) this.slots.push(this.spawn());
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
    this.send(slot, task);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private send(slot: Slot, task: Task): void {
    // Structured clone copies a view's whole ArrayBuffer (a pooled or chunk-sized one included), so hand over an
    // exact-size copy and transfer it: one copy of the message, never of its neighbours.
    const bytes = new Uint8Array(task.bytes);
    if (slot.inFlight.size === 0 && slot.ready) slot.lastSeen = Date.now();
    slot.inFlight.set(task.seq, task);
    slot.worker.postMessage({ ...task, bytes }, [bytes.buffer]);
  }

  private spawn(): Slot {
    const script = this.options.script ? { url: this.options.script } : workerScript();
    const data: WorkerData = { settings: this.settings, dns: this.dnsMode };
    const worker = new Worker(script.url, { workerData: data, ...(script.execArgv ? { execArgv: script.execArgv } : {}) });
    const slot: Slot = { worker, inFlight: new Map(), lastSeen: Date.now(), ready: false, spawnedAt: Date.now() };
    worker.on('message', (msg: FromWorker) => {
      slot.lastSeen = Date.now();
      slot.ready = true;
      if (msg.type === 'results') {
        for (const { seq, result } of msg.items) {
          slot.inFlight.delete(seq);
          this.onResult(seq, result);
        }
      } else if (msg.type === 'dns') void this.dnsBridge.answer(msg).then((reply) => worker.postMessage(reply));
    });
    worker.on('error', (err) => this.replace(slot, 'internal', `worker stopped: ${err.message.split('\n')[0]}`));
    worker.on('exit', (code) => this.replace(slot, 'internal', `worker stopped: exit code ${code}`));
    return slot;
  }

  /**
   * Replace a dead or stuck worker. The oldest task in flight is the one it was working on: it becomes an error
   * record. The others had not been looked at yet and go to the new worker.
   */
  private replace(slot: Slot, code: 'internal' | 'timeout', reason: string): void {
    if (this.closing) return;
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    const fresh = this.spawn();
    this.slots[i] = fresh;
    const tasks = [...slot.inFlight.values()];
    slot.inFlight.clear();
    void slot.worker.terminate();
    const [guilty, ...innocent] = tasks;
    if (guilty) this.onResult(guilty.seq, resultOf(errorRecord(guilty.source, code, reason), this.settings.format, guilty.size));
    for (const task of innocent) this.send(fresh, task);
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
