// A scan worker thread: analyses the messages the main thread sends, one result message back per task.
// DNS goes to the main thread, which owns the run's single DnsSession (one cache, so a name is looked up once
// for the whole scan, whatever worker asks).
import { parentPort, workerData } from 'node:worker_threads';
import type { DnsAnswerRecord, Resolver } from '../../types.js';
import { analyzeOne, resultOf, type ScanResult, type ScanSettings } from './analyze-one.js';
import type { ToWorker, WorkerData } from './protocol.js';
import { remoteResolver } from './dns-bridge.js';

const port = parentPort!;
const { settings, dns } = workerData as WorkerData;
const { resolver: remote, settle } = remoteResolver((q) => port.postMessage(q));

/** Per message: the answers this message used, for its report's provenance. */
function loggingResolver(log: DnsAnswerRecord[]): Resolver {
  return async (name, rrtype) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    const type = rrtype.toUpperCase();
    try {
      const answer = await remote(name, rrtype);
      log.push({ name: key, type, provenance: dns === 'replay' ? 'replayed' : 'live', answer });
      return answer;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
      log.push({ name: key, type, provenance: code === 'EMISSING' ? 'missing' : dns === 'replay' ? 'replayed' : 'live', error: code });
      throw err;
    }
  };
}

// Results leave in batches, one post per turn of the event loop: each post wakes the main thread, and on a busy
// machine every wake-up is a context switch (measured: posts of single results averaged 0.45 ms, with stalls).
let batch: { seq: number; result: ScanResult }[] = [];
function queueResult(seq: number, result: ScanResult): void {
  if (batch.length === 0) setImmediate(flushResults);
  batch.push({ seq, result });
}
function flushResults(): void {
  const items = batch;
  batch = [];
  port.postMessage({ type: 'results', items });
}

async function runTask(task: Extract<ToWorker, { type: 'task' }>, s: ScanSettings): Promise<void> {
  const log: DnsAnswerRecord[] = [];
  const deps = dns ? { resolver: loggingResolver(log), dnsLog: () => log.slice() } : undefined;
  // A transferred message arrives as a plain Uint8Array: view it as a Buffer once, so that the stages' slices are
  // Buffers too (each Uint8Array -> Buffer conversion deeper down costs more than the work it wraps).
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const record = await analyzeOne(task.source, bytes, s, deps);
  queueResult(task.seq, resultOf(record, s.format, task.size));
}

// Heartbeat: lets the main thread tell a worker that is waiting on DNS from one whose event loop is stuck.
// The first one says the worker has loaded.
port.postMessage({ type: 'alive' });
setInterval(() => port.postMessage({ type: 'alive' }), 1000).unref();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'dns-reply') settle(msg);
  else if (msg.type === 'task') void runTask(msg, settings);
});
