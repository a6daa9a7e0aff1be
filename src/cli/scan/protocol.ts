// Messages between the scan's main thread and its workers (structured-clone data only).
import type { Source } from '../../types.js';
import type { ScanResult, ScanSettings } from './analyze-one.js';

export interface WorkerData {
  settings: ScanSettings;
  /** How DNS is answered: not at all (offline), live, or from a replay file (for provenance). */
  dns: false | 'live' | 'replay';
}

export interface Task {
  type: 'task';
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

export type ToWorker = Task | DnsReply;

export type FromWorker =
  | { type: 'results'; items: { seq: number; result: ScanResult }[] }
  | { type: 'dns'; id: number; name: string; rrtype: string }
  | { type: 'alive' };
