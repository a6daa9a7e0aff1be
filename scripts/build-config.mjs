// The esbuild settings of every bundle, shared by scripts/build.mjs and the tests that check what a bundle holds.
import { readFileSync } from 'node:fs';
import { precomputedTldtsTables } from './tldts-tables.mjs';

const common = { platform: 'node', target: 'node20', bundle: true, sourcemap: false, logLevel: 'warning', legalComments: 'none' };
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Every deep import of mailauth in the fast bundle becomes require('./mailauth.cjs'), which exports all five parts. */
const mailauthFromItsBundle = {
  name: 'mailauth-from-its-bundle',
  setup(build) {
    build.onResolve({ filter: /^mailauth\/lib\// }, () => ({ path: './mailauth.cjs', external: true }));
  },
};

/**
 * dist/fast.cjs: the common runs (analyse a message, filter one). CommonJS, so bin/mailtrace.cjs can compile it
 * from a V8 code cache. Comments go (minifyWhitespace): some carry non-ASCII text, and an all-ASCII file loads
 * without UTF-8 decoding; names stay, so a MAILTRACE_DEBUG stack trace still reads. import.meta.url is read from
 * the loader's `__mtImportMeta` argument (computed only when read). mailauth is required from dist/mailauth.cjs,
 * its own bundle with its own code cache: only runs with DNS load it, and an offline run does not pay for
 * deserialising its code.
 */
export const fastBundle = {
  ...common,
  format: 'cjs',
  entryPoints: { fast: 'src/cli/fast-path.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  minifyWhitespace: true,
  charset: 'ascii',
  plugins: [precomputedTldtsTables, mailauthFromItsBundle],
  define: { 'import.meta.url': '__mtImportMeta.url' },
  // A vm.Script has no loader for import(): dynamic imports of mailauth's CommonJS files become require().
  supported: { 'dynamic-import': false },
};

/**
 * dist/mailauth.cjs: the five parts of mailauth the analysis uses (src/auth/mailauth.ts), for bin/mailtrace.cjs to
 * load with its own code cache. Deep paths only: never the package root, lib/bimi or undici.
 */
export const mailauthBundle = {
  ...common,
  format: 'cjs',
  stdin: {
    contents: [
      "exports.dkimVerify = require('mailauth/lib/dkim/verify.js').dkimVerify;",
      "exports.spf = require('mailauth/lib/spf/index.js').spf;",
      "exports.evaluateDmarc = require('mailauth/lib/dmarc/index.js').evaluateDmarc;",
      "exports.arc = require('mailauth/lib/arc/index.js').arc;",
      "exports.formatDomain = require('mailauth/lib/tools.js').formatDomain;",
    ].join('\n'),
    resolveDir: new URL('..', import.meta.url).pathname,
    sourcefile: 'mailauth-parts.js',
    loader: 'js',
  },
  outfile: 'dist/mailauth.cjs',
  minifyWhitespace: true,
  charset: 'ascii',
};

/**
 * dist/scan-worker.cjs: a scan's worker thread, which bin/scan-worker.cjs compiles from a code cache as
 * bin/mailtrace.cjs does the fast bundle: every worker is a fresh isolate that would otherwise parse and compile the
 * analysis again. The same settings as the fast bundle.
 */
export const scanWorkerBundle = {
  ...fastBundle,
  entryPoints: { 'scan-worker': 'src/cli/scan/worker.ts' },
};

/** dist/main.mjs: the full CLI (yargs, scan, help), ESM with lazily loaded chunks. */
export const fullBundle = {
  ...common,
  format: 'esm',
  entryPoints: { main: 'src/cli/full.ts' },
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
