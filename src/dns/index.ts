// One run's DNS, behind the Resolver contract mailauth accepts: (name, rrtype) => Promise<answer as
// dns.promises.resolve returns it>, failing with the same error codes (see errors.ts for how they are judged).
//
// Every lookup goes through one cache per run, keyed by (name lower case without the trailing dot, type):
// DKIM names arrive in the case d= was written, and a batch must never send the same question twice. The
// cache holds the promise, so concurrent asks for one question share a single query (in-flight
// de-duplication). It keeps errors too, but a failure (timeout, SERVFAIL, refused...) only for
// FAILURE_TTL_MS, and a question that never reached a server (fail-fast, or its deadline passed in the queue)
// not at all: a scan kept them for the whole run, so one lost packet, a 10 s outage or a moment when other
// lookups held every slot made that name a temperror for every later message (a spoof's DMARC with it).
//
// Where answers come from:
//   live    node:dns Resolver, the system's servers or --dns-server (live.ts: timeouts, deadline, concurrency)
//   record  live, and close() writes every answer used, errors included, to a snapshot file (snapshot.ts)
//   replay  only the snapshot; a question it lacks is 'missing' (replay.ts), never an NXDOMAIN
import type { DnsAnswerRecord, DnsProvenance, Resolver } from '../types.js';
import { DnsConfigError, classifyDnsError, dnsError } from './errors.js';
import { writeTargetProblem } from '../write-target.js';
// live.ts and servers.ts load node:dns (c-ares) and node:net: ~5 ms of start-up an --offline or replayed run skips.
import type { LiveBackend, LiveOptions, Outcome } from './live.js';
import { replayLookup } from './replay.js';
import { loadSnapshot, normaliseName, parseSnapshot, snapshotOf, writeSnapshot, type DnsSnapshot } from './snapshot.js';

export { DnsConfigError, MISSING, classifyDnsError, type DnsErrorClass } from './errors.js';
export { SnapshotError, loadSnapshot, parseSnapshot, formatSnapshot, normaliseName, type DnsSnapshot } from './snapshot.js';
export { replayResolver } from './replay.js';

/** The defaults, chosen so a dead server costs a message about 3 s at most (see live.ts). */
export const DNS_DEFAULTS = {
  timeoutMs: 500,
  tries: 2,
  deadlineMs: 1500,
  concurrency: 8,
  failFastAfter: 2,
  failFastForMs: 10_000,
} as const;

export interface DnsOptions {
  /** host[:port] of resolvers to use instead of the system's ("[::1]:53" for IPv6 with a port). */
  servers?: string[];
  /** c-ares timeout of the first try, ms (default 500; c-ares backs off on later tries). */
  timeoutMs?: number;
  /** c-ares tries per server (default 2). */
  tries?: number;
  /** Overall limit per lookup including queue wait, ms (default 3 × timeoutMs, so 1500). */
  deadlineMs?: number;
  /** Most queries on the wire at once (default 8). */
  concurrency?: number;
  /** Timeouts in a row after which the server counts as dead and lookups fail at once (default 2; 0 = never). */
  failFastAfter?: number;
  /** How long a dead server is skipped before it is tried again, ms (default 10 000). */
  failFastForMs?: number;
  /** Save every answer used to this file, on close(). */
  recordPath?: string;
  /** Answer only from this file. */
  replayPath?: string;
  /** Answer only from this snapshot (library use: peer suites, tests). */
  replay?: DnsSnapshot;
  /** Answers a live run keeps (default MAX_CACHED_ANSWERS; a recording run keeps all of them). */
  maxCachedAnswers?: number;
  /** How long a live run keeps a failed lookup before asking again, ms (default FAILURE_TTL_MS). */
  failureTtlMs?: number;
}

/**
 * Answers a live run keeps at most, least recently used first out. A scan of a million messages from as many
 * domains asks millions of questions, and kept them all: hundreds of bytes each, without bound. 100,000 answers
 * measured 53 MB (SPF-sized TXT) to 88 MB (2048-bit DKIM keys); a question asked again after that many others is
 * sent again, and counted in `evicted`.
 * A recording run keeps every answer: they are its snapshot.
 */
export const MAX_CACHED_ANSWERS = 100_000;

/**
 * How long a live run keeps a failed lookup (temperror class) before asking again: RFC 9520 section 3.2 has
 * resolution failures cached for at least 1 s and at most 5 minutes. Long enough that a dead domain in many
 * messages costs one timeout now and then, short enough that a transient failure does not outlive the moment.
 */
export const FAILURE_TTL_MS = 30_000;

