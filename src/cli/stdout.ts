// Standard output for reports, scan lines and the filtered message. When it is a regular file, Node writes each chunk
// with one writeSync and ignores a short count; a file size limit (ulimit -f) makes that write short rather than
// failed, so the output was cut at the limit while the run reported nothing and exited 0. Written here in full,
// the next write meets the limit itself (EFBIG) and the command says so, as it does for a full disk.
import { fstatSync } from 'node:fs';
import { Writable } from 'node:stream';
import { writeFully } from '../write-target.js';

let stdout: NodeJS.WritableStream | undefined;

/** process.stdout, or for a regular file a stream that writes every byte or fails. One per process. */
export function standardOutput(): NodeJS.WritableStream {
  stdout ??= isRegularFile(1) ? fullWriteStream(1) : process.stdout;
  return stdout;
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function fullWriteStream(fd: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        writeFully(fd, chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}
