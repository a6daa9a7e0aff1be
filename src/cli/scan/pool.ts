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

interface Slot {
  worker: Worker;
  inFlight: Map<number, Task>;
}

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

export class ScanPool {
  private slots: Slot[] = [];
  private closing = false;
  private readonly dnsInFlight = new Map<string, Promise<unknown>>();
  readonly dnsQueries = { asked: 0, sent: 0 };

  constructor(
    jobs: number,
    private readonly settings: ScanSettings,
    private readonly dns: DnsSession | undefined,
    private readonly dnsMode: WorkerData['dns'],
    private readonly onResult: (seq: number, result: ScanResult) => void,
  ) {
    for (let i = 0; i < jobs; i++) this.slots.push(this.spawn());
  }

  get inFlight(): number {
    return this.slots.reduce((n, s) => n + s.inFlight.size, 0);
  }

  submit(task: Task): void {
    const slot = this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    slot.inFlight.set(task.seq, task);
    slot.worker.postMessage(task);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const script = workerScript();
    const data: WorkerData = { settings: this.settings, dns: this.dnsMode };
    const worker = new Worker(script.url, { workerData: data, ...(script.execArgv ? { execArgv: script.execArgv } : {}) });
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'result') {
        slot.inFlight.delete(msg.seq);
        this.onResult(msg.seq, msg.result);
      } else if (msg.type === 'dns') void this.answerDns(worker, msg);
    });
    const lost = (reason: string) => {
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i === -1) return;
      this.slots[i] = this.spawn();
      for (const task of slot.inFlight.values()) {
        this.onResult(task.seq, resultOf(errorRecord(task.source, 'internal', `worker stopped: ${reason}`), this.settings.format, task.size));
      }
      slot.inFlight.clear();
    };
    worker.on('error', (err) => lost(err.message.split('\n')[0]!));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return slot;
  }

  private async answerDns(worker: Worker, q: { id: number; name: string; rrtype: string }): Promise<void> {
    this.dnsQueries.asked++;
    const key = `${q.name.toLowerCase().replace(/\.$/, '')}|${q.rrtype.toUpperCase()}`;
    let pending = this.dnsInFlight.get(key);
    if (!pending) {
      this.dnsQueries.sent++;
      pending = this.dns ? this.dns.resolver(q.name, q.rrtype) : Promise.reject(Object.assign(new Error('offline'), { code: 'EOFFLINE' }));
      this.dnsInFlight.set(key, pending);
      pending.then(
        () => this.dnsInFlight.delete(key),
        () => this.dnsInFlight.delete(key),
      );
    }
    try {
      const answer = await pending;
      worker.postMessage({ type: 'dns-reply', id: q.id, answer });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      worker.postMessage({ type: 'dns-reply', id: q.id, error: { ...(e.code ? { code: e.code } : {}), message: String(e.message ?? e) } });
    }
  }
}
