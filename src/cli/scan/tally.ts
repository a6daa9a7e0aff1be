// The running totals of a scan, kept from small per-message facts (computed in the worker, so the main thread never
// holds a whole Report). Serialisable, so a resumed scan continues the same totals: a message is counted once.
import type { Report } from '../../types.js';
import { authOutcome } from '../../render/csv.js';
import { findingIds } from '../../verdict/index.js';
import { isErrorRecord, type ScanRecord } from '../../render/ndjson.js';
import { countsObject, topOf, type ScanSummary } from '../../render/summary.js';

/** What the summary needs from one message. */
export interface ScanFact {
  bytes: number;
  errorCode?: string;
  verdict?: string;
  findings?: string[];
  boundaryIp?: string;
  boundaryTime?: string;
  /** The From domain, set only when DMARC failed for it. */
  dmarcFailDomain?: string;
  /** Receiving hosts of the hops below (older than) the trust boundary: relays the message crossed before us. */
  relays?: string[];
  reporter?: string;
  feedbackType?: string;
}

export function factOf(record: ScanRecord, bytes: number): ScanFact {
  if (isErrorRecord(record)) return { bytes, errorCode: record.error.code };
  const r: Report = record;
  const boundary = r.boundary;
  const fromDomain = r.identity.from[0]?.domain;
  // A report whose container is forged says nothing true about who reported what: its reporter and feedback type
  // are not counted (a forged ARF report would put any name it likes at the top of the reporters). A report that holds
  // no original (redacted) is the message analysed, so its own verdict is the container's: it has no `wrapper`.
  const container = r.container;
  const believed = container?.wrapper?.verdict !== 'forged' && !(container?.embedded === 'none' && r.verdict === 'forged');
  const reporter = believed ? container?.reporter : undefined;
  // One shape for every report's fact, an absent value undefined (the tally skips those): cheaper to build and to
  // clone across the worker boundary than an object grown key by key.
  return {
    bytes,
    verdict: r.verdict,
    findings: findingIds(r.findings),
    boundaryIp: boundary?.ip || undefined,
    boundaryTime: (boundary && r.hops[boundary.hop]?.timestamp) || undefined,
    dmarcFailDomain: fromDomain && authOutcome(r, 'dmarc') === 'fail' ? fromDomain : undefined,
    relays: boundary ? relaysBelow(r.hops, boundary.hop) : undefined,
    reporter: reporter ? reporter.toLowerCase() : undefined,
    feedbackType: (believed && container?.feedbackType) || undefined,
  };
}


/**
 * Relays counted per message at most: a real path has a handful below the boundary (Postfix bounces a message after
 * 50 Received fields), where a padded header has thousands.
 */
export const MAX_RELAYS_PER_MESSAGE = 50;

/** The receiving hosts of the hops below the boundary, distinct, lower case; undefined when there are none. */
function relaysBelow(hops: Report['hops'], boundary: number): string[] | undefined {
  const relays: string[] = [];
  for (const h of hops) {
    if (h.index >= boundary || !h.by) continue;
    const by = h.by.toLowerCase().slice(0, 255);
    if (!relays.includes(by)) relays.push(by);
    if (relays.length === MAX_RELAYS_PER_MESSAGE) break;
  }
  return relays.length ? relays : undefined;
}

type Counts = Map<string, number>;

/** Distinct keys an open-ended list keeps (relay names, reporters, IPs: text from the messages). */
export const MAX_LIST_KEYS = 10_000;
const MAX_KEY_CHARS = 255;

/**
 * Counts of keys taken from the messages, in bounded memory: an abuse mailbox of a million messages can name a
 * million distinct relays, and a crafted one thousands per message (a 250 MB mbox of such messages took 800 MB of
 * RSS), all of it also written to the resume state at every checkpoint. Past MAX_LIST_KEYS keys, the less counted
 * half is dropped (lossy counting, after Manku and Motwani): the frequent keys the summary lists keep their counts.
 * Each key kept carries how much it may have been counted before it was (last) added, and `floor` bounds the count of
 * every key not kept, so a key's true count is between `counts` and `counts + under`, and a key not listed occurred at
 * most `floor` times (all 0 while nothing was dropped: exact).
 */
export class BoundedCounts {
  readonly counts: Counts = new Map();
  /** Keys added after a drop: how many times each may have occurred before (the floor when it was added). */
  readonly under: Counts = new Map();
  floor = 0;

  constructor(private readonly maxKeys = MAX_LIST_KEYS) {}

