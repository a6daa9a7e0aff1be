// The recorded-DNS file: plain JSON a person can read and edit, in the shape of mailauth's --dns-cache
//   { "<name>": { "<RRTYPE>": <answer as node:dns returns it> } }
// plus error entries, which mailauth's cache cannot represent (a miss there is always ENOTFOUND):
//   { "<name>": { "<RRTYPE>": { "error": "ENOTFOUND" | "ENODATA" | "ESERVFAIL" | "ETIMEOUT" | ... } } }
// Names are lower case without the trailing dot (DKIM names arrive in the case d= was written).
// Example:
//   "example.org": {
//     "MX": [ { "exchange": "mx1.example.org", "priority": 10 } ],
//     "TXT": [ [ "v=spf1 ip4:198.51.100.0/24 -all" ] ]
//   },
//   "nothing.example.org": { "TXT": { "error": "ENOTFOUND" } }
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { replaceFileAtomically } from '../write-target.js';
import type { DnsAnswerRecord } from '../types.js';

export type SnapshotEntry = unknown | { error: string };
export type DnsSnapshot = Record<string, Record<string, SnapshotEntry>>;

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    message: string,
    /** 'missing': the file cannot be read (exit 66); 'invalid': it is not a snapshot (exit 64). */
    readonly reason: 'missing' | 'invalid',
  ) {
    super(message);
  }
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function isErrorEntry(entry: SnapshotEntry): entry is { error: string } {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof (entry as { error?: unknown }).error === 'string';
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Why an answer cannot be what node:dns returns for this type, or undefined when it can. */
function answerProblem(type: string, answer: unknown): string | undefined {
  if (isErrorEntry(answer)) return /^E[A-Z_]{2,30}$/.test(answer.error) ? undefined : 'an error must be a code such as "ENOTFOUND"';
  switch (type) {
    case 'TXT':
      return Array.isArray(answer) && answer.every(isStringList) ? undefined : 'expected a list of records, each a list of strings: [["v=spf1 -all"]]';
    case 'MX':
      return Array.isArray(answer) && answer.every((m) => typeof m?.exchange === 'string' && Number.isInteger(m?.priority))
        ? undefined
        : 'expected [{"exchange": "mx.example.org", "priority": 10}]';
    case 'A':
    case 'AAAA':
    case 'PTR':
    case 'CNAME':
    case 'NS':
      return isStringList(answer) ? undefined : 'expected a list of strings';
    default:
      return answer === undefined ? 'no answer' : undefined;
  }
}

/**
 * The largest snapshot file read: far above any recording (100,000 answers, the most a live run keeps, are tens of
 * MB), below what a JavaScript string can hold (512 MiB). Without it, --dns-replay /dev/zero or an endless pipe was
 * read until memory ran out (8 GB in 20 s here), and a 3 GB file took 17 s and 4 GB before "cannot read".
 */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

/** The file's text, or undefined when it holds more than `max` bytes; reads no further than that (a device, a pipe). */
function readUpTo(path: string, max: number): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, max + 1 - total), null);
      if (n === 0) return Buffer.concat(chunks, total).toString('utf8');
      chunks.push(Buffer.from(buffer.subarray(0, n))); // a copy: a pipe gives 64 KiB a read, each kept its 4 MiB buffer
      total += n;
      if (total > max) return undefined;
    }
  } finally {
    closeSync(fd);
  }
}

/** Read and validate a snapshot file; keys are normalised, so a hand-edited file may use any case. */
export function loadSnapshot(path: string, maxBytes = MAX_SNAPSHOT_BYTES): DnsSnapshot {
  let text: string | undefined;
  try {
    text = readUpTo(path, maxBytes);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : `cannot read (${e.code ?? e.message})`;
    throw new SnapshotError(`${path}: ${why}`, 'missing');
  }
  if (text === undefined) throw new SnapshotError(`${path}: larger than ${maxBytes / 1024 / 1024} MiB, more than a snapshot can be`, 'invalid');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(`${path}: not valid JSON (${(err as Error).message})`, 'invalid');
  }
  return parseSnapshot(data, path);
}

/** A name from the file as an error message quotes it: escaped as JSON, and a key of megabytes cut short. */
function quoted(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}...` : key);
}

/** A record type as an error message shows it: TXT as is, anything odd quoted like a name. */
const typeLabel = (type: string) => (/^[A-Z0-9]{1,10}$/.test(type) ? type : quoted(type));

/** Validate snapshot data (from a file or built in memory). */
export function parseSnapshot(data: unknown, label = 'snapshot'): DnsSnapshot {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SnapshotError(`${label}: must be a JSON object of names`, 'invalid');
  const out: DnsSnapshot = Object.create(null);
  for (const [name, types] of Object.entries(data as Record<string, unknown>)) {
    if (typeof types !== 'object' || types === null || Array.isArray(types)) throw new SnapshotError(`${label}: ${quoted(name)} must map record types to answers`, 'invalid');
    const key = normaliseName(name);
    const entry: Record<string, SnapshotEntry> = out[key] ?? Object.create(null);
    for (const [rawType, answer] of Object.entries(types as Record<string, unknown>)) {
      const type = rawType.toUpperCase();
      const problem = answerProblem(type, answer);
      if (problem) throw new SnapshotError(`${label}: ${quoted(name)} ${typeLabel(type)}: ${problem}`, 'invalid');
      entry[type] = answer;
    }
    out[key] = entry;
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The snapshot of a run: every answer used, errors included (formatSnapshot sorts it). */
export function snapshotOf(records: Iterable<DnsAnswerRecord>): DnsSnapshot {
  const out: DnsSnapshot = Object.create(null);
  for (const r of records) {
    if (r.provenance === 'missing') continue;
    const entry = (out[r.name] ??= Object.create(null) as Record<string, unknown>);
    entry[r.type] = r.error !== undefined ? { error: r.error } : r.answer;
  }
  return out;
}

/**
 * Pretty JSON for people, names and types sorted: one name per block, one answer per line where it fits, so a record can be edited or
 * deleted with a line editor and a diff shows which answer changed.
 */
export function formatSnapshot(snapshot: DnsSnapshot): string {
  const names = Object.keys(snapshot).sort(cmp);
  if (names.length === 0) return '{}\n';
  const blocks = names.map((name) => {
    const types = Object.entries(snapshot[name]!).sort(([a], [b]) => cmp(a, b));
    const lines = types.map(([type, answer]) => `    ${JSON.stringify(type)}: ${formatAnswer(answer)}`);
    return `  ${JSON.stringify(name)}: {\n${lines.join(',\n')}\n  }`;
  });
  return `{\n${blocks.join(',\n')}\n}\n`;
}

function formatAnswer(answer: unknown): string {
  if (!Array.isArray(answer) || answer.length === 0) return inline(answer);
  return `[\n${answer.map((item) => `      ${inline(item)}`).join(',\n')}\n    ]`;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/**
 * Write the snapshot. A regular file, or a new one, is replaced atomically: written beside it and renamed over it, so
 * an interrupted or failed write (a full disk) never leaves half a file, nor its temporary file. A symbolic link is
 * followed, so it stays a link. Anything else (/dev/stdout, a FIFO, `>(jq .)`) is written in place: the rename put
 * a regular file in its stead, and run as root, --dns-record /dev/stdout or /dev/null replaced the device itself.
 */
export function writeSnapshot(path: string, snapshot: DnsSnapshot): void {
  const text = formatSnapshot(snapshot);
  const info = statSync(path, { throwIfNoEntry: false });
  if (info && !info.isFile()) return writeFileSync(path, text);
  replaceFileAtomically(path, text);
}