export interface DnsStats {
  /** Calls of a resolver, cache hits included. */
  lookups: number;
  /** Questions looked up (not answered from the cache): the distinct (name, type) pairs while nothing was evicted. */
  unique: number;
  /** Answers dropped from the cache to keep it bounded (MAX_CACHED_ANSWERS); 0 on any run of usual size. */
  evicted: number;
  /** Lookups answered from an already settled cache entry. */
  cacheHits: number;
  /** Lookups that joined a query still in flight. */
  inFlightJoins: number;
  /** Questions sent to a server (live modes; 0 in replay). Equals `unique` unless fail-fast skipped some or failures were asked again. */
  sent: number;
  /** Failed questions asked again once their failure had expired (FAILURE_TTL_MS) or had never reached a server. */
  retried: number;
  /** Lookups failed at once because the server was judged dead. */
  failedFast: number;
  /** Most queries on the wire at once. */
  peakInFlight: number;
  /** Liveness probes (". NS") sent after timeouts in a row, before a server is judged dead (live.ts). */
  probes: number;
}

/** A resolver with its own log, sharing the session's cache: one per message, so a report lists its answers. */
export interface DnsView {
  resolver: Resolver;
  /** Every (name, type) this view asked, in first-use order, marked live/replayed/missing. */
  log(): DnsAnswerRecord[];
}

/** One run's DNS: a resolver shared by every message of the run, its provenance log, and record saving. */
export interface DnsSession extends DnsView {
  mode: 'live' | 'record' | 'replay';
  /** A fresh per-message view over the shared cache. */
  view(): DnsView;
  stats(): DnsStats;
  /** Write the record file, when recording, and stop any query still on the wire. */
  close(): Promise<void>;
}

// c-ares answers these; anything else is a programming error, not a DNS failure.
const RRTYPES = new Set(['A', 'AAAA', 'ANY', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT']);

/**
 * A name we refuse to send: over 253 octets, a label over 63 (RFC 1035 2.3.4), or blanks and control
 * characters (header text is hostile: a d= of megabytes or with CR LF must not reach the wire or the log).
 */
function badName(name: string): boolean {
  return name.length === 0 || name.length > 253 || /[\u0000-\u0020\u007f]/.test(name) || name.split('.').some((l) => l.length === 0 || l.length > 63);
}

type Source = (name: string, rrtype: string) => Promise<Outcome & { provenance: DnsProvenance }>;

function positive(value: number | undefined, fallback: number, what: string, min = 1, max = MAX_SETTING): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) throw new DnsConfigError(`${what} must be a number from ${min} to ${max}`);
  return Math.floor(value);
}

/**
 * Times are given to node:dns and to timers, which take at most 2^31-1 ms (--dns-timeout 1e12 was an "internal
 * error: out of range"); a lookup's deadline is three timeouts. Ten minutes is far more than any lookup needs.
 */
const MAX_SETTING = 600_000;

function checkRecordPath(path: string): void {
  const problem = writeTargetProblem(path);
  if (problem) throw new DnsConfigError(`--dns-record ${path}: ${problem}`);
}

/** Open the run's DNS. Throws DnsConfigError or SnapshotError (one-line messages) for bad options or files. */
export async function openDns(options: DnsOptions): Promise<DnsSession | undefined> {
  // An empty name (`--dns-replay ""`, a variable left unset) was taken as no option at all: a replay became a live
  // run, queries and all, and a recording saved nothing.
  for (const [option, path] of [['--dns-replay', options.replayPath], ['--dns-record', options.recordPath]] as const) {
    if (path === '') throw new DnsConfigError(`${option} needs a file name`);
  }
  const replay = options.replay ? parseSnapshot(options.replay) : options.replayPath ? loadSnapshot(options.replayPath) : undefined;
  if (replay && options.recordPath) throw new DnsConfigError('--dns-record and --dns-replay cannot be used together');
  if (replay) return session('replay', async (name, type) => replayLookup(replay, name, type), Infinity);

  if (options.recordPath) checkRecordPath(options.recordPath);
  const timeoutMs = positive(options.timeoutMs, DNS_DEFAULTS.timeoutMs, '--dns-timeout (ms)');
  const [{ LiveBackend }, { resolveServers }] = await Promise.all([import('./live.js'), import('./servers.js')]);
  const live: LiveOptions = {
    servers: await resolveServers(options.servers ?? []),
    timeoutMs,
    tries: positive(options.tries, DNS_DEFAULTS.tries, 'DNS tries'),
    deadlineMs: positive(options.deadlineMs, options.timeoutMs !== undefined ? 3 * timeoutMs : DNS_DEFAULTS.deadlineMs, 'DNS deadline (ms)', 1, 3 * MAX_SETTING),
    concurrency: positive(options.concurrency, DNS_DEFAULTS.concurrency, 'DNS concurrency'),
    failFastAfter: positive(options.failFastAfter, DNS_DEFAULTS.failFastAfter, 'DNS fail-fast count', 0),
    failFastForMs: positive(options.failFastForMs, DNS_DEFAULTS.failFastForMs, 'DNS fail-fast pause (ms)', 0),
  };
  const backend = new LiveBackend(live);
  const recordPath = options.recordPath;
  return session(
    recordPath ? 'record' : 'live',
    async (name, type) => ({ provenance: 'live', ...(await backend.query(name, type)) }),
    recordPath ? Infinity : positive(options.maxCachedAnswers, MAX_CACHED_ANSWERS, 'DNS cache size'),
    backend,
    recordPath ? (records) => writeSnapshot(recordPath, snapshotOf(records)) : undefined,
    positive(options.failureTtlMs, FAILURE_TTL_MS, 'DNS failure cache time (ms)', 0),
  );
}

