// Options shared by every command, and their parsing.
import type { AnalyzeOptions, Deps } from '../types.js';
import { openDns, type DnsOptions } from '../dns/index.js';
import { ConfigError, loadConfig, type Warn } from './config.js';
import { invalidTrustEntry } from '../hops/trust.js';
import { writeTargetProblem } from '../write-target.js';
import { safeInline } from '../render/sanitize.js';
import { isCalendarDay } from '../message/dates.js';
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

/**
 * --at: an ISO 8601 date or date-time ("2024-03-01", "2024-03-01T10:00Z", "2024-03-01T10:00:00.5+01:00"), a real
 * day of a year from 1970 to 9999. Date.parse alone took "0" for 2000, "-1" for 2001 and rolled "2024-02-30" over to
 * March 1st.
 */
export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  // Date.parse wants seconds when there is an offset: "10:00Z" -> "10:00:00Z".
  const ms = isRealIsoDay(text) ? Date.parse(text.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/, '$1:00$2')) : NaN;
  if (!Number.isFinite(ms)) throw new ArgumentError(`--at: not an ISO 8601 date or date-time (2024-03-01T10:00Z): ${JSON.stringify(value)}`);
  return new Date(ms);
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** ISO 8601 in form, and its date a day the calendar has (no February 30th), from 1970 on. */
function isRealIsoDay(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1970 && isCalendarDay(year, month - 1, day);
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

/** The config's --trust entries, then the flags', each checked: one that can match nothing is an error naming it. */
export function trustEntries(config: { trust?: string[] }, args: Pick<CommonArgs, 'trust'>): string[] {
  checkTrust(config.trust ?? [], (why, entry) => new ConfigError(`config "trust" entry ${JSON.stringify(entry)}: ${why}`));
  checkTrust(args.trust ?? [], (why, entry) => new ArgumentError(`--trust ${JSON.stringify(entry)}: ${why}`));
  return [...(config.trust ?? []), ...(args.trust ?? [])];
}

function checkTrust(entries: readonly string[], error: (why: string, entry: string) => Error): void {
  for (const entry of entries) {
    const why = invalidTrustEntry(entry);
    if (why) throw error(why, entry.slice(0, 100));
  }
}

/**
 * Config file + flags -> AnalyzeOptions, flags winning; opens the run's DNS unless offline. Throws ConfigError,
 * ArgumentError (--at), DnsConfigError or SnapshotError for the caller to report.
 */
export async function openAnalysis(args: CommonArgs, warn?: Warn): Promise<AnalysisSetup> {
  const config = loadConfig(args.config, process.env, warn);
  const at = parseAt(args.at);
  const skew = skewOf(args.skew, config.skewSeconds);
  const dns = args.offline
    ? undefined
    : await openDns({
        ...(args.dnsServer ?? config.dnsServers ? { servers: args.dnsServer ?? config.dnsServers } : {}),
        ...(args.dnsTimeout !== undefined ? { timeoutMs: args.dnsTimeout } : {}),
        ...(args.dnsRecord !== undefined ? { recordPath: args.dnsRecord } : {}),
        ...(args.dnsReplay !== undefined ? { replayPath: args.dnsReplay } : {}),
      } satisfies DnsOptions);
  const base: AnalyzeOptions = {
    trust: trustEntries(config, args),
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

/** A file the run will write (`--out`, `--summary`, `--resume`), checked before any work: ArgumentError (exit 64). */
export function checkWritableFile(option: string, path: string): void {
  const problem = writeTargetProblem(path);
  // The path is the user's, but may hold what a file name can (escape sequences): a terminal shows it, never runs it.
  if (problem) throw new ArgumentError(`${option} ${safeInline(path)}: ${safeInline(problem)}`);
}
