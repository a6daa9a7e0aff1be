// What a command's escaped error becomes: a one-line message and an exit code, never a stack trace unless
// MAILTRACE_DEBUG is set. Each bundle (the fast path, the full CLI) runs its commands through its own copy, so
// `instanceof` always meets the classes that bundle throws.
import { EXIT } from '../verdict/index.js';
import { ArgumentError } from './common.js';
import { ConfigError } from './config.js';
import { safeInline } from '../render/sanitize.js';

/** Runs a command; its own result (undefined: "not mine") passes through, an error becomes an exit code. */
export async function exitCodeOf(command: () => Promise<number | undefined>): Promise<number | undefined> {
  try {
    return await command();
  } catch (err) {
    if (err instanceof ArgumentError || err instanceof ConfigError) {
      // They may quote a file's content: a --dns-replay file's names, a config key.
      process.stderr.write(`mailtrace: ${safeInline(err.message)}\n`);
      return EXIT.usage;
    }
    // A library's message may quote what it was given: a header's text, a host name from a message.
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mailtrace: internal error: ${safeInline(msg.split('\n')[0]!)}\n`);
    if (process.env.MAILTRACE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}
