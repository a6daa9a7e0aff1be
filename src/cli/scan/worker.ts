// A scan worker thread: analyses the messages the main thread sends and answers with their output lines.
// DNS goes to the main thread, which owns the run's single DnsSession (one cache, so a name is looked up once
// for the whole scan, whatever worker asks).
//
// Tasks arrive in batches and wait in a queue. Offline, messages are analysed one at a time (nothing to wait for,
// and the pool can then tell which message a stuck worker is on); online, several at once, so that one message
// waiting on DNS does not hold up the others.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DnsAnswerRecord, Resolver } from '../../types.js';
import { analyzeOne, resultOf, type ScanSettings } from './analyze-one.js';
import { workerV8Flags } from './v8-flags.js';
import { encodeResults, IDLE, type Task, type ToWorker, type WorkerData, type WorkerSetup } from './protocol.js';
import type { ScanFact } from './tally.js';
import { remoteResolver } from './dns-bridge.js';

// Null when this module is loaded on a main thread: the build does, to record the bundle's code cache.
const port = parentPort as MessagePort;
const { current: currentBuffer } = (workerData ?? {}) as WorkerData;
const { resolver: remote, settle } = remoteResolver((q) => port.postMessage(q));
const current = currentBuffer ? new Int32Array(currentBuffer) : undefined;
/** From the 'setup' message, which comes before any task. */
let settings: ScanSettings;
let dns: WorkerSetup['dns'] = false;

/** Messages analysed at the same time: online ones spend most of their time waiting for DNS answers. */
const concurrency = () => (dns ? 16 : 1);
/** Results sent in one post (sooner when the queue runs dry). */
const RESULT_BATCH = 8;
/**
 * Offline, one message's analysis never leaves the microtask queue, so a run of them would keep the event loop from
 * delivering the next batch of tasks (the worker would starve with work waiting in its port). Yield this often.
 */
const YIELD_EVERY = 8;

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

let results: { seq: number; text: string; fact: ScanFact }[] = [];
let flushQueued = false;
function flushResults(): void {
  flushQueued = false;
  if (results.length === 0) return;
  const batch = encodeResults(results);
  results = [];
  port.postMessage(batch, [batch.bytes.buffer as ArrayBuffer]);
}
function queueResult(seq: number, result: ReturnType<typeof resultOf>): void {
  results.push({ seq, text: result.text, fact: result.fact });
  if (results.length >= RESULT_BATCH) flushResults();
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(flushResults);
  }
}

async function runTask(task: Task, s: ScanSettings): Promise<void> {
  const log: DnsAnswerRecord[] = [];
  const deps = dns ? { resolver: loggingResolver(log), dnsLog: () => log.slice() } : undefined;
  // A message arrives as a plain Uint8Array on shared memory: view it as a Buffer once, so that the stages' slices
  // are Buffers too (each Uint8Array -> Buffer conversion deeper down costs more than the work it wraps). The main
  // thread reuses that memory once this message is answered. Offline, the answer comes after the analysis has ended;
  // online, a message that times out is answered while its analysis may still wait on DNS, so it works on a copy of
  // its own (one copy is nothing beside the DNS round trips of such a scan).
  const view = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const bytes = dns ? Buffer.from(view) : view;
  if (current) Atomics.store(current, 0, task.seq);
  const record = await analyzeOne(task.source, bytes, s, deps);
  if (current) Atomics.store(current, 0, IDLE);
  queueResult(task.seq, resultOf(record, s.format, task.size));
}

const queue: Task[] = [];
let head = 0;
let active = 0;
let sinceYield = 0;
let pumpQueued = false;

function pump(): void {
  pumpQueued = false;
  while (active < concurrency() && head < queue.length) {
    if (sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      pumpQueued = true;
      setImmediate(pump);
      return;
    }
    const task = queue[head]!;
    queue[head++] = undefined as unknown as Task; // let the bytes go
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    active++;
    sinceYield++;
    void runTask(task, settings).finally(() => {
      active--;
      if (!pumpQueued) pump();
    });
  }
}

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.type === 'dns-reply') settle(msg);
  else if (msg.type === 'setup') {
    ({ settings, dns } = msg);
    // Heartbeat: lets the main thread tell a worker that is waiting on DNS from one whose event loop is stuck.
    // The first one says the worker has loaded and has its settings.
    port.postMessage({ type: 'alive' });
    setInterval(() => port.postMessage({ type: 'alive' }), 1000).unref();
  } else if (msg.type === 'tasks') {
    for (const task of msg.items) queue.push(task);
    sinceYield = 0;
    if (!pumpQueued) pump();
  }
});

/**
 * For the build (scripts/build.mjs), on a main thread: analyse these messages as a worker does, so that the code
 * cache recorded at exit (bin/load-bundle.cjs) holds the functions a scan compiles. The workers' V8 flags are set
 * first, because V8 rejects a cache recorded under other flags. The one a scan adds when a worker runs on every core
 * (--no-concurrent-recompilation) is not among the flags V8 compares: the cache is used with it too (measured with
 * MAILTRACE_DEBUG, and by the code-cache test's two-worker scan on two cores).
 */
export async function analyzeForCodeCache(paths: readonly string[]): Promise<void> {
  for (const flag of workerV8Flags(process.versions.v8)) setFlagsFromString(flag);
  const s: ScanSettings = { format: 'ndjson', unwrap: 'all', timeoutMs: 10_000, analyze: { offline: true } };
  const results = [];
  for (const [seq, path] of paths.entries()) {
    const bytes = readFileSync(path);
    results.push({ seq, ...resultOf(await analyzeOne({ kind: 'file', path }, bytes, s, undefined), s.format, bytes.length) });
  }
  encodeResults(results);
}
