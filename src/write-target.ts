// Files a run writes besides its report (--out, --summary, --resume, --dns-record): checked before any work, since a
// wrong folder found at the end of a long scan would lose the scan, and a failed write told in words a user can act
// on (a full disk) rather than as an errno.
import { accessSync, constants as fsConstants, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
