// Where scan lines go: a file (--out, which resume can truncate and fsync) or stdout. Lines are batched into
// larger writes; a file write is synchronous so that `bytes` is exactly what is in the file.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writevSync } from 'node:fs';

export interface ScanOutput {
  /** Lines after a failed write are dropped (the scan is told, and stops). */
  write(data: string | Uint8Array): void;
  /** Push buffered lines out; for a file also fsync (before a checkpoint claims them). */
  flush(sync: boolean): Promise<void>;
  /** Bytes written so far (file output). */
  readonly bytes: number;
  /** The write error that stopped the output (a full disk, a lost device); not set when a pipe's reader left. */
  readonly failure: NodeJS.ErrnoException | undefined;
  /** No more lines will go out: a write failed, or the reader went away. */
  readonly stopped: boolean;
  close(): Promise<void>;
}

/** Why the output stopped taking lines: its reader went away (`| head`), or a write failed. */
export type OutputStop = 'reader-gone' | 'output-failed';

const BATCH_BYTES = 256 * 1024;

export function fileOutput(path: string, resumeAt: number | undefined, onStop: (why: OutputStop) => void = () => {}): ScanOutput {
  const fd = openSync(path, resumeAt === undefined ? 'w' : 'r+');
  if (resumeAt !== undefined) ftruncateSync(fd, resumeAt);
  // A pipe, a FIFO or a terminal (--out /dev/stdout, --out >(gzip > r.gz)) has no offsets: write where it stands.
  const seekable = fstatSync(fd).isFile();
  let position = resumeAt ?? 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let failure: NodeJS.ErrnoException | undefined;
  const drain = () => {
    try {
      writePending();
    } catch (err) {
      failure ??= err as NodeJS.ErrnoException;
      pending = [];
      pendingBytes = 0;
      onStop('output-failed');
    }
  };
  // The batch's lines go out in one writev, without being joined into one buffer first.
  const writePending = () => {
    if (!pending.length || failure) return;
    let parts = pending;
    const total = pendingBytes;
    pending = [];
    pendingBytes = 0;
    let done = 0;
    while (done < total) {
      let n = writevSync(fd, parts, seekable ? position + done : undefined);
      done += n;
      if (done === total) break;
      // A short write: drop what went out and go on from the rest.
      let i = 0;
      while (n >= parts[i]!.length) n -= parts[i++]!.length;
      parts = [parts[i]!.subarray(n), ...parts.slice(i + 1)];
    }
    position += total;
  };
  return {
    write(data) {
      if (failure) return;
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= BATCH_BYTES) drain();
    },
    async flush(sync) {
      drain();
      if (sync && !failure && seekable) fsyncSync(fd);
    },
    get bytes() {
      return position + pendingBytes;
    },
    get failure() {
      return failure;
    },
    get stopped() {
      return failure !== undefined;
    },
    async close() {
      // No fsync: only a checkpoint needs the lines on disk, and it asks for that itself (flush(true)); an fsync of a
      // whole scan's output at exit cost ~0.1 s for 60 MB and bought nothing.
      drain();
      closeSync(fd);
    },
  };
}

/** onStop: the reader closed the pipe (EPIPE), so there is no point going on; or a write failed (stdout is a file). */
export function streamOutput(stream: NodeJS.WritableStream = process.stdout, onStop: (why: OutputStop) => void = () => {}): ScanOutput {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let written = 0;
  let broken = false;
  let failure: NodeJS.ErrnoException | undefined;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (broken) return;
    broken = true; // stop writing and tell the scan
    if (err.code !== 'EPIPE') failure = err;
    onStop(failure ? 'output-failed' : 'reader-gone');
  });
  // A failed write destroys the stream at once; its 'error' event, which tells the scan, comes only on a later tick.
  // A caller that never yields to the event loop (a one-message analysis) asks these instead.
  const state = stream as { destroyed?: boolean; errored?: NodeJS.ErrnoException | null };
  const gone = () => broken || state.destroyed === true;
  const failed = () => failure ?? (state.errored && state.errored.code !== 'EPIPE' ? state.errored : undefined);
  // One wait for the stream's buffer to empty, shared by every write that finds it full: a wait each (listeners
  // added per batch while a slow reader kept the buffer full) passed ten of them and Node warned of a leak.
  let full: Promise<void> | undefined;
  const untilWritable = () =>
    (full ??= new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        full = undefined;
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    }));
  // Waits while the stream is full, also when this call had nothing to write: a flush means "the reader has it".
  const drain = async () => {
    if (pending.length && !gone()) {
      const buf = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      written += buf.length;
      if (!stream.write(buf)) void untilWritable();
    }
    if (full && !gone()) await full;
  };
  return {
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= BATCH_BYTES) void drain();
    },
    flush: () => drain(),
    get bytes() {
      return written;
    },
    get failure() {
      return failed();
    },
    get stopped() {
      return gone();
    },
    async close() {
      await drain();
    },
  };
}
