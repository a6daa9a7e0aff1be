import type { Report } from '../types.js';

/** The report as one JSON document (schemaVersion inside). */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** One line per report, for batches. */
export function renderNdjsonLine(record: unknown): string {
  return JSON.stringify(record) + '\n';
}
