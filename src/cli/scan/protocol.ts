// Messages between the scan's main thread and its workers (structured-clone data only).
// Both directions are batched: one post carries several tasks, or several results. Every post wakes the other
// thread, and on two cores each wake-up is a context switch that costs more than cloning a few reports.
import type { Source } from '../../types.js';
import type { ScanSettings } from './analyze-one.js';
import type { ScanFact } from './tally.js';

export interface WorkerData {
  /**
   * One Int32 the worker sets to the seq it is analysing (-1 between messages) when it analyses one message at a
   * time (offline). A worker stuck in a loop cannot post; this lets the pool blame exactly the message on its stack.
   */
  current?: SharedArrayBuffer;
}

/**
 * The first message to a worker: what to do with the messages that follow. Not in WorkerData, because a worker
 * can be started before the arguments are parsed (start-worker.ts). It answers 'alive' once it has it.
 */
export interface WorkerSetup {
  type: 'setup';
  settings: ScanSettings;
  /** How DNS is answered: not at all (offline), live, or from a replay file (for provenance). */
  dns: false | 'live' | 'replay';
}

export interface Task {
  seq: number;
  source: Source;
  bytes: Uint8Array;
  /** Bytes of the input this message covers (for throughput). */
  size: number;
}

export interface DnsReply {
  type: 'dns-reply';
  id: number;
  answer?: unknown;
  error?: { code?: string; message: string };
}

/**
 * Finished messages: their output lines back to back in `bytes` (UTF-8, transferred), item i's line ending at
 * items[i].end (and starting where item i-1's ends).
 */
export interface ResultBatch {
  type: 'results';
  items: { seq: number; end: number; fact: ScanFact }[];
  bytes: Uint8Array;
}

export type ToWorker = WorkerSetup | { type: 'tasks'; items: Task[] } | DnsReply;

export type FromWorker =
  | ResultBatch
  | { type: 'dns'; id: number; name: string; rrtype: string }
  | { type: 'alive' };

/** The value of WorkerData.current when no message is being analysed. */
export const IDLE = -1;

/** Worker side: one buffer for a batch of lines, sized exactly (its whole ArrayBuffer is what gets transferred). */
export function encodeResults(list: readonly { seq: number; text: string; fact: ScanFact }[]): ResultBatch {
  let total = 0;
  const sizes = list.map((r) => {
    const n = Buffer.byteLength(r.text);
    total += n;
    return n;
  });
  const bytes = Buffer.allocUnsafeSlow(total);
  let end = 0;
  const items = list.map((r, i) => {
    bytes.write(r.text, end, 'utf8');
    end += sizes[i]!;
    return { seq: r.seq, end, fact: r.fact };
  });
  return { type: 'results', items, bytes };
}

/** Main side: each item's line as a view of the batch's buffer (no copy). */
export function decodeResults(batch: ResultBatch): { seq: number; result: { text: Uint8Array; fact: ScanFact } }[] {
  let start = 0;
  return batch.items.map(({ seq, end, fact }) => {
    const text = batch.bytes.subarray(start, end);
    start = end;
    return { seq, result: { text, fact } };
  });
}
