// The running totals of a scan, kept from small per-message facts (computed in the worker, so the main thread never
// holds a whole Report). Serialisable, so a resumed scan continues the same totals: a message is counted once.
import type { Report } from '../../types.js';
import { authOutcome } from '../../render/csv.js';
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
  const reporter = r.container?.reporter;
  // One shape for every report's fact, an absent value undefined (the tally skips those): cheaper to build and to
  // clone across the worker boundary than an object grown key by key.
  return {
    bytes,
    verdict: r.verdict,
    findings: distinctIds(r.findings),
    boundaryIp: boundary?.ip || undefined,
    boundaryTime: (boundary && r.hops[boundary.hop]?.timestamp) || undefined,
    dmarcFailDomain: fromDomain && authOutcome(r, 'dmarc') === 'fail' ? fromDomain : undefined,
    relays: boundary ? relaysBelow(r.hops, boundary.hop) : undefined,
    reporter: reporter ? reporter.toLowerCase() : undefined,
    feedbackType: r.container?.feedbackType || undefined,
  };
}

function distinctIds(findings: Report['findings']): string[] {
  const ids: string[] = [];
  for (const f of findings) if (!ids.includes(f.id)) ids.push(f.id);
  return ids;
}

/** The receiving hosts of the hops below the boundary, distinct, lower case; undefined when there are none. */
function relaysBelow(hops: Report['hops'], boundary: number): string[] | undefined {
  const relays: string[] = [];
  for (const h of hops) {
    if (h.index >= boundary || !h.by) continue;
    const by = h.by.toLowerCase().slice(0, 255);
    if (!relays.includes(by)) relays.push(by);
  }
  return relays.length ? relays : undefined;
}

type Counts = Map<string, number>;

export interface TallyJson {
  messages: number;
  bytes: number;
  errors: [string, number][];
  verdicts: [string, number][];
  findings: [string, number][];
  boundaryIps: [string, number][];
  dmarcFailDomains: [string, number][];
  relays: [string, number][];
  reporters: [string, number][];
  feedbackTypes: [string, number][];
  firstTime?: string;
  lastTime?: string;
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
  boundaryIps: Counts = new Map();
  dmarcFailDomains: Counts = new Map();
  relays: Counts = new Map();
  reporters: Counts = new Map();
  feedbackTypes: Counts = new Map();
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
    bump(this.boundaryIps, fact.boundaryIp);
    bump(this.dmarcFailDomains, fact.dmarcFailDomain);
    for (const relay of fact.relays ?? []) bump(this.relays, relay);
    bump(this.reporters, fact.reporter);
    bump(this.feedbackTypes, fact.feedbackType);
    if (fact.boundaryTime) {
      if (this.firstTime === undefined || fact.boundaryTime < this.firstTime) this.firstTime = fact.boundaryTime;
      if (this.lastTime === undefined || fact.boundaryTime > this.lastTime) this.lastTime = fact.boundaryTime;
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
      boundaryIps: e(this.boundaryIps),
      dmarcFailDomains: e(this.dmarcFailDomains),
      relays: e(this.relays),
      reporters: e(this.reporters),
      feedbackTypes: e(this.feedbackTypes),
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
    t.boundaryIps = new Map(json.boundaryIps);
    t.dmarcFailDomains = new Map(json.dmarcFailDomains);
    t.relays = new Map(json.relays);
    t.reporters = new Map(json.reporters);
    t.feedbackTypes = new Map(json.feedbackTypes);
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
    top: {
      boundaryIps: topOf(t.boundaryIps),
      dmarcFailFromDomains: topOf(t.dmarcFailDomains),
      relaysBelowBoundary: topOf(t.relays),
      reporters: topOf(t.reporters),
      feedbackTypes: topOf(t.feedbackTypes),
    },
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
