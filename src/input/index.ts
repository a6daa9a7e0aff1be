// Bytes in: the inputs of a scan (files, directories, Maildirs, mbox files, globs; on stdin a path list, an mbox
// stream or one message) as one ordered stream of messages. Pure producers: nothing is analysed here, and a failure
// is an item, never a throw, so a batch always gives one result per input.
//
// mbox or single message? A file is read as an mbox when
//   - its name ends in .mbox or .mbx, or
//   - its first line is an mbox separator ("From " + sender + a date with a day or month name, a time of day and a
//     year, see mbox.ts).
// Such a file is cut at its separators. When it holds exactly one message and has no mbox extension (the
// SpamAssassin corpus stores single messages that way), it is a plain file: reported without mbox offset and index,
// and analysed as the file holds it (no >From unquoting), as `mailtrace FILE` would. Every other file is one message.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Source } from '../types.js';
import { hasLaterFromLine, isBlankByte, readMbox, splitMbox, startsWithSeparator, DEFAULT_MAX_MBOX_MESSAGE, type MboxMessage } from './mbox.js';
import { walkDirectory, describeFsError, Visited, type FoundFile } from './walk.js';
import { expandGlob, hasGlobMagic } from './glob.js';
import { MAX_PATH, readPathList } from './path-list.js';
import { readFileShared, releaseShared } from './read.js';
import { bomLength } from '../message/split.js';
import { BINARY_DATA, looksBinary } from '../message/parse.js';
import { closeFile, openFile, readAt, readFileAsync } from './fs-async.js';

export type InputErrorCode = 'no-input' | 'read-error' | 'too-large' | 'not-a-message';

export interface InputItem {
  source: Source;
  /** The message; absent when the input failed (then error is set). */
  bytes?: Uint8Array;
  error?: { code: InputErrorCode; message: string };
  /** Bytes this item covers in its file (for progress and throughput). */
  size: number;
}

export interface InputOptions {
  /** Where "-" reads from: a path list, an mbox stream or one message. */
  stdin?: AsyncIterable<Buffer | string>;
  /** The path list on stdin is NUL-separated (find -print0), not newline-separated. */
  nulSeparated?: boolean;
  maxMessageBytes?: number;
  /** Files never read as input: the scan's own output, summary and resume state (and its temporary file). */
  exclude?: string[];
}

const MBOX_EXTENSION = /\.(mbox|mbx)$/i;
const HEAD_BYTES = 1024;

function errorItem(source: Source, code: InputErrorCode, message: string): InputItem {
  return { source, error: { code, message }, size: 0 };
}

async function readHead(path: string): Promise<Buffer> {
  const fd = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, await readAt(fd, head, HEAD_BYTES, 0));
  } finally {
    await closeFile(fd);
  }
}

/**
 * Files up to this size are read in one synchronous call: for a directory of small .eml files, the async
 * open/fstat/read/close round trips cost the main thread more than the read itself.
 */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

/** One file: an mbox (streamed) or a single message. */
export async function* readFileMessages(path: string, kind: 'file' | 'maildir', size: number, options: InputOptions = {}): AsyncGenerator<InputItem> {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MBOX_MESSAGE;
  const byExtension = MBOX_EXTENSION.test(path);
  if (size <= READ_WHOLE_BYTES) {
    let bytes: Buffer;
    try {
      bytes = readFileShared(path, size);
    } catch (err) {
      yield errorItem({ kind, path }, 'read-error', describeFsError(err, path));
      return;
    }
    // A single message behind a From_ line is yielded as the file holds it, exactly as mboxItems would after cutting.
    if (byExtension || (startsWithSeparator(bytes) && hasLaterFromLine(bytes))) yield* mboxItems({ kind, path }, byExtension, max, splitMbox([bytes], { maxMessageBytes: max }), bytes);
    else yield { source: { kind, path }, bytes, size: bytes.length };
    return;
  }
  let head: Buffer;
  try {
    head = await readHead(path);
  } catch (err) {
    yield errorItem({ kind, path }, 'read-error', describeFsError(err, path));
    return;
  }
  if (byExtension || startsWithSeparator(head)) {
    yield* mboxItems({ kind, path }, byExtension, max, readMbox(path, { maxMessageBytes: max }));
    return;
  }
  if (size > max) {
    yield errorItem({ kind, path }, 'too-large', `larger than ${max} bytes`);
    return;
  }
  try {
    const bytes = await readFileAsync(path);
    yield { source: { kind, path }, bytes, size: bytes.length };
  } catch (err) {
    yield errorItem({ kind, path }, 'read-error', describeFsError(err, path));
  }
}

