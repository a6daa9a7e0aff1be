// The full CLI bundle loads mailauth's dkim/spf/dmarc/arc parts lazily and never its package root, lib/bimi or
// undici (undici 8 crashes on Node 20 and costs ~120 ms; see src/auth/mailauth.ts); the fast bundle leaves mailauth
// to node_modules. Checked on esbuild's metafile with the build's own settings (scripts/build-config.mjs), and by
// running the built CLI on this Node with a replayed analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
// @ts-expect-error: a plain .mjs build script, without type declarations
import { fastBundle, fullBundle, mailauthBundle } from '../../scripts/build-config.mjs';

async function metafile(settings: BuildOptions): Promise<Metafile> {
  const out = settings.outfile ? { outfile: join(ROOT, 'dist-metafile-check', 'out.cjs') } : { outdir: join(ROOT, 'dist-metafile-check') };
  const r = await build({ ...settings, ...out, absWorkingDir: ROOT, write: false, metafile: true, logLevel: 'silent' });
  return r.metafile;
}

test('the full bundle holds no lib/bimi, no undici and not mailauth\'s root module', async () => {
  const inputs = Object.keys((await metafile(fullBundle as BuildOptions)).inputs);
  assert.ok(inputs.some((i) => i.includes('mailauth/lib/dkim/verify.js')), 'the DKIM verifier is bundled');
  assert.deepEqual(
    inputs.filter((i) => /mailauth\/lib\/bimi|\/undici\/|mailauth\/lib\/mailauth\.js|@postalsys\/vmc/.test(i)),
    [],
  );
});

test('the mailauth bundle holds the four parts and no lib/bimi, no undici, not mailauth\'s root module', async () => {
  const inputs = Object.keys((await metafile(mailauthBundle as BuildOptions)).inputs);
  for (const part of ['dkim/verify.js', 'spf/index.js', 'dmarc/index.js', 'arc/index.js']) assert.ok(inputs.some((i) => i.includes(`mailauth/lib/${part}`)), part);
  assert.deepEqual(inputs.filter((i) => /mailauth\/lib\/bimi|\/undici\/|mailauth\/lib\/mailauth\.js|@postalsys\/vmc/.test(i)), []);
});

test('the fast bundle holds no mailauth and no yargs: it loads neither unless a run needs it', async () => {
  const inputs = Object.keys((await metafile(fastBundle as BuildOptions)).inputs);
  assert.ok(inputs.some((i) => i.includes('src/analyze.ts')), 'the analysis is bundled');
  assert.deepEqual(inputs.filter((i) => /node_modules\/(mailauth|yargs|undici)\//.test(i)), []);
});

test('mailauth is reached from the full entry only through dynamic imports', async () => {
  const meta = await metafile(fullBundle as BuildOptions);
  const outputs = meta.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint?.endsWith('src/cli/full.ts'))!;
  assert.ok(entry, 'the full entry is built');
  // Walk the static import graph from the entry: no chunk reached that way may contain mailauth code.
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const out = stack.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const imp of outputs[out]!.imports) if (imp.kind === 'import-statement' && outputs[imp.path]) stack.push(imp.path);
  }
  const eager = [...seen].filter((o) => Object.keys(outputs[o]!.inputs).some((i) => /node_modules\/mailauth/.test(i)));
  assert.deepEqual(eager, []);
});

test(`the built CLI runs a replayed analysis on this Node (${process.version}): dkim, dmarc and arc pass on the sample`, () => {
  const r = runCli(['--json', '--dns-replay', 'fixtures/sample/dns.json', 'fixtures/sample/message.eml']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout);
  const result = (m: string) => report.auth.results.find((x: { method: string }) => x.method === m)?.result;
  assert.equal(report.auth.mode, 'computed');
  assert.deepEqual([result('dkim'), result('dmarc'), result('arc')], ['pass', 'pass', 'pass']);
});
