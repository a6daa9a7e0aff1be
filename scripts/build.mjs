// Build. Start-up matters (a mail filter starts mailtrace once per message), so the CLI is two bundles: the fast
// path as CommonJS with a recorded V8 code cache, and the full CLI as ESM; a scan's workers run a CommonJS bundle
// with a cache of its own (settings: scripts/build-config.mjs). Then the library, and the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fastBundle, fullBundle, libraryBundle, mailauthBundle, scanWorkerBundle } from './build-config.mjs';

rmSync('dist', { recursive: true, force: true });
await Promise.all([build(fastBundle), build(mailauthBundle), build(scanWorkerBundle), build(fullBundle), build(libraryBundle)]);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

/**
 * Records the code caches of dist/fast.cjs, dist/mailauth.cjs and dist/scan-worker.cjs (bin/load-bundle.cjs reads
 * them): the sample message analysed with its recorded DNS, then offline as JSON, as a terminal report and through
 * the filter, each run adding the functions it compiled; then a scan worker's analysis of the bundled messages.
 * Only this V8 can use them (its version is in the file names); another Node compiles as usual.
 */
function recordCodeCache() {
  const sample = 'fixtures/sample/message.eml';
  const runs = [
    // mailauth's cache only: the fast bundle's would grow by code that only runs with DNS.
    ['mailauth.cjs', ['--json', '--dns-replay', 'fixtures/sample/dns.json', sample]],
    ['fast.cjs', ['--json', '--offline', sample]],
    ['fast.cjs', ['--offline', sample]],
    ['fast.cjs', ['filter', '--offline']],
  ];
  for (const [bundle, args] of runs) {
    const env = { ...process.env, MAILTRACE_RECORD_CODE_CACHE: bundle, NO_COLOR: '1' };
    execFileSync(process.execPath, ['bin/mailtrace.cjs', ...args], { env, input: readFileSync(sample), stdio: ['pipe', 'ignore', 'inherit'] });
  }
  // The scan worker's, on this thread: the bundle's analyzeForCodeCache runs the bundled messages through a worker's
  // path (the sample and each lab message: direct, relayed, spoofed).
  const lab = readdirSync('fixtures/lab', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `fixtures/lab/${d.name}/message.eml`);
  const messages = [sample, ...lab.filter((m) => existsSync(m)).sort()];
  const script = `require('./bin/load-bundle.cjs').loadBundle('scan-worker.cjs').analyzeForCodeCache(${JSON.stringify(messages)})`;
  execFileSync(process.execPath, ['-e', script], { env: { ...process.env, MAILTRACE_RECORD_CODE_CACHE: 'scan-worker.cjs' }, stdio: 'inherit' });
}
recordCodeCache();
