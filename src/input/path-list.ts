// A list of paths on stdin: one per line, or NUL-separated with -0 (find -print0), so that
// `find abuse/ -name '*.eml' -print0 | mailtrace scan -0 -` works with any file name, newlines included.
import { clip, safeInline } from '../render/sanitize.js';

/** Longest path accepted from the list (PATH_MAX is 4096 on Linux), in bytes. */
export const MAX_PATH = 4096;
/** How much of an overlong entry its record shows. */
const SHOWN_OF_OVERLONG = 80;

export interface ListedPath {
  path: string;
  /**
   * The entry was longer than MAX_PATH: nothing is opened, and `path` is only its start, control characters escaped,
   * for the record that says so.
   */
  tooLong?: true;
}

function overlong(start: Buffer): ListedPath {
  return { path: clip(safeInline(start.toString('utf8', 0, SHOWN_OF_OVERLONG * 4)), SHOWN_OF_OVERLONG), tooLong: true };
}

export async function* readPathList(stream: AsyncIterable<Buffer | string>, nulSeparated: boolean): AsyncGenerator<ListedPath> {
  const separator = nulSeparated ? 0 : 10;
  // A line may end in CR (a list written on Windows): one byte more than a path before the separator.
  const maxEntry = MAX_PATH + (nulSeparated ? 0 : 1);
  const entry = (bytes: Buffer): ListedPath | undefined => {
    const end = !nulSeparated && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    if (end === 0) return undefined;
    return end > MAX_PATH ? overlong(bytes) : { path: bytes.toString('utf8', 0, end) };
  };
  let pending = Buffer.alloc(0);
  // Inside an overlong entry, already reported: its bytes are dropped up to the next separator, so that its tail is
  // never taken for a path of its own (a 64 KiB read can end in the middle of it).
  let discarding = false;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const data = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    let at = data.indexOf(separator, start);
    if (discarding) {
      if (at === -1) continue;
      discarding = false;
      start = at + 1;
      at = data.indexOf(separator, start);
    }
    while (at !== -1) {
      const listed = entry(data.subarray(start, at));
      if (listed) yield listed;
      start = at + 1;
      at = data.indexOf(separator, start);
    }
    pending = Buffer.from(data.subarray(start));
    if (pending.length > maxEntry) {
      yield overlong(pending);
      pending = Buffer.alloc(0);
      discarding = true;
    }
  }
  const last = discarding ? undefined : entry(pending);
  if (last) yield last;
}
