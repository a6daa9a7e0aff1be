// One message of a scan, start to finish: analyse it (the original inside, when it is a report), render the output
// line and the summary fact.
// Never throws: whatever goes wrong becomes an error record, so the scan goes on and the line count stays exact.
import { analyze } from '../../analyze.js';
import { NotAMessageError } from '../../message/parse.js';
import { renderCsvRow } from '../../render/csv.js';
import { errorRecord, renderNdjsonRecord, type ScanRecord } from '../../render/ndjson.js';
import type { AnalyzeOptions, Source, UnwrapMode } from '../../types.js';
import { factOf, type ScanFact } from './tally.js';

export type ScanFormat = 'ndjson' | 'csv';

/** Plain data, so it can cross to a worker thread. */
export interface ScanSettings {
  format: ScanFormat;
  unwrap: UnwrapMode;
  /** Per-message deadline; the message becomes a 'timeout' error record. */
  timeoutMs: number;
  analyze: Omit<AnalyzeOptions, 'deps' | 'source' | 'at'> & { at?: string };
}

export interface ScanResult {
  /**
   * The output line: a string, or already UTF-8 (a worker encodes its results into one buffer and transfers it: the
   * output needs the bytes anyway, and a transfer is free where cloning 8 KB reports was not).
   */
  text: string | Uint8Array;
  fact: ScanFact;
}

export function renderRecord(record: ScanRecord, format: ScanFormat): string {
  return format === 'csv' ? renderCsvRow(record) : renderNdjsonRecord(record);
}

export function resultOf(record: ScanRecord, format: ScanFormat, bytes: number): ScanResult & { text: string } {
  return { text: renderRecord(record, format), fact: factOf(record, bytes) };
}

class Timeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`analysis took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function analyzeOne(
  source: Source,
  bytes: Uint8Array,
  settings: ScanSettings,
  deps: AnalyzeOptions['deps'],
): Promise<ScanRecord> {
  try {
    const { at, ...rest } = settings.analyze;
    const options: AnalyzeOptions = { ...rest, ...(at ? { at: new Date(at) } : {}), unwrap: settings.unwrap, source, ...(deps ? { deps } : {}) };
    // Without a resolver the analysis never yields to the event loop, so a timer could not fire before it ends: the
    // pool's stuck-worker watch is what bounds it. A timer per message would cost ~15 µs for nothing.
    return deps?.resolver ? await withTimeout(analyze(bytes, options), settings.timeoutMs) : await analyze(bytes, options);
  } catch (err) {
    if (err instanceof NotAMessageError) return errorRecord(source, 'not-a-message', err.message);
    if (err instanceof Timeout) return errorRecord(source, 'timeout', err.message);
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return errorRecord(source, 'internal', message.slice(0, 500));
  }
}
