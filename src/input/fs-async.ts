// The async file calls of the input stage, on the callback API made promises: node:fs/promises loads its FileHandle
// machinery on require (~2 ms), and the one-message command, a mail filter's every start, reads through this stage.
import { close, open, read, readFile, stat } from 'node:fs';
import { promisify } from 'node:util';

export const openFile = promisify(open);
export const closeFile = promisify(close);
export const readFileAsync = promisify(readFile);
export const statAsync = promisify(stat);
/** Resolves to { bytesRead, buffer } (node:fs documents this promisified form). */
export const readInto = promisify(read);

/** Up to `length` bytes of the file from `position` (null: the current position) into `buffer`; bytes read. */
export async function readAt(fd: number, buffer: Buffer, length: number, position: number | null): Promise<number> {
  return (await readInto(fd, buffer, 0, length, position)).bytesRead;
}
