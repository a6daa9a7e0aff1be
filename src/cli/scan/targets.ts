// The files a scan writes (--out, --summary, --resume) must be neither each other nor a file it reads: `--out` is
// opened with truncation before the first message is read, so `scan --out victim.eml victim.eml` used to empty the
// very mail it was asked to look at. Files are compared by identity (device and inode), so `./x`, `d/../x`, a symlink
// or a hard link are all caught. Checked once before any file is opened for writing; costs nothing when no target
// exists yet (the usual new scan), else one stat per named input and a read of at most HEAD_BYTES of the target.
import { closeSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** Named inputs as the scan will read them: a path that does not exist but holds glob characters is a glob. */
async function namedInputs(inputs: readonly string[]): Promise<{ path: string; info: Stats }[]> {
  const found: { path: string; info: Stats }[] = [];
  for (const input of inputs) {
    if (input === '-') continue; // a path list on stdin cannot be read ahead without consuming it
    const info = statOf(input);
    const paths = info ? [input] : hasGlobMagic(input) ? await expandGlob(input) : [];
    for (const path of paths) {
      const matched = path === input ? info : statOf(path);
      if (matched) found.push({ path, info: matched });
    }
  }
  return found;
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

/** The input folder among `folders` that holds `path` at any depth, following the path's real location. */
function enclosingFolder(path: string, folders: readonly { path: string; info: Stats }[]): string | undefined {
  let dir = dirname(realpathSync(path));
  for (;;) {
    const info = statOf(dir);
    const folder = info && folders.find((f) => sameFile(f.info, info));
    if (folder) return folder.path;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A target that is an input, named (or matched by a quoted glob) or inside an input folder: refused unless it is
 * empty or one of our own outputs, which the scan then skips as input as it always did (the shell expands
 * `mailtrace scan --out results.ndjson *` to the results of the last run too). The resume state is left to its own
 * reader, which refuses anything that is not a state file.
 */
export async function targetIsInput(targets: readonly Target[], inputs: readonly string[]): Promise<string | undefined> {
  const existing = targets.map((t) => ({ ...t, info: statOf(t.path) })).filter((t) => t.info?.isFile());
  if (existing.length === 0) return undefined;
  const named = await namedInputs(inputs);
  const folders = named.filter((n) => n.info.isDirectory());
  for (const t of existing) {
    const input = named.find((n) => sameFile(n.info, t.info!));
    if (input && (t.option === '--resume' || !safeToOverwrite(t.path, t.info!.size))) {
      return `${t.option} ${safeInline(t.path)}: is an input of this scan (${safeInline(input.path)}); writing it would destroy it`;
    }
    if (t.option === '--resume') continue;
    const folder = enclosingFolder(t.path, folders);
    if (folder && !safeToOverwrite(t.path, t.info!.size)) {
      return `${t.option} ${safeInline(t.path)}: is a file in the input folder ${safeInline(folder)} and not a mailtrace output; writing it would destroy it (name another file)`;
    }
  }
  return undefined;
}