function session(
  mode: DnsSession['mode'],
  source: Source,
  maxAnswers: number,
  backend?: LiveBackend,
  save?: (records: DnsAnswerRecord[]) => void,
  failureTtlMs = FAILURE_TTL_MS,
): DnsSession {
  const cache = new Map<string, Promise<DnsAnswerRecord>>();
  const settled = new Map<string, DnsAnswerRecord>(); // first-use order; with a bound, least recently used first
  /** Failed questions and when they may be asked again (live mode only: a replayed failure is the file's answer). */
  const retryAt = new Map<string, number>();
  const counts = { lookups: 0, cacheHits: 0, inFlightJoins: 0, evicted: 0, retried: 0 };
  const provenance: DnsProvenance = mode === 'replay' ? 'replayed' : 'live';

  const lookup = (rawName: string, rawType: string): Promise<DnsAnswerRecord> => {
    const type = String(rawType).toUpperCase();
    if (!RRTYPES.has(type)) throw new TypeError(`unsupported DNS record type ${JSON.stringify(rawType)}`);
    const name = normaliseName(String(rawName));
    const key = `${type} ${name}`;
    counts.lookups++;
    const retry = retryAt.get(key);
    if (retry !== undefined && Date.now() >= retry) {
      retryAt.delete(key);
      cache.delete(key); // settled keeps the failure until the new outcome replaces it
      counts.retried++;
    }
    const known = cache.get(key);
    if (known) {
      const record = settled.get(key);
      if (record === undefined) counts.inFlightJoins++;
      else {
        counts.cacheHits++;
        if (maxAnswers !== Infinity) {
          settled.delete(key); // to the end: most recently used
          settled.set(key, record);
        }
      }
      return known;
    }
    const pending = (badName(name) ? Promise.resolve({ provenance, error: 'EBADNAME' } as const) : source(name, type)).then((o): DnsAnswerRecord => {
      const record: DnsAnswerRecord = { name, type, provenance: o.provenance, ...(o.error !== undefined ? { error: o.error } : { answer: o.answer }) };
      settled.delete(key); // a retried question: its new outcome is the most recent
      settled.set(key, record);
      // A recording keeps every failure for the run: its file holds one outcome per question, and a later answer
      // written over the failure an earlier message met would replay that message differently.
      if (o.error !== undefined && mode === 'live' && classifyDnsError(o.error) === 'temperror') retryAt.set(key, (o as { unsent?: true }).unsent ? 0 : Date.now() + failureTtlMs);
      if (settled.size > maxAnswers) {
        const oldest = settled.keys().next().value!;
        settled.delete(oldest);
        cache.delete(oldest);
        retryAt.delete(oldest);
        counts.evicted++;
      }
      return record;
    });
    cache.set(key, pending);
    return pending;
  };

  const makeView = (track = true): DnsView => {
    const seen = new Map<string, DnsAnswerRecord>();
    const resolver: Resolver = async (name, rrtype) => {
      const record = await lookup(name, rrtype);
      const key = `${record.type} ${record.name}`;
      if (track && !seen.has(key)) seen.set(key, record);
      if (record.error !== undefined) throw dnsError(record.error, record.name, record.type);
      return structuredClone(record.answer); // callers may sort or splice; the cached copy stays intact
    };
    return { resolver, log: () => [...seen.values()] };
  };

  const whole = makeView(false); // the run's log is `settled`; no second copy
  let closed = false;
  return {
    mode,
    resolver: whole.resolver,
    log: () => [...settled.values()],
    view: () => makeView(),
    stats: () => {
      const live = backend?.stats() ?? { sent: 0, failedFast: 0, peakInFlight: 0, probes: 0 };
      return { ...counts, unique: cache.size + counts.evicted, ...live };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      backend?.cancel();
      save?.([...settled.values()]);
    },
  };
}
