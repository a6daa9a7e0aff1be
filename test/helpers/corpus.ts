// The shared corpus of real mail and peer suites (../shared/corpus). CI has it; a test that needs it fails
// loudly when it is absent, never skips silently.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export function corpusPath(...parts: string[]): string {
  const p = join(CORPUS, ...parts);
  if (!existsSync(p)) throw new Error(`shared corpus missing: ${p} (expected ../shared/corpus beside the repository)`);
  return p;
}

/** Every regular file below a corpus folder, sorted, excluding licence/source notes. */
export function corpusFiles(...parts: string[]): string[] {
  return filesBelow(corpusPath(...parts));
}

/** Every regular file below a folder (or the file itself), in name order, excluding licence/source notes. */
export function filesBelow(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !/^(LICENSE|SOURCE|README)/i.test(e.name)) out.push(p);
    }
  };
  walk(path);
  return out;
}
