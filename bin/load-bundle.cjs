// Loads a CommonJS bundle of dist/ through vm.Script with the V8 code cache the build recorded for it
// (dist/<bundle>.<V8 version>.cache): no parsing, no lazy compilation of the functions a run needs. Node 20 has no
// compile cache of its own. Used by the command (bin/mailtrace.cjs) and by each scan worker (bin/scan-worker.cjs).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

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

module.exports = { DIST, loadBundle };
