// Starting a scan worker, and starting them early. A worker's isolate takes ~150 ms to boot and load its modules,
// and the main thread ~250 ms to load the CLI, parse a scan's arguments and set the scan up: one after the other,
// the second core idled through the start of every scan. So the fast path (dist/fast.cjs) starts the workers as
// soon as it sees `scan`, and the pool adopts them once the settings are known (it sends them in a 'setup' message).
// The pool may live in another bundle (dist/main.mjs, when yargs parses), so the started workers wait on a
// process-wide Symbol.for() key.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { workerV8Flags } from './v8-flags.js';
import { IDLE, type WorkerData } from './protocol.js';

export interface StartedWorker {
  worker: Worker;
  /** The seq the worker is analysing, or IDLE (WorkerData.current). */
  current: Int32Array;
  /** It has stopped already (a prestarted worker that could not load is not adopted). */
  exited: boolean;
}

/**
 * A small young generation per worker: each isolate otherwise grows its own to tens of MB, and with two workers the
 * 1 GB mbox scan peaked at 335 MB RSS; with 8 MB, 273 MB, in the same time (61.5 s vs 61.4 s).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * The worker script: bin/scan-worker.cjs, which compiles dist/scan-worker.cjs (found beside this bundle) from its code
 * cache; or worker.ts when running from source (tsx).
 */
function workerScript(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), execArgv: ['--import', 'tsx'] };
  for (const rel of ['./scan-worker.cjs', '../scan-worker.cjs']) {
    const bundle = new URL(rel, here);
    if (existsSync(fileURLToPath(bundle))) return { url: new URL('../bin/scan-worker.cjs', bundle) };
  }
  throw new Error('the scan worker bundle dist/scan-worker.cjs is missing (run "npm run build")');
}

/**
 * A new worker running `script` (default: the scan worker), one of `workers` the scan runs. It does nothing until it
 * is sent its settings.
 */
export function startWorker(script: URL | undefined, workers: number): StartedWorker {
  // V8 reads its flags when an isolate is created: set before the first worker (again: no change).
  for (const flag of workerV8Flags(process.versions.v8, workers >= availableParallelism())) setFlagsFromString(flag);
  const { url, execArgv } = script ? { url: script, execArgv: undefined } : workerScript();
  const current = new Int32Array(new SharedArrayBuffer(4));
  current[0] = IDLE;
  const data: WorkerData = { current: current.buffer as SharedArrayBuffer };
  const worker = new Worker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB }, ...(execArgv ? { execArgv } : {}) });
  const started: StartedWorker = { worker, current, exited: false };
  worker.once('exit', () => (started.exited = true));
  return started;
}

const WAITING = Symbol.for('mailtrace.scan.prestarted-workers');
type Holder = { [WAITING]?: StartedWorker[] };

/**
 * `mailtrace scan ...`: start the workers now, before the scan code loads. As many as --jobs asks for (one per core
 * when it is not given or not valid), at most one per core: the pool starts any more itself, and stops any it does
 * not need. They do not keep the process alive until adopted, so a usage error exits as before, and takes them along.
 */
export function prestartScanWorkers(jobs: number | undefined): void {
  const cores = availableParallelism();
  const count = Math.min(Number.isInteger(jobs) && jobs! >= 1 ? jobs! : cores, cores);
  const waiting: StartedWorker[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = startWorker(undefined, count);
      started.worker.unref();
      // A worker that fails before adoption (it cannot load) is dropped: the pool starts its own, and reports that
      // one's failure.
      started.worker.on('error', () => {});
      waiting.push(started);
    }
  } catch {
    // No worker script (not built): the pool says so with its own error.
  }
  (globalThis as Holder)[WAITING] = waiting;
}

/** A prestarted worker for the pool to adopt, if one is waiting; the pool then owns it (and refs it). */
export function takePrestartedWorker(): StartedWorker | undefined {
  const waiting = (globalThis as Holder)[WAITING] ?? [];
  for (let next = waiting.shift(); next; next = waiting.shift()) if (!next.exited) return next;
  return undefined;
}

/** Workers started early and not adopted (--jobs asked for fewer): stop them. */
export function stopPrestartedWorkers(): void {
  const waiting = (globalThis as Holder)[WAITING] ?? [];
  (globalThis as Holder)[WAITING] = [];
  for (const { worker } of waiting) void worker.terminate();
}
