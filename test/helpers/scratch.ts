// Scratch folders for tests, removed when the test file's process exits (node --test runs each file in a process
// of its own), whatever the tests did in them and however they ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the system's temp folder, named mailtrace-<prefix>-XXXXXX. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mailtrace-${prefix}-`));
  made.push(dir);
  return dir;
}
