// A list of paths on stdin: one per line, or NUL-separated with -0 (find -print0), so that
// `find abuse/ -name '*.eml' -print0 | mailtrace scan -0 -` works with any file name, newlines included.

/** Longest path accepted from the list (PATH_MAX is 4096 on Linux); a longer run is cut off and skipped. */
const MAX_PATH = 4096;

export async function* readPathList(stream: AsyncIterable<Buffer | string>, nulSeparated: boolean): AsyncGenerator<string> {
  const separator = nulSeparated ? 0 : 10;
  let pending = Buffer.alloc(0);
  const emit = (bytes: Buffer): string | undefined => {
    let text = bytes.toString('utf8');
    if (!nulSeparated) text = text.replace(/\r$/, '');
    return text.length > 0 && text.length <= MAX_PATH ? text : undefined;
  };
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const data = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    let at = data.indexOf(separator, start);
    while (at !== -1) {
      const path = emit(data.subarray(start, at));
      if (path !== undefined) yield path;
      start = at + 1;
      at = data.indexOf(separator, start);
    }
    pending = Buffer.from(data.subarray(start));
    if (pending.length > MAX_PATH) pending = Buffer.alloc(0);
  }
  const last = emit(pending);
  if (last !== undefined) yield last;
}
