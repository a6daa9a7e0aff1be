// Postfix's pipe(8) and Dovecot's sieve programs run the filter as an unprivileged user (nobody here), which must be
// able to read node and the built CLI. A checkout under a private directory (a CI clone under /root, mode 700) is
// not readable by nobody: then the CLI (bin, dist, node_modules) and, if need be, node are copied to a temporary
// directory that is, and the recipes run that copy. Same build, same bytes; only the path differs.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';

const NOBODY = 65534;

function runsAsNobody(command: string, args: string[]): boolean {
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

/** node and the CLI as nobody can run them, and a clean-up for the copy (a no-op when none was made). */
export function cliForNobody(): { node: string; bin: string; cleanup: () => void } {
  if (process.getuid?.() !== 0 || runsAsNobody(process.execPath, [BIN, '--version'])) {
    return { node: process.execPath, bin: BIN, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-nobody-'));
  chmodSync(dir, 0o755);
  for (const part of ['bin', 'dist', 'node_modules', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  let node = process.execPath;
  if (!runsAsNobody(node, ['--version'])) {
    node = join(dir, 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  const bin = join(dir, 'bin', 'mailtrace.cjs');
  if (!runsAsNobody(node, [bin, '--version'])) throw new Error(`nobody cannot run the CLI even from a copy in ${dir}`);
  return { node, bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
