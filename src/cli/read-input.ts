// Reading one input (a path or "-" for stdin) as its messages, with every failure turned into a one-line reason.
import { createReadStream, type Stats } from 'node:fs';
import { readFileMessages, streamMail, type InputErrorCode, type InputItem } from '../input/index.js';
import { describeFsError } from '../input/walk.js';
import { statAsync as stat } from '../input/fs-async.js';

/** The largest single message read whole; bigger inputs are refused rather than exhausting memory. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly path: string,
    message: string,
    /** The error record's code: the input is not there, or cannot be read as a message file. */
    readonly code: Exclude<InputErrorCode, 'too-large' | 'not-a-message'>,
  ) {
    super(message);
  }
}

/** The input stage's words for a failed read, with the hint this command owes a directory. */
function reasonFor(err: NodeJS.ErrnoException, path = ''): string {
  if (err.code === 'EISDIR') return 'is a directory (use "mailtrace scan" for directories)';
  if (err.code === 'ENAMETOOLONG') return 'file name too long';
  return describeFsError(err, path);
}

/**
 * The messages of one input, read as a scan reads a file: an mbox is streamed message by message (memory does not
 * grow with the file, and it may be larger than MAX_MESSAGE_BYTES), anything else is one message read whole. stdin
 * the same way. Throws InputError when the input cannot be read at all.
 */
export async function inputMessages(path: string): Promise<AsyncIterable<InputItem>> {
  if (path === '-') return streamMail(process.stdin, MAX_MESSAGE_BYTES);
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(path, reasonFor(e, path), e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'no-input' : 'read-error');
  }
  if (info.isDirectory()) throw new InputError(path, reasonFor({ code: 'EISDIR' } as NodeJS.ErrnoException), 'read-error');
  // A named pipe (`mailtrace <(zcat msg.eml.gz)`) is read as stdin is.
  if (info.isFIFO()) return streamMail(createReadStream(path), MAX_MESSAGE_BYTES, { kind: 'file', path });
  if (!info.isFile()) throw new InputError(path, 'not a regular file or named pipe', 'read-error');
  return readFileMessages(path, 'file', info.size, { maxMessageBytes: MAX_MESSAGE_BYTES });
}
