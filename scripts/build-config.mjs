// The esbuild settings of every bundle, shared by scripts/build.mjs and the tests that check what a bundle holds.
import { readFileSync } from 'node:fs';
import { precomputedTldtsTables } from './tldts-tables.mjs';

const common = { platform: 'node', target: 'node20', bundle: true, sourcemap: false, logLevel: 'warning', legalComments: 'none' };
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * dist/fast.cjs: the common runs (analyse a message, filter one). CommonJS, so bin/mailtrace.cjs can compile it
 * from a V8 code cache. Comments go (minifyWhitespace): some carry non-ASCII text, and an all-ASCII file loads
 * without UTF-8 decoding; names stay, so a MAILTRACE_DEBUG stack trace still reads. import.meta.url is the
 * loader's `__mtModuleUrl` argument. mailauth stays in node_modules: only runs with DNS load it, and there
 * Node >= 22 caches its compiled code.
 */
export const fastBundle = {
  ...common,
  format: 'cjs',
  entryPoints: { fast: 'src/cli/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  minifyWhitespace: true,
  charset: 'ascii',
  external: ['mailauth', 'mailauth/*'],
  define: { 'import.meta.url': '__mtModuleUrl' },
  // A vm.Script has no loader for import(): dynamic imports of mailauth's CommonJS files become require().
  supported: { 'dynamic-import': false },
  plugins: [precomputedTldtsTables],
};

/** dist/main.mjs + dist/scan-worker.mjs: the full CLI (yargs, scan, help), ESM with lazily loaded chunks. */
export const fullBundle = {
  ...common,
  format: 'esm',
  entryPoints: { main: 'src/cli/full.ts', 'scan-worker': 'src/cli/scan/worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [precomputedTldtsTables],
  // CommonJS dependencies inside an ESM bundle need require.
  banner: { js: "import { createRequire as __mtCreateRequire } from 'node:module'; const require = __mtCreateRequire(import.meta.url);" },
};

/** dist/index.js: the library, ESM, its dependencies left to the consumer's node_modules. */
export const libraryBundle = {
  ...common,
  format: 'esm',
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  external: Object.keys(pkg.dependencies).flatMap((d) => [d, `${d}/*`]),
};
