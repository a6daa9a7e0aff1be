// --resume state.json: how far a scan got, written so that a kill -9 at any instant leaves a usable state.
// Order of a checkpoint: the output lines are written and fsync'ed first, then the state is written to a temporary
// file, fsync'ed, and renamed over the old one (rename is atomic on POSIX). So the state never claims lines that are
// not on disk; lines written after the last checkpoint are cut off on resume (the output is truncated to
// outputBytes) and produced again. Output is in input order, so "the first `done` inputs" is the exact set written;
// a resume checks that they are still the first `done` inputs by a digest of their keys (InputsDigest).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { safeInline } from '../../render/sanitize.js';
import { badTallyField, isCount, type TallyJson } from './tally.js';
import { replaceFileAtomically } from '../../write-target.js';

/** 2: `inputs` holds the digest of every input written (version 1 checked only the last one). */
export const CHECKPOINT_VERSION = 2;

export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  /** What this scan is: the same inputs and output settings are required to resume it. */
  fingerprint: string;
  /** Inputs fully written to the output, counted in input order. */
  done: number;
  /** Length of the output file holding exactly those `done` records. */
  outputBytes: number;
  /** InputsDigest of the `done` inputs written: on resume, the first `done` inputs must give the same. */
  inputs: string;
  /** Key of the last input written (path#index@offset): named when the inputs changed. */
  lastInput?: string;
  tally: TallyJson;
  complete: boolean;
  updatedAt: string;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/**
 * The keys of the inputs written so far, in order, as one running SHA-256. Comparing only the input at the
 * checkpoint's position let another path list through: m0 m1 m2 done, then m3 m4 m2 m5 wrote m5 alone and called
 * the scan complete, m3 and m4 never scanned. A key is a path (no NUL in it) and numbers: NUL ends each one.
 */
export class InputsDigest {
  private readonly hash = createHash('sha256');

  add(key: string): void {
    this.hash.update(key).update('\0');
  }

  /** The digest of the keys added so far; more can be added after. */
  get hex(): string {
    return this.hash.copy().digest('hex');
  }
}

export function readCheckpoint(path: string): Checkpoint | undefined {
  const name = safeInline(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`${name}: cannot read the resume state (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${name}: the resume state is not valid JSON`);
  }
  const state = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (state.version === 1) {
    throw new CheckpointError(`${name}: a resume state of an older mailtrace, which did not record every input it read, so this scan cannot be checked against it: delete it to start the scan again`);
  }
  if (state.version !== CHECKPOINT_VERSION) throw new CheckpointError(`${name}: not a mailtrace scan resume state`);
  // Every field is checked: `tally: {}` was an internal error, and `outputBytes: -1` a resume that lost lines.
  const bad = badField(state);
  if (bad) throw new CheckpointError(`${name}: a damaged resume state (its ${bad} is not valid): delete it to start the scan again`);
  return state as unknown as Checkpoint;
}

/** The first field of a state that writeCheckpoint would not have written so, or undefined. */
function badField(state: Record<string, unknown>): string | undefined {
  if (typeof state.fingerprint !== 'string') return 'fingerprint';
  if (!isCount(state.done)) return 'done';
  if (!isCount(state.outputBytes)) return 'outputBytes';
  if (typeof state.inputs !== 'string' || !/^[0-9a-f]{64}$/.test(state.inputs)) return 'inputs';
  if (state.lastInput !== undefined && typeof state.lastInput !== 'string') return 'lastInput';
  if (typeof state.complete !== 'boolean') return 'complete';
  return badTallyField(state.tally);
}

export function writeCheckpoint(path: string, state: Checkpoint): void {
  // In full or not at all: a state cut short by a size limit would be renamed over the last good one.
  replaceFileAtomically(path, JSON.stringify(state) + '\n', true);
}
