// Build. Start-up matters (a mail filter starts mailtrace once per message), so the CLI is two bundles: the fast
// path as CommonJS with a recorded V8 code cache, and the full CLI as ESM (settings: scripts/build-config.mjs).
// Then the library, and the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fastBundle, fullBundle, libraryBundle } from './build-config.mjs';

rmSync('dist', { recursive: true, force: true });
await Promise.all([build(fastBundle), build(fullBundle), build(libraryBundle)]);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

/**
 * Records dist/fast.cjs's code cache (bin/mailtrace.cjs reads it): the sample message analysed offline as JSON,
 * as a terminal report and through the filter, each run adding the functions it compiled. Only this V8 can use
 * it (its version is in the file name); another Node compiles as usual.
 */
function recordCodeCache() {
  const env = { ...process.env, MAILTRACE_RECORD_CODE_CACHE: '1', NO_COLOR: '1' };
  const sample = 'fixtures/sample/message.eml';
  for (const args of [['--json', '--offline', sample], ['--offline', sample], ['filter', '--offline']]) {
    execFileSync(process.execPath, ['bin/mailtrace.cjs', ...args], { env, input: readFileSync(sample), stdio: ['pipe', 'ignore', 'inherit'] });
  }
}
recordCodeCache();