/**
 * `whole`: the file, when it was read whole; a single message is then analysed exactly as the file holds it. Of the
 * file and its messages' copies, what is not handed on is released (input/read.ts: shared memory is reused only once
 * every region of a slab has been released).
 */
async function* mboxItems(
  file: Source & { kind: 'file' | 'maildir' | 'stdin' },
  alwaysMbox: boolean,
  max: number,
  messages: AsyncIterable<MboxMessage>,
  whole?: Buffer,
): AsyncGenerator<InputItem> {
  const asItem = (m: MboxMessage, single: boolean): InputItem => {
    const source: Source = single ? file : { kind: 'mbox', path: file.path, offset: m.offset, index: m.index };
    if (single && whole) {
      if (m.bytes) releaseShared(m.bytes);
      return { source, bytes: whole, size: whole.length };
    }
    return m.bytes ? { source, bytes: m.bytes, size: m.size } : { ...errorItem(source, 'too-large', `message larger than ${max} bytes`), size: m.size };
  };
  // Hold the first message back until we know whether a second follows (single-message files are plain files).
  let first: MboxMessage | undefined;
  let count = 0;
  try {
    for await (const m of messages) {
      count++;
      if (count === 1 && !alwaysMbox) {
        first = m;
        continue;
      }
      if (first) {
        yield asItem(first, false);
        first = undefined;
      }
      yield asItem(m, false);
    }
  } catch (err) {
    if (whole) releaseShared(whole);
    if (first) yield asItem(first, false);
    yield errorItem({ kind: 'mbox', path: file.path, index: count }, 'read-error', describeFsError(err, file.path));
    return;
  }
  if (whole && !first) releaseShared(whole); // every message is a copy of its own
  if (first) yield asItem(first, true);
  if (count === 0) yield errorItem({ kind: 'mbox', path: file.path }, 'no-input', 'empty mbox file');
}

/** Every message of every input, in argument order (directories in name order, mbox files in file order). */
export async function* enumerateInputs(inputs: readonly string[], options: InputOptions = {}): AsyncGenerator<InputItem> {
  const seen = new Visited();
  const excluded = (options.exclude ?? []).map((p) => resolve(p));
  const excludedNames = excluded.map((p) => basename(p));
  const isExcluded = (path: string) => {
    // The file name first: resolving every one of a large scan's paths cost its main thread more than this test.
    const name = basename(path);
    const plain = name !== '.' && name !== '..' && name !== '';
    if (plain && !excludedNames.some((n) => name === n || name.startsWith(`${n}.tmp-`))) return false;
    const abs = resolve(path);
    return excluded.some((e) => abs === e || abs.startsWith(`${e}.tmp-`));
  };
  const withExclusion = { ...options, isExcluded };
  for (const input of inputs) {
    if (input === '-') yield* failureAsItem(stdinItems(options.stdin ?? process.stdin, seen, withExclusion), { kind: 'stdin' });
    else yield* pathItems(input, seen, withExclusion);
  }
}

type PathOptions = InputOptions & {
  isExcluded?: (p: string) => boolean;
  /** The path is a file's name as written, never a glob: a path list names files (globs are for the command line). */
  literal?: boolean;
};

/**
 * A stream that fails (a named pipe we may not open, a read that fails: EIO) ends in one read-error item for it, after
 * the items it gave: one input's problem is not the scan's.
 */
async function* failureAsItem(items: AsyncIterable<InputItem>, source: Source): AsyncGenerator<InputItem> {
  try {
    yield* items;
  } catch (err) {
    yield errorItem(source, 'read-error', describeFsError(err, source.path));
  }
}

/**
 * "-": a list of paths, or mail itself (`zcat archive.mbox.gz | mailtrace scan -`), told apart by the first line that
 * is not blank (see isPathList); with -0, always a path list. The paths of a list are files' names as written: a
 * line "secret/cur/*" in a message misread as a list opens no folder it was not named.
 */
async function* stdinItems(stdin: AsyncIterable<Buffer | string>, seen: Visited, options: PathOptions): AsyncGenerator<InputItem> {
  const chunks = stdin[Symbol.asyncIterator]();
  const head = await peekLines(chunks);
  const all = withHead(head, chunks);
  if (!options.nulSeparated && !isPathList(head)) {
    yield* mailItems(head, all, options.maxMessageBytes ?? DEFAULT_MAX_MBOX_MESSAGE, { kind: 'stdin' });
    return;
  }
  const literal = { ...options, literal: true };
  for await (const listed of readPathList(all, options.nulSeparated === true)) {
    if (listed.tooLong) yield errorItem({ kind: 'file', path: listed.path }, 'no-input', `a path list entry longer than ${MAX_PATH} bytes`);
    else yield* pathItems(listed.path, seen, literal);
  }
}

