// The summary of a scan: a JSON document (--summary FILE) and the same figures as tables for stderr.
// Keys such as relay names and reporters come from message headers: they are sanitised before display.
import Table from 'cli-table3';
import { clip, safeInline } from './sanitize.js';

export interface CountRow {
  key: string;
  count: number;
}

export interface ScanSummary {
  messages: number;
  reports: number;
  errors: Record<string, number>;
  verdicts: Record<string, number>;
  findings: Record<string, number>;
  top: {
    boundaryIps: CountRow[];
    dmarcFailFromDomains: CountRow[];
    relaysBelowBoundary: CountRow[];
    reporters: CountRow[];
    feedbackTypes: CountRow[];
  };
  /**
   * The top lists that met more distinct keys than a scan keeps (10,000: relay names, reporters and IPs come from the
   * messages): how much a count listed may be low by, and the most a key not listed may have occurred. Absent when
   * every list is exact.
   */
  approximate?: Partial<Record<keyof ScanSummary['top'], { countsLowByAtMost: number; unlistedAtMost: number }>>;
  /** Earliest and latest boundary-hop time (when the messages reached the receiving side). */
  timeSpan: { first?: string; last?: string };
  bytes: number;
  /** Wall time of this run (a resumed run counts from its restart). */
  elapsedSeconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  /** Messages taken over from an earlier, interrupted run (--resume). */
  resumedMessages: number;
  /** False when the scan stopped early (SIGINT, SIGTERM, SIGHUP, or an output that failed). */
  complete: boolean;
  /**
   * This run's DNS: questions asked by the workers, lookups handed to the DNS session (identical questions in flight
   * joined), and the session's own counters (unique questions, queries sent) when it keeps them.
   */
  dns?: { asked: number; resolved: number; session?: Record<string, number> };
}

export const TOP_N = 10;

/** Sorted by count (descending), then key, as plain objects (null prototype: keys come from headers). */
export function topOf(entries: Iterable<[string, number]>, n = TOP_N): CountRow[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([key, count]) => ({ key, count }));
}

export function countsObject(entries: Iterable<[string, number]>): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const row of topOf(entries, Infinity)) out[row.key] = row.count;
  return out;
}

const STYLE = { head: [] as string[], border: [] as string[], compact: true };

function countTable(title: string, rows: CountRow[], approximate?: { countsLowByAtMost: number; unlistedAtMost: number }): string | undefined {
  if (rows.length === 0) return undefined;
  const table = new Table({ head: [title, 'count'], style: STYLE });
  for (const r of rows) table.push([clip(safeInline(r.key), 60), String(r.count)]);
  const counts = approximate?.countsLowByAtMost ? `a count may be low by up to ${approximate.countsLowByAtMost}` : 'the counts listed are exact';
  const note = approximate ? `\n  (too many distinct values to keep all: ${counts}; a value not listed occurred at most ${approximate.unlistedAtMost} time${approximate.unlistedAtMost === 1 ? '' : 's'})` : '';
  return table.toString() + note;
}

/** How an interrupted scan goes on: only a scan run with --resume can be continued. */
function interruptedStatus(resumable: boolean): string {
  return resumable ? 'interrupted: resume with the same --resume file' : 'interrupted (--resume FILE lets a rerun continue where a scan stops)';
}

/** resumable: the scan keeps a --resume state, so the status can tell how to go on. */
export function renderSummaryTable(s: ScanSummary, resumable = false): string {
  const overview = new Table({ style: STYLE });
  const rate = `${s.messagesPerSecond.toFixed(0)} msg/s, ${s.megabytesPerSecond.toFixed(1)} MB/s`;
  overview.push(
    { messages: [String(s.messages) + (s.resumedMessages ? ` (${s.resumedMessages} from the earlier run)` : '')] },
    { analysed: [String(s.reports)] },
    { errors: [String(s.messages - s.reports)] },
    ...Object.entries(s.verdicts).map(([k, v]) => ({ [`verdict ${k}`]: [String(v)] })),
    { 'time span': [s.timeSpan.first ? `${s.timeSpan.first} .. ${s.timeSpan.last}` : '-'] },
    { speed: [`${rate} (${s.elapsedSeconds.toFixed(1)} s)`] },
  );
  if (!s.complete) overview.push({ status: [interruptedStatus(resumable)] });
  const blocks = [
    overview.toString(),
    countTable('error', topOf(Object.entries(s.errors))),
    // Every finding id: they are the rules' own (a closed set of a few dozen), and the table cut at 20 hid the rarer
    // ones, high ones among them (auth.planted-results), that the JSON summary counts.
    countTable('finding', topOf(Object.entries(s.findings), Infinity)),
    countTable('boundary IP', s.top.boundaryIps, s.approximate?.boundaryIps),
    countTable('From domain failing DMARC', s.top.dmarcFailFromDomains, s.approximate?.dmarcFailFromDomains),
    countTable('relay below the boundary', s.top.relaysBelowBoundary, s.approximate?.relaysBelowBoundary),
    countTable('reporter', s.top.reporters, s.approximate?.reporters),
    countTable('feedback type', s.top.feedbackTypes, s.approximate?.feedbackTypes),
  ].filter((b): b is string => b !== undefined);
  return blocks.join('\n') + '\n';
}
