// Files a run writes besides its report (--out, --summary, --resume, --dns-record): checked before any work, since a
// wrong folder found at the end of a long scan would lose the scan, and a failed write told in words a user can act
// on (a full disk) rather than as an errno.
import { accessSync, closeSync, constants as fsConstants, fsyncSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why `path` cannot be written ("is a directory", "cannot write in DIR (no such folder)"...), or undefined. */
export function writeTargetProblem(path: string): string | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info?.isDirectory()) return 'is a directory';
  try {
    accessSync(info ? path : dirname(path), fsConstants.W_OK);
    return undefined;
  } catch (err) {
    const why = describeWriteError(err as NodeJS.ErrnoException);
    return info ? `cannot write it (${why})` : `cannot write in ${dirname(path)} (${why})`;
  }
}

export function describeWriteError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such folder';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.code ?? 'write error';
  }
}

/**
 * writeSync until the whole chunk is out. A file size limit (ulimit -f) makes a write short rather than failed, and
 * a single writeSync ignores that; the next write meets the limit itself (EFBIG, or ENOSPC on a full disk) and throws.
 */
export function writeFully(fd: number, chunk: Uint8Array): void {
  for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
}

/**
 * Replace the file at `path` with `data` atomically: written in full beside it and renamed over it, so an interrupted
 * or failed write (a full disk, a size limit) leaves the old file whole and no temporary one. Through a symbolic link
 * to the file it names (renamed over, the link itself became a regular file). `durable`: fsync'ed, file and folder,
 * before and after the rename.
 */
export function replaceFileAtomically(path: string, data: string | Uint8Array, durable = false): void {
  const target = linkTarget(path);
  const tmp = `${target}.${process.pid}.tmp`;
  // Created anew ('wx'), never opened through whatever sits at that name: a link planted there would be written through.
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx');
  try {
    writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (durable) fsyncFolder(target);
}

/** The file a path names: itself, or through a symbolic link (one that names no file yet included). */
function linkTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const info = lstatSync(path, { throwIfNoEntry: false });
    return info?.isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : path;
  }
}

function fsyncFolder(path: string): void {
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
