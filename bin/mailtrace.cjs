#!/usr/bin/env node
// The installed command. A mail filter starts mailtrace once per message, so start-up is most of its cost:
// - this file is CommonJS: an ES module entry costs Node ~8 ms more before any of our code runs;
// - the common runs (analyse one message, filter one) live in dist/fast.cjs, compiled from the V8 code cache that
//   `npm run build` recorded by running the sample message (bin/load-bundle.cjs). mailauth, needed only when DNS
//   work happens, is dist/mailauth.cjs with a cache of its own;
// - everything else (help, scan, completion, errors) is the full CLI in dist/main.mjs, loaded only then.
'use strict';
const { DIST, loadBundle } = require('./load-bundle.cjs');

// Node >= 22.1 caches compiled code of the ES modules and packages loaded below (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
require('node:module').enableCompileCache?.();

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
