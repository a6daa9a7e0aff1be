// Messages between the scan's main thread and its workers (structured-clone data only).
// Both directions are batched: one post carries several tasks, or several results. Every post wakes the other
// thread, and on two cores each wake-up is a context switch that costs more than cloning a few reports.
import type { Source } from '../../types.js';
import type { ScanResult, ScanSettings } from './analyze-one.js';

export interface WorkerData {
  settings: ScanSettings;
  /** How DNS is answered: not at all (offline), live, or from a replay file (for provenance). */
  dns: false | 'live' | 'replay';
  /**
   * One Int32 the worker sets to the seq it is analysing (-1 between messages) when it analyses one message at a
   * time (offline). A worker stuck in a loop cannot post; this lets the pool blame exactly the message on its stack.
   */
  current?: SharedArrayBuffer;
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

export type ToWorker = { type: 'tasks'; items: Task[] } | DnsReply;

export type FromWorker =
  | { type: 'results'; items: { seq: number; result: ScanResult }[] }
  | { type: 'dns'; id: number; name: string; rrtype: string }
  | { type: 'alive' };

/** The value of WorkerData.current when no message is being analysed. */
export const IDLE = -1;
