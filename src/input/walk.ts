// Directory trees: every regular file below a directory, in name order, each file and directory visited once.
// Symbolic links are followed, but a directory already seen (same dev:ino) is not entered again: a link back to
// an ancestor ("loop -> ..") or two links to one tree would otherwise scan forever or count messages twice.
// Maildir (cur/, new/, tmp/): tmp/ holds messages still being written by the delivery agent, so it is skipped.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export interface FoundFile {
  path: string;
  /** The file sits in a Maildir's cur/ or new/. */
  maildir: boolean;
  size: number;
}

export interface WalkProblem {
  path: string;
  code: string;
  message: string;
}

/** Maildir and mail-server bookkeeping files that are never messages. */
const NOT_MAIL = new Set(['maildirfolder', 'subscriptions', 'maildirsize', 'courierimapuiddb', 'courierimapkeywords', 'courierimapacl']);

function isBookkeeping(name: string): boolean {
  return name.startsWith('.') || name.startsWith('dovecot') || NOT_MAIL.has(name.toLowerCase());
}

export function identity(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

function isMaildir(names: ReadonlySet<string>): boolean {
  return names.has('cur') && names.has('new');
}

/**
 * Walk a directory. `seen` holds dev:ino of every directory and file already visited (share it across the inputs of a
 * scan so that overlapping arguments do not count a message twice). Problems (unreadable entries) are yielded, not thrown.
 */
export async function* walkDirectory(root: string, seen: Set<string>, maildir = false): AsyncGenerator<FoundFile | WalkProblem> {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch (err) {
    yield { path: root, code: 'read-error', message: describeFsError(err) };
    return;
  }
  const names = new Set(entries);
  const isBox = isMaildir(names);
  for (const name of entries) {
    if (isBookkeeping(name)) continue;
    if (isBox && name === 'tmp') continue;
    const path = join(root, name);
    let info: Stats;
    try {
      info = statSync(path); // follows symlinks; loops are stopped by dev:ino below (sync: ~5 µs, the async round trip costs more)
    } catch (err) {
      yield { path, code: 'read-error', message: describeFsError(err) };
      continue;
    }
    const id = identity(info);
    if (seen.has(id)) continue;
    seen.add(id);
    if (info.isDirectory()) yield* walkDirectory(path, seen, isBox && (name === 'cur' || name === 'new'));
    else if (info.isFile()) yield { path, maildir, size: info.size };
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ? `cannot read (${code})` : 'cannot read';
  }
}
