// mbox files built from corpus messages, for tests and the benchmark. Written under the OS temp directory, never in
// the repository (the corpus licences forbid copies).
import { readFileSync } from 'node:fs';

const SEPARATOR = 'From mailtrace@example.invalid Mon Jan  1 00:00:00 2024\n';

/** One corpus message as an mboxrd entry: its own From_ line dropped, From lines quoted, ending in a blank line. */
export function mboxEntry(raw: Buffer): Buffer {
  let text = raw.toString('latin1');
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  // mboxrd quoting (linear: one optional run of '>' then a literal).
  text = text.replace(/(^|\n)(>*From )/g, '$1>$2');
  if (!text.endsWith('\n')) text += '\n';
  return Buffer.from(SEPARATOR + text + '\n', 'latin1');
}

/** The files as one mbox. */
export function mboxOf(files: readonly string[]): Buffer {
  return Buffer.concat(files.map((f) => mboxEntry(readFileSync(f))));
}