/**
 * Mail from a stream: stdin (`mailtrace -`, `... | mailtrace scan -`) or a named pipe (`<(zcat archive.mbox.gz)`). An
 * mbox when it starts with a separator, streamed message by message; else one message, read whole up to
 * `maxMessageBytes`.
 */
export async function* streamMail(
  stream: AsyncIterable<Buffer | string>,
  maxMessageBytes: number,
  source: Source & { kind: 'file' | 'stdin' } = { kind: 'stdin' },
): AsyncGenerator<InputItem> {
  yield* failureAsItem(mailFromStream(stream, maxMessageBytes, source), source);
}

async function* mailFromStream(stream: AsyncIterable<Buffer | string>, max: number, source: Source & { kind: 'file' | 'stdin' }): AsyncGenerator<InputItem> {
  const chunks = stream[Symbol.asyncIterator]();
  const head = await peekLines(chunks);
  yield* mailItems(head, withHead(head, chunks), max, source);
}

async function* mailItems(
  head: Buffer,
  all: AsyncIterable<Buffer>,
  max: number,
  source: Source & { kind: 'file' | 'stdin' },
): AsyncGenerator<InputItem> {
  // Blank lines before the first separator make no message of the mbox (splitMbox skips them).
  const bom = bomLength(head);
  const first = firstTextLine(head.subarray(bom));
  if (first && startsWithSeparator(head.subarray(bom + first.start))) yield* mboxItems(source, false, max, splitMbox(all, { maxMessageBytes: max }));
  else yield await wholeMessage(all, max, source);
}

/**
 * The first bytes of a stream: through the line after its first line that is not blank (or all of it, if shorter),
 * and no more than STDIN_PEEK_BYTES.
 */
async function peekLines(chunks: AsyncIterator<Buffer | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  let text = false; // a byte that is not blank has been read: the first line that is not blank has begun
  let lineEnds = 0; // LFs since then
  while (size < STDIN_PEEK_BYTES && lineEnds < 2) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(chunk);
    size += chunk.length;
    const from = text ? 0 : firstNonBlank(chunk);
    if (from === -1) continue;
    text = true;
    for (let at = chunk.indexOf(10, from); at !== -1 && lineEnds < 2; at = chunk.indexOf(10, at + 1)) lineEnds++;
  }
  return Buffer.concat(parts, size);
}

function firstNonBlank(bytes: Uint8Array, from = 0, to = bytes.length): number {
  for (let i = from; i < to; i++) if (!isBlankByte(bytes[i]!)) return i;
  return -1;
}

/** The first line that is not blank (nor whitespace only), without its terminator; undefined when there is none. */
function firstTextLine(head: Buffer): { start: number; end: number } | undefined {
  for (let start = 0; start < head.length; ) {
    const lf = head.indexOf(10, start);
    const end = lf === -1 ? head.length : lf;
    if (firstNonBlank(head, start, end) !== -1) return { start, end: head[end - 1] === 13 ? end - 1 : end };
    start = end + 1;
  }
  return undefined;
}

