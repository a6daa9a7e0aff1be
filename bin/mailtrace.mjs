#!/usr/bin/env node
// The installed command. The code lives in dist/ (built by `npm run build`, run by `npm install` too).
import module from 'node:module';

// Node >= 22.1 can keep compiled code between runs; a mail filter starts mailtrace once per message, so every start
// counts. Node 20 has no such cache (the call is absent); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();

import('../dist/cli.mjs').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.mjs')) {
    process.stderr.write('mailtrace: not built yet: run "npm install" (or "npm run build") in the mailtrace folder\n');
    process.exit(70);
  }
  throw err;
});