  bump(key: string | undefined): void {
    if (key === undefined || key === '') return;
    const k = key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) : key;
    const count = this.counts.get(k);
    if (count !== undefined) {
      this.counts.set(k, count + 1);
      return;
    }
    this.counts.set(k, 1);
    if (this.floor > 0) this.under.set(k, this.floor);
    if (this.counts.size > this.maxKeys) this.dropLessCounted();
  }

  /** The most a count may be low by, over the given keys. */
  maxUnder(keys: readonly string[]): number {
    return keys.reduce((m, k) => Math.max(m, this.under.get(k) ?? 0), 0);
  }

  private dropLessCounted(): void {
    // Ranked by the most each key may have occurred, ties by key: the same keys are kept on every run.
    const ranked: [string, number][] = [...this.counts].map(([k, count]) => [k, count + (this.under.get(k) ?? 0)]);
    ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [k, most] of ranked.slice(Math.floor(this.maxKeys / 2))) {
      this.floor = Math.max(this.floor, most);
      this.counts.delete(k);
      this.under.delete(k);
    }
  }

  toJSON(): { counts: [string, number][]; under?: [string, number][]; floor?: number } {
    return { counts: [...this.counts], ...(this.floor > 0 ? { under: [...this.under], floor: this.floor } : {}) };
  }

  static fromJSON(json: ReturnType<BoundedCounts['toJSON']> | [string, number][], maxKeys = MAX_LIST_KEYS): BoundedCounts {
    const c = new BoundedCounts(maxKeys);
    // A resume state written before the lists were bounded holds plain [key, count] pairs.
    const j = Array.isArray(json) ? { counts: json } : json;
    for (const [key, count] of j.counts) c.counts.set(key, count);
    for (const [key, under] of j.under ?? []) c.under.set(key, under);
    c.floor = j.floor ?? 0;
    return c;
  }
}

export interface TallyJson {
  messages: number;
  bytes: number;
  errors: [string, number][];
  verdicts: [string, number][];
  findings: [string, number][];
  boundaryIps: BoundedJson;
  dmarcFailDomains: BoundedJson;
  relays: BoundedJson;
  reporters: BoundedJson;
  feedbackTypes: BoundedJson;
  firstTime?: string;
  lastTime?: string;
}

/**
 * The lists whose keys come from the messages, so bounded (the others hold our own codes and rule ids), each with its
 * name among the summary's top lists, in the summary's order.
 */
const OPEN_LISTS = {
  boundaryIps: 'boundaryIps',
  dmarcFailDomains: 'dmarcFailFromDomains',
  relays: 'relaysBelowBoundary',
  reporters: 'reporters',
  feedbackTypes: 'feedbackTypes',
} as const satisfies Record<string, keyof ScanSummary['top']>;
const OPEN_LIST_NAMES = Object.keys(OPEN_LISTS) as (keyof typeof OPEN_LISTS)[];
type BoundedJson = Parameters<typeof BoundedCounts.fromJSON>[0];

/** A whole number from 0 that JSON keeps exact. */
export const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

const isPairs = (v: unknown): v is [string, number][] =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && isCount(p[1]));

function isBoundedJson(v: unknown): v is BoundedJson {
  if (isPairs(v)) return true; // written before the lists were bounded
  const j = v as { counts?: unknown; under?: unknown; floor?: unknown } | null;
  return typeof j === 'object' && j !== null && isPairs(j.counts) && (j.under === undefined || isPairs(j.under)) && (j.floor === undefined || isCount(j.floor));
}

/** The first part of a resume state's tally that toJSON would not have written so ("tally.relays"), or undefined. */
export function badTallyField(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'tally';
  const t = v as Record<string, unknown>;
  const bad = (['messages', 'bytes'] as const).find((k) => !isCount(t[k])) ??
    (['errors', 'verdicts', 'findings'] as const).find((k) => !isPairs(t[k])) ??
    OPEN_LIST_NAMES.find((k) => !isBoundedJson(t[k])) ??
    (['firstTime', 'lastTime'] as const).find((k) => t[k] !== undefined && typeof t[k] !== 'string');
  return bad && `tally.${bad}`;
}

/**
 * Whether the ISO time a is before b. Years 0-9999 ("2024-01-01T10:00:00.000Z") sort as text, the cheap way; outside
 * them toISOString writes a signed six-digit year ("+010000-...", "-000001-..."), which sorts before every four-digit
 * one as text: a Received date of 31 Dec 9999 in a zone west of UTC became the first time of the span.
 */
function isEarlier(a: string, b: string): boolean {
  const digits = (s: string) => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
  return digits(a) && digits(b) ? a < b : Date.parse(a) < Date.parse(b);
}