async function* withHead(head: Buffer, rest: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer> {
  try {
    if (head.length) yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  } finally {
    await rest.return?.(); // a reader that stops early closes the stream (a named pipe's descriptor)
  }
}

/** Past any blank lines, enough for a header line the message stage takes whole (it reads fields of any length). */
const STDIN_PEEK_BYTES = 64 * 1024;
// How mail begins: a header field (a name of printable US-ASCII but ':', RFC 5322 3.6.8, obsolete space before the
// colon allowed as the message stage allows it), or an mbox "From " line, which the message stage sets aside when it
// is no separator. Mail's field names are letters, digits and hyphens; a line whose "name" has other characters
// ("X-Original/To:", and every Maildir name, which holds a ':': "1733.M1P1.host,S=123:2,S", "cur/...") is mail only
// when the next line is a field of such a name, or a continuation. Linear: the name's class excludes what follows.
const MAIL_FIRST_LINE = /^(?:[!-9;-~]+[ \t]*:|From )/;
const PLAIN_FIELD = /^[A-Za-z][A-Za-z0-9-]*[ \t]*:/;
const CONTINUATION = /^[ \t]+\S/;
// No C0 control (but TAB) nor DEL: a name with those comes through -0.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether stdin's first bytes are a list of paths, not mail. Blank lines before the first line are skipped, as a
 * byte-order mark is. That line decides: a line no path can be (over PATH_MAX bytes, or with control characters) is
 * mail; a line that begins as mail does (a header field, a From line) is mail unless a file has that name; any other
 * line begins a path list. Nothing at all is an empty list.
 */
function isPathList(head: Buffer): boolean {
  const bom = bomLength(head);
  const line = firstTextLine(bom ? head.subarray(bom) : head);
  if (!line) return true;
  const text = head.toString('utf8', bom + line.start, bom + line.end);
  if (line.end - line.start > MAX_PATH || CONTROL.test(text)) return false;
  if (!MAIL_FIRST_LINE.test(text) || existsSync(text)) return true;
  if (PLAIN_FIELD.test(text) || text.startsWith('From ')) return false;
  return !mailFollows(head.toString('utf8', bom + line.end, Math.min(head.length, bom + line.end + 2 + MAX_PATH)));
}

/** The line after a first line (`rest` starts with its line break) is a field of a plain name, or a continuation. */
function mailFollows(rest: string): boolean {
  const next = rest.replace(/^\r?\n/, '').split(/\r?\n/, 1)[0] ?? '';
  return PLAIN_FIELD.test(next) || CONTINUATION.test(next);
}

/** One message from a stream, read whole; past `max` the reading stops (an endless stream cannot hold the run). */
async function wholeMessage(chunks: AsyncIterable<Buffer>, max: number, source: Source): Promise<InputItem> {
  const parts: Buffer[] = [];
  let size = 0;
  let judged = false;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > max) return { ...errorItem(source, 'too-large', `larger than ${max} bytes`), size };
    parts.push(chunk);
    // The analysis judges binary data by the first 4 KB: judged here as soon as they are in, the rest is not read.
    // `mailtrace - < /dev/urandom` read 256 MiB (1.8 s, 320 MB) before it was refused.
    if (!judged && size >= BINARY_JUDGED_BYTES) {
      judged = true;
      if (looksBinary(Buffer.concat(parts, size))) return { ...errorItem(source, 'not-a-message', BINARY_DATA), size };
    }
  }
  return { source, bytes: Buffer.concat(parts, size), size };
}

/** What looksBinary reads of a message. */
const BINARY_JUDGED_BYTES = 4096;

async function* pathItems(path: string, seen: Visited, options: PathOptions): AsyncGenerator<InputItem> {
  if (options.isExcluded?.(path)) return;
  let info: Stats;
  try {
    // Sync: ~5 µs a call. The promise version's thread-pool round trip cost the main thread ~140 µs a file in a
    // scan of 7,200 named files (1 s of its CPU, measured with --cpu-prof).
    info = statSync(path);
  } catch (err) {
    if (!options.literal && hasGlobMagic(path)) {
      const matches = await expandGlob(path);
      if (matches.length === 0) yield errorItem({ kind: 'file', path }, 'no-input', 'no file matches this pattern');
      for (const m of matches) yield* pathItems(m, seen, options);
      return;
    }
    yield errorItem({ kind: 'file', path }, 'no-input', describeFsError(err, path));
    return;
  }
  if (!seen.add(info)) return; // named twice, or inside a directory already scanned: counted once
  if (info.isDirectory()) {
    for await (const found of walkDirectory(path, seen)) {
      if ('code' in found) yield errorItem({ kind: 'file', path: found.path }, 'read-error', found.message);
      else if (!options.isExcluded?.(found.path)) yield* readFileMessages(found.path, (found as FoundFile).maildir ? 'maildir' : 'file', found.size, options);
    }
  } else if (info.isFile()) yield* readFileMessages(path, 'file', info.size, options);
  // A pipe that cannot be opened (EACCES) or read fails in streamMail, as one item.
  else if (info.isFIFO()) yield* streamMail(createReadStream(path), options.maxMessageBytes ?? DEFAULT_MAX_MBOX_MESSAGE, { kind: 'file', path });
  else yield errorItem({ kind: 'file', path }, 'no-input', 'not a regular file, named pipe or directory');
}

/** Total bytes of the inputs when they are all plain files named directly (progress can then show an ETA). */
export async function knownTotalBytes(inputs: readonly string[]): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (input === '-') return undefined;
    try {
      const info = statSync(input);
      if (!info.isFile()) return undefined;
      total += info.size;
    } catch {
      return undefined;
    }
  }
  return total;
}
