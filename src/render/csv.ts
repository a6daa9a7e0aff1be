// CSV for spreadsheets: one flat row per input message (RFC 4180 quoting, CRLF rows).
// CSV injection: a cell starting with = + - @ (or TAB/CR, which some spreadsheets strip first) is read as a formula
// by Excel/LibreOffice ("=HYPERLINK(...)" in a Subject would run on open). Such cells get a leading single quote.
import type { AuthMethod, Report } from '../types.js';
import { isErrorRecord, type ScanRecord } from './ndjson.js';
import { findingIds } from '../verdict/index.js';

export const CSV_COLUMNS = [
  'source',
  'mbox_index',
  'mbox_offset',
  'container',
  'feedback_type',
  'reporter',
  'verdict',
  'score',
  'from',
  'from_domain',
  'subject',
  'boundary_ip',
  'boundary_helo',
  'boundary_time',
  'spf',
  'dkim',
  'dmarc',
  'arc',
  'findings',
  'error_code',
  'error_message',
  // Added after the first release of the columns, so at the end: readers by position keep working.
  'wrapper_verdict',
  'forwarded_by',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

/**
 * The outcome of one method: ours when it was evaluated against DNS, else the receiver's recorded result when that
 * one is trusted (offline runs), else undefined.
 */
export function authOutcome(report: Report, method: AuthMethod): string | undefined {
  const ours = report.auth.results.find((r) => r.method === method);
  if (ours) return ours.result;
  return report.auth.recorded.find((r) => r.trusted && r.method.toLowerCase() === method)?.result.toLowerCase();
}

/** The path of the file a record came from, following an unwrapped report back to its container. */
export function sourceOf(record: ScanRecord): { path?: string; index?: number; offset?: number } {
  let s = record.source;
  while (s?.parent) s = s.parent;
  return s ? { ...(s.path !== undefined ? { path: s.path } : {}), ...(s.index !== undefined ? { index: s.index } : {}), ...(s.offset !== undefined ? { offset: s.offset } : {}) } : {};
}

export function renderCsvRow(record: ScanRecord): string {
  const src = sourceOf(record);
  // stdin is named as the terminal report names it: a bare "-" starts a spreadsheet formula (defused to "'-").
  const base = { source: src.path ?? '(stdin)', mbox_index: src.index, mbox_offset: src.offset };
  let row: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | undefined>>;
  if (isErrorRecord(record)) row = { ...base, error_code: record.error.code, error_message: record.error.message };
  else {
    const r = record;
    const boundaryHop = r.boundary ? r.hops[r.boundary.hop] : undefined;
    row = {
      ...base,
      container: r.container?.kind,
      feedback_type: r.container?.feedbackType,
      reporter: r.container?.reporter,
      verdict: r.verdict,
      score: r.score,
      from: r.identity.from[0]?.address,
      from_domain: r.identity.from[0]?.domain,
      subject: r.message.subject,
      boundary_ip: r.boundary?.ip,
      boundary_helo: r.boundary?.helo,
      boundary_time: boundaryHop?.timestamp,
      spf: authOutcome(r, 'spf'),
      dkim: authOutcome(r, 'dkim'),
      dmarc: authOutcome(r, 'dmarc'),
      arc: authOutcome(r, 'arc'),
      findings: findingIds(r.findings).join(' '),
      wrapper_verdict: r.container?.wrapper?.verdict,
      forwarded_by: r.container?.via?.map((v) => v.reporter ?? '').join(' > '),
    };
  }
  return CSV_COLUMNS.map((c) => csvCell(row[c])).join(',') + '\r\n';
}
