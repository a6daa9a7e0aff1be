// --resume state.json: how far a scan got, written so that a kill -9 at any instant leaves a usable state.
// Order of a checkpoint: the output lines are written and fsync'ed first, then the state is written to a temporary
// file, fsync'ed, and renamed over the old one (rename is atomic on POSIX). So the state never claims lines that are
// not on disk; lines written after the last checkpoint are cut off on resume (the output is truncated to
// outputBytes) and produced again. Output is in input order, so "the first `done` inputs" is the exact set written.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TallyJson } from './tally.js';

export interface Checkpoint {
  version: 1;
  /** What this scan is: the same inputs and output settings are required to resume it. */
  fingerprint: string;
  /** Inputs fully written to the output, counted in input order. */
  done: number;
  /** Length of the output file holding exactly those `done` records. */
  outputBytes: number;
  /** Key of the last input written (path#index@offset): on resume, the input at that position must be the same. */
  lastInput?: string;
  tally: TallyJson;
  complete: boolean;
  updatedAt: string;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`${path}: cannot read the resume state (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: Checkpoint;
  try {
    data = JSON.parse(text) as Checkpoint;
  } catch {
    throw new CheckpointError(`${path}: the resume state is not valid JSON`);
  }
  if (data?.version !== 1 || typeof data.done !== 'number' || typeof data.outputBytes !== 'number' || !data.tally) {
    throw new CheckpointError(`${path}: not a mailtrace scan resume state`);
  }
  return data;
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  }
}

export function writeCheckpoint(path: string, state: Checkpoint): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(state) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(path);
}
