// Options shared by every command, and their parsing.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AnalyzeOptions, Deps } from '../types.js';
import { openDns, type DnsOptions } from '../dns/index.js';
import { loadConfig } from './config.js';
export interface CommonArgs {
  config?: string;
  trust?: string[];
  trustAuthservId?: string[];
  skew?: number;
  offline?: boolean;
  dnsServer?: string[];
  dnsRecord?: string;
  dnsReplay?: string;
  dnsTimeout?: number;
  at?: string;
}

export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

/** --at: an ISO-8601 instant ("2024-03-01T10:00Z") or an RFC 5322 date. */
export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})Z$/, '$1:00Z'));
  if (!Number.isFinite(ms)) throw new ArgumentError(`--at: not a date: ${JSON.stringify(value)}`);
  return new Date(ms);
}

/** --skew, else the config's skewSeconds (checked there); a negative or non-finite flag is a usage error. */
export function skewOf(flag: number | undefined, configured: number | undefined): number | undefined {
  if (flag !== undefined && !(Number.isFinite(flag) && flag >= 0)) throw new ArgumentError(`--skew: not a number of seconds ≥ 0: ${flag}`);
  return flag ?? configured;
}

/** What every analysing command sets up once per run: the analysis options and the run's DNS. */
export interface AnalysisSetup {
  base: AnalyzeOptions;
  /** The deps for one message: a fresh view over the run's shared DNS cache, so a report lists only its answers. */
  messageDeps(): Partial<Deps>;
  /** Flush and close the run's DNS (writes a --dns-record file; only that can fail). */
  close(): Promise<void>;
}

/**
 * Config file + flags -> AnalyzeOptions, flags winning; opens the run's DNS unless offline. Throws ConfigError,
 * ArgumentError (--at), DnsConfigError or SnapshotError for the caller to report.
 */
export async function openAnalysis(args: CommonArgs): Promise<AnalysisSetup> {
  const config = loadConfig(args.config);
  const at = parseAt(args.at);
  const skew = skewOf(args.skew, config.skewSeconds);
  const dns = args.offline
    ? undefined
    : await openDns({
        ...(args.dnsServer ?? config.dnsServers ? { servers: args.dnsServer ?? config.dnsServers } : {}),
        ...(args.dnsTimeout !== undefined ? { timeoutMs: args.dnsTimeout } : {}),
        ...(args.dnsRecord ? { recordPath: args.dnsRecord } : {}),
        ...(args.dnsReplay ? { replayPath: args.dnsReplay } : {}),
      } satisfies DnsOptions);
  const base: AnalyzeOptions = {
    trust: [...(config.trust ?? []), ...(args.trust ?? [])],
    authservIds: [...(config.authservIds ?? []), ...(args.trustAuthservId ?? [])],
    offline: Boolean(args.offline) || !dns,
    ...(at ? { at } : {}),
    ...(skew !== undefined ? { skewSeconds: skew } : {}),
    deps: {},
  };
  return {
    base,
    messageDeps: () => {
      const view = dns?.view();
      return view ? { resolver: view.resolver, dnsLog: view.log } : {};
    },
    close: async () => dns?.close(),
  };
}

/**
 * A file the run will write (`--out`, `--summary`, `--resume`), checked before any work: a wrong folder found at the
 * end of a long scan would lose the scan. Throws ArgumentError (exit 64) naming the option and the reason.
 */
export function checkWritableFile(option: string, path: string): void {
  const fail = (why: string) => new ArgumentError(`${option} ${path}: ${why}`);
  const info = statSync(path, { throwIfNoEntry: false });
  if (info?.isDirectory()) throw fail('is a directory');
  try {
    accessSync(info ? path : dirname(path), fsConstants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fail(`no such folder: ${dirname(path)}`);
    throw fail(info ? 'cannot write it (permission denied)' : `cannot write in ${dirname(path)} (${describeWriteError(err as NodeJS.ErrnoException)})`);
  }
}

/** A failed write in words a user can act on (a full disk), rather than an errno. */
export function describeWriteError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such folder';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.code ?? 'write error';
  }
}