function bump(map: Counts, key: string | undefined): void {
  if (key === undefined || key === '') return;
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class Tally {
  messages = 0;
  bytes = 0;
  errors: Counts = new Map();
  verdicts: Counts = new Map();
  findings: Counts = new Map();
  boundaryIps = new BoundedCounts();
  dmarcFailDomains = new BoundedCounts();
  relays = new BoundedCounts();
  reporters = new BoundedCounts();
  feedbackTypes = new BoundedCounts();
  firstTime?: string;
  lastTime?: string;

  add(fact: ScanFact): void {
    this.messages++;
    this.bytes += fact.bytes;
    if (fact.errorCode) {
      bump(this.errors, fact.errorCode);
      return;
    }
    bump(this.verdicts, fact.verdict);
    for (const id of fact.findings ?? []) bump(this.findings, id);
    this.boundaryIps.bump(fact.boundaryIp);
    this.dmarcFailDomains.bump(fact.dmarcFailDomain);
    for (const relay of fact.relays ?? []) this.relays.bump(relay);
    this.reporters.bump(fact.reporter);
    this.feedbackTypes.bump(fact.feedbackType);
    if (fact.boundaryTime) {
      if (this.firstTime === undefined || isEarlier(fact.boundaryTime, this.firstTime)) this.firstTime = fact.boundaryTime;
      if (this.lastTime === undefined || isEarlier(this.lastTime, fact.boundaryTime)) this.lastTime = fact.boundaryTime;
    }
  }

  toJSON(): TallyJson {
    const e = (m: Counts) => [...m.entries()];
    return {
      messages: this.messages,
      bytes: this.bytes,
      errors: e(this.errors),
      verdicts: e(this.verdicts),
      findings: e(this.findings),
      boundaryIps: this.boundaryIps.toJSON(),
      dmarcFailDomains: this.dmarcFailDomains.toJSON(),
      relays: this.relays.toJSON(),
      reporters: this.reporters.toJSON(),
      feedbackTypes: this.feedbackTypes.toJSON(),
      ...(this.firstTime ? { firstTime: this.firstTime } : {}),
      ...(this.lastTime ? { lastTime: this.lastTime } : {}),
    };
  }

  static fromJSON(json: TallyJson): Tally {
    const t = new Tally();
    t.messages = json.messages;
    t.bytes = json.bytes;
    t.errors = new Map(json.errors);
    t.verdicts = new Map(json.verdicts);
    t.findings = new Map(json.findings);
    for (const list of OPEN_LIST_NAMES) t[list] = BoundedCounts.fromJSON(json[list]);
    if (json.firstTime) t.firstTime = json.firstTime;
    if (json.lastTime) t.lastTime = json.lastTime;
    return t;
  }
}

export interface RunFigures {
  elapsedSeconds: number;
  /** Messages and bytes handled by this run (not taken over from an earlier one). */
  runMessages: number;
  runBytes: number;
  resumedMessages: number;
  complete: boolean;
  dns?: { asked: number; resolved: number; session?: Record<string, number> };
}

export function summarise(t: Tally, run: RunFigures): ScanSummary {
  const errors = [...t.errors.values()].reduce((a, b) => a + b, 0);
  const seconds = Math.max(run.elapsedSeconds, 1e-6);
  return {
    messages: t.messages,
    reports: t.messages - errors,
    errors: countsObject(t.errors),
    verdicts: countsObject(t.verdicts),
    findings: countsObject(t.findings),
    ...topLists(t),
    timeSpan: { ...(t.firstTime ? { first: t.firstTime } : {}), ...(t.lastTime ? { last: t.lastTime } : {}) },
    bytes: t.bytes,
    elapsedSeconds: Number(run.elapsedSeconds.toFixed(3)),
    messagesPerSecond: Number((run.runMessages / seconds).toFixed(1)),
    megabytesPerSecond: Number((run.runBytes / 1e6 / seconds).toFixed(2)),
    resumedMessages: run.resumedMessages,
    complete: run.complete,
    ...(run.dns ? { dns: run.dns } : {}),
  };
}

/**
 * The top lists, and for each that met more distinct keys than it keeps, how far its counts and the keys it leaves
 * out may be off (`approximate`, absent when every list is exact).
 */
function topLists(t: Tally): Pick<ScanSummary, 'top' | 'approximate'> {
  const top = {} as ScanSummary['top'];
  const approximate: NonNullable<ScanSummary['approximate']> = {};
  for (const list of OPEN_LIST_NAMES) {
    const counts = t[list];
    const rows = topOf(counts.counts);
    top[OPEN_LISTS[list]] = rows;
    if (counts.floor > 0) approximate[OPEN_LISTS[list]] = { countsLowByAtMost: counts.maxUnder(rows.map((r) => r.key)), unlistedAtMost: counts.floor };
  }
  return { top, ...(Object.keys(approximate).length > 0 ? { approximate } : {}) };
}
