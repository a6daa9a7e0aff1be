// NDJSON for batch scans: exactly one line per input message, in input order. A line is either
//   a Report (schemaVersion 1, with `source` and, for an unwrapped report, `container`), or
//   an error record { schemaVersion: 1, source, error: { code, message }, exitCode } when the input could not be
//   analysed (the analyst command's --json uses the same records).
// JSON.stringify escapes every control character and U+2028/9 are legal in JSON text, so a hostile header cannot
// break the one-line-per-record framing.
import type { Report, Source } from '../types.js';
import { EXIT } from '../verdict/index.js';

export type ScanErrorCode =
  | 'no-input' // the path does not exist, or a glob matched nothing
  | 'read-error' // the file could not be read
  | 'too-large' // the message is larger than the cap
  | 'not-a-message' // empty, binary, or no header section
  | 'timeout' // the analysis did not finish in time
  | 'internal'; // a bug in mailtrace (the scan goes on)

export interface ErrorRecord {
  schemaVersion: 1;
  source: Source;
  error: { code: ScanErrorCode; message: string };
  /** The exit code this failure gives the analyst command (a report's exitCode is its verdict's). */
  exitCode: number;
}

/** sysexits.h: the input could not be opened or read (66), was no message (65), or the analysis failed (75, 70). */
const ERROR_EXIT: Record<ScanErrorCode, number> = {
  'no-input': EXIT.noInput,
  'read-error': EXIT.noInput,
  'too-large': EXIT.noInput,
  'not-a-message': EXIT.notAMessage,
  timeout: EXIT.tempFail,
  internal: EXIT.internal,
};

export type ScanRecord = Report | ErrorRecord;

export function errorRecord(source: Source, code: ScanErrorCode, message: string): ErrorRecord {
  return { schemaVersion: 1, source, error: { code, message }, exitCode: ERROR_EXIT[code] };
}

export function isErrorRecord(record: ScanRecord): record is ErrorRecord {
  return 'error' in record;
}

export function renderNdjsonRecord(record: ScanRecord): string {
  return JSON.stringify(record) + '\n';
}
