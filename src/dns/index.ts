// PLACEHOLDER: the DNS session contract; the node:dns implementation arrives with issue 3.
import type { DnsAnswerRecord, Resolver } from '../types.js';

export interface DnsOptions {
  /** host[:port] of resolvers to use instead of the system's. */
  servers?: string[];
  timeoutMs?: number;
  tries?: number;
  concurrency?: number;
  /** Save every answer used to this file. */
  recordPath?: string;
  /** Answer only from this file. */
  replayPath?: string;
}

/** One run's DNS: a resolver shared by every message of the run, its provenance log, and record saving. */
export interface DnsSession {
  resolver: Resolver;
  log(): DnsAnswerRecord[];
  /** Write the record file, when recording. */
  close(): Promise<void>;
}

export async function openDns(_options: DnsOptions): Promise<DnsSession | undefined> {
  return undefined;
}
