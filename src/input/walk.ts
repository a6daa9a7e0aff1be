// Directory trees: every regular file below a directory, in name order, each file and directory visited once.
// Symbolic links are followed, but a directory already seen (same dev:ino) is not entered again: a link back to
// an ancestor ("loop -> ..") or two links to one tree would otherwise scan forever or count messages twice.
// Maildir (cur/, new/, tmp/): tmp/ holds messages still being written by the delivery agent, so it is skipped.
// Dot-entries are skipped (.git, .DS_Store, .uidvalidity), except a dot-directory that is itself a Maildir: Maildir++
// keeps every folder but the inbox that way (.Junk, .Sent, .INBOX.sub), and those are mail like any other.
import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
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

/**
 * Mail servers' bookkeeping files, never messages, by the exact names the servers write (a message file an analyst
 * named "dovecot-phish.eml" or "Subscriptions" is mail). Dovecot: indexes, caches and their logs (dovecot.index,
 * dovecot.index.cache, dovecot.list.index.log.2, dovecot.map.index, dovecot.mailbox.log), control files (dovecot-uidlist,
 * dovecot-keywords, dovecot-uidvalidity.5a1401bc, dovecot-acl, dovecot-acl-list, ...) and their lock files.
 */
const DOVECOT_FILE = /^dovecot(?:\.(?:index|list\.index|map\.index|mailbox\.log)|-(?:uidlist|keywords|uidvalidity|acl|acl-list|shared|quota|attributes|virtual))(?:\.[^.]+)*$/;
/** Maildir++ (maildirfolder, maildirsize), Dovecot's subscriptions list, Courier-IMAP's UID, ACL and subscription files. */
const NOT_MAIL = new Set(['maildirfolder', 'maildirsize', 'subscriptions', 'courierimapuiddb', 'courierimapacl', 'courierimapsubscribed']);
/** Courier-IMAP's folders inside a Maildir: keywords (a file per message, named as the message) and folder ACLs. */
const NOT_MAIL_FOLDERS = new Set(['courierimapkeywords', 'courierimaphieracl']);

function isBookkeepingFile(name: string): boolean {
  return NOT_MAIL.has(name) || DOVECOT_FILE.test(name);
}

/** A Maildir++ folder (".Junk"): a dot-directory with cur/ and new/. Checked only for dot-entries, which are few. */
function isMaildirPlusFolder(path: string): boolean {
  return existsSync(join(path, 'cur')) && existsSync(join(path, 'new'));
}

/**
 * Files and directories already visited, by device and inode. Kept as numbers, one set of inodes per device: a scan
 * of a million files holds a million of them, ~40 MB this way against ~105 MB as "dev:ino" strings.
 */
export class Visited {
  private readonly byDevice = new Map<number, Set<number>>();

  /** Records the file or directory; false when it had been visited already. */
  add(info: Pick<Stats, 'dev' | 'ino'>): boolean {
    let inodes = this.byDevice.get(info.dev);
    if (!inodes) this.byDevice.set(info.dev, (inodes = new Set()));
    if (inodes.has(info.ino)) return false;
    inodes.add(info.ino);
    return true;
  }
}

/** A directory holding these names is a Maildir (its tmp/ is skipped here and by a glob, see glob.ts). */
export function isMaildir(sortedNames: readonly string[]): boolean {
  return sortedNames.includes('cur') && sortedNames.includes('new');
}

/**
 * Walk a directory. `seen` holds every directory and file already visited (share it across the inputs of a scan so
 * that overlapping arguments do not count a message twice). Problems (unreadable entries) are yielded, not thrown.
 */
export async function* walkDirectory(root: string, seen: Visited, maildir = false): AsyncGenerator<FoundFile | WalkProblem> {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch (err) {
    yield { path: root, code: 'read-error', message: describeFsError(err, root) };
    return;
  }
  const isBox = isMaildir(entries);
  for (const name of entries) {
    if (isBox && (name === 'tmp' || NOT_MAIL_FOLDERS.has(name))) continue;
    const path = join(root, name);
    if (name.startsWith('.') && !isMaildirPlusFolder(path)) continue;
    let info: Stats;
    try {
      info = statSync(path); // follows symlinks; loops are stopped by dev:ino below (sync: ~5 µs, the async round trip costs more)
    } catch (err) {
      yield { path, code: 'read-error', message: describeFsError(err, path) };
      continue;
    }
    if (!seen.add(info)) continue;
    if (info.isDirectory()) yield* walkDirectory(path, seen, isBox && (name === 'cur' || name === 'new'));
    else if (info.isFile() && !isBookkeepingFile(name)) yield { path, maildir, size: info.size };
  }
}

/**
 * One line for a file system error. Node.js decodes file names as UTF-8, so a name with other bytes (an old Latin-1
 * name) reaches us with U+FFFD in their place and no file has that name: say so rather than a bare "no such file".
 */
export function describeFsError(err: unknown, path = ''): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return path.includes('\uFFFD') ? 'no such file by this name: its name is not valid UTF-8, which Node.js cannot open (rename it)' : 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ? `cannot read (${code})` : 'cannot read';
  }
}
