// Build: the CLI as one ESM bundle with lazily loaded chunks (start-up matters: a mail filter starts mailtrace
// once per message), the library as ESM with its dependencies external, and the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = { platform: 'node', format: 'esm', target: 'node20', bundle: true, sourcemap: false, logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: { cli: 'src/cli/bin.ts', 'scan-worker': 'src/cli/scan/worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies inside an ESM bundle need require.
  banner: { js: "import { createRequire as __mtCreateRequire } from 'node:module'; const require = __mtCreateRequire(import.meta.url);" },
});

// The library leaves its dependencies to the consumer's node_modules, except data imported as JSON: an external
// JSON import needs an import attribute that esbuild does not emit for node20, so the data is bundled instead.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const bundledData = new Set(['unhomoglyph']);
const external = Object.keys(pkg.dependencies)
  .filter((d) => !bundledData.has(d))
  .flatMap((d) => [d, `${d}/*`]);
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', external });

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
