#!/usr/bin/env node
// The installed command. A mail filter starts mailtrace once per message, so start-up is most of its cost:
// - this file is CommonJS: an ES module entry costs Node ~8 ms more before any of our code runs;
// - the common runs (analyse one message, filter one) live in dist/fast.cjs, compiled from the V8 code cache that
//   `npm run build` recorded by running the sample message (dist/fast.cjs.<V8 version>.cache): no parsing, no
//   lazy compilation of the functions a run needs; Node 20 has no compile cache of its own. mailauth, needed only
//   when DNS work happens, is dist/mailauth.cjs with a cache of its own;
// - everything else (help, scan, completion, errors) is the full CLI in dist/main.mjs, loaded only then.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

// Node >= 22.1 caches compiled code of the ES modules and packages loaded below (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
require('node:module').enableCompileCache?.();

const DIST = join(__dirname, '..', 'dist');

/** Loads a CommonJS bundle through vm.Script with its code cache; MAILTRACE_RECORD_CODE_CACHE=<file,...> (the build) records it. */
function loadBundle(file) {
  const path = join(DIST, file);
  const cachePath = `${path}.${process.versions.v8}.cache`;
  const record = (process.env.MAILTRACE_RECORD_CODE_CACHE ?? '').split(',').includes(file);
  const source = readFileSync(path, 'latin1'); // esbuild writes ASCII; latin1 skips UTF-8 decoding
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    // No cache for this Node (another version built it): compile as usual.
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __mtImportMeta) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: path, cachedData });
  const module = { exports: {} };
  // import.meta.url, built on first use: few runs read it, and node:url's conversion is start-up work.
  const importMeta = { get url() { return require('node:url').pathToFileURL(path).href; } };
  script.runInThisContext()(module.exports, requireFrom(path), module, path, DIST, importMeta);
  if (process.env.MAILTRACE_DEBUG) {
    const state = cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'absent';
    process.stderr.write(`mailtrace: ${file}: code cache ${state}\n`);
  }
  // Recorded at exit, after the run: the cache then holds every function the run compiled, not only the top level.
  if (record) process.once('exit', () => writeFileSync(cachePath, script.createCachedData()));
  return module.exports;
}

/** A bundle's require: another bundle of ours (./mailauth.cjs) loads through loadBundle, with its own cache. */
function requireFrom(path) {
  const plain = createRequire(path);
  const bundles = new Map();
  return (id) => {
    if (!id.startsWith('./') || !id.endsWith('.cjs')) return plain(id);
    if (!bundles.has(id)) bundles.set(id, loadBundle(id.slice(2)));
    return bundles.get(id);
  };
}

function fail(err) {
  if (err && (err.code === 'ENOENT' || err.code === 'ERR_MODULE_NOT_FOUND') && String(err.path || err.message).includes(DIST)) {
    process.stderr.write('mailtrace: not built yet: run "npm install" (or "npm run build") in the mailtrace folder\n');
    process.exitCode = 70;
    return;
  }
  process.stderr.write(`mailtrace: internal error: ${String((err && err.message) || err).split('\n')[0]}\n`);
  if (process.env.MAILTRACE_DEBUG && err && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = 70;
}

async function start(argv) {
  const code = await loadBundle('fast.cjs').runFast(argv);
  if (code !== undefined) return code;
  const { runMain } = await import('../dist/main.mjs');
  return runMain(argv);
}

start(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fail);
