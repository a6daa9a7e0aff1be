// The recorded-DNS file: plain JSON a person can read and edit, in the shape of mailauth's --dns-cache
//   { "<name>": { "<RRTYPE>": <answer as node:dns returns it> } }
// plus error entries, which mailauth's cache cannot represent:
//   { "<name>": { "<RRTYPE>": { "error": "ENOTFOUND" | "ENODATA" | "ESERVFAIL" | "ETIMEOUT" | ... } } }
// Names are lower case without the trailing dot (DKIM names arrive in the case d= was written).
import { readFileSync } from 'node:fs';

export type SnapshotEntry = unknown | { error: string };
export type DnsSnapshot = Record<string, Record<string, SnapshotEntry>>;

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function isErrorEntry(entry: SnapshotEntry): entry is { error: string } {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof (entry as { error?: unknown }).error === 'string';
}

/** Read and validate a snapshot file; keys are normalised, so a hand-edited file may use any case. */
export function loadSnapshot(path: string): DnsSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SnapshotError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e.code ?? e.message)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SnapshotError(`${path}: must be a JSON object of names`);
  const out: DnsSnapshot = Object.create(null);
  for (const [name, types] of Object.entries(data as Record<string, unknown>)) {
    if (typeof types !== 'object' || types === null || Array.isArray(types)) throw new SnapshotError(`${path}: "${name}" must map record types to answers`);
    const key = normaliseName(name);
    const entry: Record<string, SnapshotEntry> = out[key] ?? Object.create(null);
    for (const [type, answer] of Object.entries(types as Record<string, unknown>)) entry[type.toUpperCase()] = answer;
    out[key] = entry;
  }
  return out;
}
