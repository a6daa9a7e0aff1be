#!/usr/bin/env node
// The installed command. The code lives in dist/ (built by `npm run build`, run by `npm install` too).
import('../dist/cli.mjs').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.mjs')) {
    process.stderr.write('mailtrace: not built yet: run "npm install" (or "npm run build") in the mailtrace folder\n');
    process.exit(70);
  }
  throw err;
});
