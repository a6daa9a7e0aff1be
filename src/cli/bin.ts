// Process entry: run main, map any escaped error to a one-line message and exit 70 (never a stack trace
// unless MAILTRACE_DEBUG is set). The common runs take the fast path (no yargs); main.ts (yargs) loads only for
// the rest: help, completion, errors, other commands.
import { EXIT } from '../verdict/index.js';
import { ArgumentError } from './common.js';
import { ConfigError } from './config.js';
import { runFastPath } from './fast-path.js';

async function run(argv: string[]): Promise<number> {
  try {
    const code = await runFastPath(argv);
    if (code !== undefined) return code;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`mailtrace: ${err.message}\n`);
    return EXIT.usage;
  }
  const { main } = await import('./main.js');
  return main(argv);
}

run(process.argv.slice(2)).then(
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
