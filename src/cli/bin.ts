// Process entry: run main, map any escaped error to a one-line message and exit 70 (never a stack trace
// unless MAILTRACE_DEBUG is set).
import { main } from './main.js';
import { EXIT } from '../verdict/index.js';
import { ArgumentError } from './common.js';

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ArgumentError) {
      process.stderr.write(`mailtrace: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mailtrace: internal error: ${msg.split('\n')[0]}\n`);
    if (process.env.MAILTRACE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT.internal;
  },
);
