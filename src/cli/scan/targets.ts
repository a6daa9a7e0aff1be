// The files a scan writes (--out, --summary, --resume) must be neither each other nor a file it reads: `--out` is
// opened with truncation before the first message is read, so `scan --out victim.eml victim.eml` used to empty the
// very mail it was asked to look at. Files are compared by identity (device and inode), so `./x`, `d/../x`, a
// symlinked folder or a hard link are caught. What cannot be read ahead is refused when the target holds anything
// but an earlier output: a path list on stdin (reading it would consume it), and a target with other hard links when
// an input is a folder (any file in it could be one: finding it would be a second walk of the tree). Checked once
// before any file is opened for writing; costs nothing when no target exists yet (the usual new scan), else a stat of
// each named input with the target's name (of every one when the target has hard links) and a read of at most
// HEAD_BYTES of the target.
import { closeSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { expandGlob, hasGlobMagic } from '../../input/glob.js';
import { csvHeader } from '../../render/csv.js';
import { safeInline } from '../../render/sanitize.js';

export interface Target {
  option: '--out' | '--summary' | '--resume';
  path: string;
}

/** What one of our own outputs starts with: an NDJSON record, the CSV header, the summary JSON. */
const OWN_OUTPUT_STARTS = [Buffer.from('{"schemaVersion":'), Buffer.from(csvHeader()), Buffer.from('{\n  "messages": ')];
const HEAD_BYTES = Math.max(...OWN_OUTPUT_STARTS.map((s) => s.length));

const statOf = (path: string): Stats | undefined => statSync(path, { throwIfNoEntry: false });
const sameFile = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

/** Two options naming one file (by path, or by identity when it exists): the later write would replace the earlier. */
export function targetsClash(targets: readonly Target[]): string | undefined {
  for (let i = 0; i < targets.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [targets[j]!, targets[i]!];
      const [sa, sb] = [statOf(a.path), statOf(b.path)];
      if (resolve(a.path) === resolve(b.path) || (sa && sb && sameFile(sa, sb))) {
        return `${b.option} ${safeInline(b.path)}: is also the ${a.option} file; name a different file for each`;
      }
    }
  }
  return undefined;
}

/**
 * Named inputs as the scan will read them (a path that does not exist but holds glob characters is a glob), as
 * resolved paths, without a system call for a plain path: a corpus given by name is thousands of them, and a stat of
 * each made a rerun over an existing --out 5% slower. Only globs are expanded (listing their folders).
 */
async function namedPaths(inputs: readonly string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const input of inputs) {
    if (input === '-') continue; // a path list on stdin cannot be read ahead without consuming it
    if (hasGlobMagic(input) && !statOf(input)) paths.push(...(await expandGlob(input)).map((p) => resolve(p)));
    else paths.push(resolve(input));
  }
  return paths;
}

/**
 * The named input that is this target file: compared by identity (device and inode) among the inputs that could be
 * it, those with its name (another path to it: ./x, d/../x, a symlinked folder), or every one when the target has
 * other hard links. Not caught: a symbolic link of another name to the target.
 */
function inputThatIs(target: { path: string; info: Stats }, inputs: readonly string[]): string | undefined {
  const name = basename(target.path);
  const everyOne = target.info.nlink > 1;
  return inputs.find((input) => {
    if (!everyOne && basename(input) !== name) return false;
    const info = statOf(input);
    return info !== undefined && sameFile(info, target.info);
  });
}

/** Empty, or one of our outputs from an earlier run (a rerun over the same folder rewrites its results file). */
function safeToOverwrite(path: string, size: number): boolean {
  if (size === 0) return true;
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, HEAD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  return OWN_OUTPUT_STARTS.some((start) => n >= start.length && head.subarray(0, start.length).equals(start));
}

/**
 * The named input folder that holds `path` at any depth, by path: the target's folders as named and as they really
 * are. Not caught: an input folder named through a symbolic link (a stat of every input would be needed).
 */
function enclosingFolder(path: string, inputs: ReadonlySet<string>): string | undefined {
  for (const start of new Set([dirname(resolve(path)), dirname(realpathSync(path))])) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (inputs.has(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/**
 * A target that is an input, named (or matched by a quoted glob) or inside an input folder, or that may be one
 * without our knowing (see the top of this file): refused unless it is empty or one of our own outputs, which the
 * scan then skips as input as it always did (the shell expands `mailtrace scan --out results.ndjson *` to the
 * results of the last run too). The resume state is left to its own reader, which refuses anything that is not a
 * state file.
 */
export async function targetIsInput(targets: readonly Target[], inputs: readonly string[]): Promise<string | undefined> {
  const existing = targets.flatMap((t) => {
    const info = statOf(t.path);
    return info?.isFile() ? [{ ...t, info }] : [];
  });
  if (existing.length === 0) return undefined;
  const named = await namedPaths(inputs);
  for (const t of existing) {
    const problem = t.option === '--resume' ? stateIsInput(t, named) : outputIsInput(t, named, inputs.includes('-'));
    if (problem) return problem;
  }
  return undefined;
}

type ExistingTarget = Target & { info: Stats };

const isAnInput = (t: ExistingTarget, input: string) => `${t.option} ${safeInline(t.path)}: is an input of this scan (${safeInline(input)}); writing it would destroy it`;

function stateIsInput(t: ExistingTarget, named: readonly string[]): string | undefined {
  const input = inputThatIs(t, named);
  return input ? isAnInput(t, input) : undefined;
}

function outputIsInput(t: ExistingTarget, named: readonly string[], readsStdin: boolean): string | undefined {
  if (safeToOverwrite(t.path, t.info.size)) return undefined;
  const what = `${t.option} ${safeInline(t.path)}`;
  const input = inputThatIs(t, named);
  if (input) return isAnInput(t, input);
  const folder = enclosingFolder(t.path, new Set(named));
  if (folder) return `${what}: is a file in the input folder ${safeInline(folder)} and not a mailtrace output; writing it would destroy it (name another file)`;
  // `find . -name '*.mbox' | mailtrace scan --out victim.mbox -` emptied victim.mbox, then read it as empty.
  if (readsStdin) return `${what}: is not a mailtrace output, and the paths on stdin ("-") cannot be checked ahead; writing it could destroy an input (name a new or empty file)`;
  const anyFolder = t.info.nlink > 1 ? named.find((p) => statOf(p)?.isDirectory()) : undefined;
  if (anyFolder) return `${what}: has other hard links and is not a mailtrace output; one could be in the input folder ${safeInline(anyFolder)}, and writing it would destroy it (name another file)`;
  return undefined;
}
