// The fast bundle (dist/fast.cjs), loaded by bin/mailtrace.cjs with a V8 code cache: the common runs (analyse a
// message, filter one) without yargs. Anything else is "not mine" (undefined) and goes to the full CLI.
import { exitCodeOf } from './exit.js';
import { runFastPath } from './fast-path.js';

export function runFast(argv: string[]): Promise<number | undefined> {
  return exitCodeOf(() => runFastPath(argv));
}
