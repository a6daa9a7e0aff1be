// Reading one input (a path or "-" for stdin), with every failure turned into a one-line reason.
import { readFile as readFileCallback, stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';
import type { RawMessage } from '../types.js';

// node:fs/promises would load its FileHandle machinery (~2 ms of every start); one read needs only these two.
const stat = promisify(statCallback);
const readFile = promisify(readFileCallback);

/** The largest single message read whole; bigger inputs are refused rather than exhausting memory. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly path: string,
    message: string,
    /** The process exit code this failure maps to. */
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function reasonFor(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory (use "mailtrace scan" for directories)';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    default:
      return err.code ? `cannot read (${err.code})` : 'cannot read';
  }
}

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    if (total > MAX_MESSAGE_BYTES) throw new InputError('-', `larger than ${MAX_MESSAGE_BYTES} bytes`, 66);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export async function readInput(path: string): Promise<RawMessage> {
  if (path === '-') return { source: { kind: 'stdin' }, bytes: await readStdin() };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(path, reasonFor({ code: 'EISDIR' } as NodeJS.ErrnoException), 66);
    if (!info.isFile()) throw new InputError(path, 'not a regular file', 66);
    if (info.size > MAX_MESSAGE_BYTES) throw new InputError(path, `larger than ${MAX_MESSAGE_BYTES} bytes`, 66);
    return { source: { kind: 'file', path }, bytes: await readFile(path) };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, reasonFor(err as NodeJS.ErrnoException), 66);
  }
}
