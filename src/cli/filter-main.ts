// `mailtrace filter` as a process: run the filter, then exit as soon as the message is written. An analysis cut
// off by the deadline may still hold DNS sockets or timers open; the mail is out, so nothing else matters.
import { runFilter } from './filter-command.js';
import type { FilterArgs } from './filter-options.js';
import { standardOutput } from './stdout.js';

export async function runFilterProcess(args: FilterArgs): Promise<never> {
  // A reader that goes away (EPIPE) is reported by runFilter through the write callback; this listener only keeps
  // a late 'error' event from becoming an uncaught exception.
  standardOutput().on('error', () => {});
  const code = await runFilter(args);
  process.exit(code);
}
