// One run's DNS, behind the Resolver contract mailauth accepts.
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

import { loadSnapshot } from './snapshot.js';
import { replayResolver } from './replay.js';

/** PLACEHOLDER: replay only; live DNS (system resolver or --dns-server), cache, timeouts and record arrive with issue 3. */
export async function openDns(options: DnsOptions): Promise<DnsSession | undefined> {
  if (!options.replayPath) return undefined;
  const log: DnsAnswerRecord[] = [];
  const resolver = replayResolver(loadSnapshot(options.replayPath), log);
  return { resolver, log: () => log.slice(), close: async () => {} };
}
