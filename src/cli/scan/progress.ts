// A one-line progress display on stderr, only when stderr is a terminal (a log file or a pipe stays clean).
// Shows messages done and the rate; with a known total (all inputs are plain files named on the command line),
// the share of bytes done and an ETA.
import { formatDuration } from '../../render/duration.js';

export interface Progress {
  update(messages: number, bytes: number): void;
  done(): void;
}

const REFRESH_MS = 200;
const BAR = 24;

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

export function progressLine(messages: number, bytes: number, elapsedMs: number, totalBytes?: number): string {
  const seconds = Math.max(elapsedMs / 1000, 1e-3);
  const rate = messages / seconds;
  let line = `${messages} messages  ${rate.toFixed(0)} msg/s  ${formatBytes(bytes)}`;
  if (totalBytes && totalBytes > 0) {
    const share = Math.min(1, bytes / totalBytes);
    const filled = Math.round(share * BAR);
    const eta = share > 0 ? (seconds / share) * (1 - share) : undefined;
    line += `  [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${(share * 100).toFixed(0)}%`;
    if (eta !== undefined) line += `  ETA ${formatDuration(eta)}`;
  }
  return line;
}

/** No progress line: -q, or stderr is no terminal, or the records go to it. */
export const NO_PROGRESS: Progress = { update() {}, done() {} };

export function createProgress(stream: NodeJS.WriteStream, totalBytes: number | undefined, startBytes = 0): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const start = Date.now();
  let last = 0;
  return {
    update(messages, bytes) {
      const now = Date.now();
      if (now - last < REFRESH_MS) return;
      last = now;
      // bytes of this run only for the rate; the share counts what an earlier run already did
      const text = progressLine(messages, bytes, now - start, totalBytes === undefined ? undefined : totalBytes - startBytes);
      stream.write(`\r${text.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
