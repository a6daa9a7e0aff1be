// A one-line progress display on stderr, only when stderr is a terminal (a log file or a pipe stays clean).
// Shows messages done and the rate; with a known total (all inputs are plain files named on the command line),
// the share of bytes done and an ETA.
import { formatDuration } from '../../render/duration.js';

export interface Progress {
  /** Messages and bytes of this run so far (not those an earlier run did). */
  update(messages: number, bytes: number): void;
  done(): void;
}

/** What earlier runs of a resumed scan did: counted in the totals and the share, never in the rate. */
export interface ProgressStart {
  messages: number;
  bytes: number;
}

const REFRESH_MS = 200;
const BAR = 24;
const FRESH: ProgressStart = { messages: 0, bytes: 0 };

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

/** `messages` and `bytes` are this run's; the rate and the ETA come from them alone. */
export function progressLine(messages: number, bytes: number, elapsedMs: number, totalBytes?: number, before: ProgressStart = FRESH): string {
  const seconds = Math.max(elapsedMs / 1000, 1e-3);
  const rate = messages / seconds;
  const doneBytes = before.bytes + bytes;
  let line = `${before.messages + messages} messages  ${rate.toFixed(0)} msg/s  ${formatBytes(doneBytes)}`;
  if (totalBytes && totalBytes > 0) {
    const share = Math.min(1, doneBytes / totalBytes);
    const filled = Math.round(share * BAR);
    const eta = bytes > 0 ? (seconds / bytes) * Math.max(0, totalBytes - doneBytes) : undefined;
    line += `  [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${(share * 100).toFixed(0)}%`;
    if (eta !== undefined) line += `  ETA ${formatDuration(eta)}`;
  }
  return line;
}

/** No progress line: -q, or stderr is no terminal, or the records go to it. */
export const NO_PROGRESS: Progress = { update() {}, done() {} };

/**
 * A resumed scan starts from what earlier runs did: its line showed 0% and a rate that counted their messages as
 * done in this run's first second.
 */
export function createProgress(stream: NodeJS.WriteStream, totalBytes: number | undefined, before: ProgressStart = FRESH): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const start = Date.now();
  let last = 0;
  return {
    update(messages, bytes) {
      const now = Date.now();
      if (now - last < REFRESH_MS) return;
      last = now;
      const text = progressLine(messages, bytes, now - start, totalBytes, before);
      stream.write(`\r${text.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
