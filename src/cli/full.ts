// The full CLI (dist/main.mjs): yargs, help, completion, scan, and every run the fast path leaves.
import { exitCodeOf } from './exit.js';
import { main } from './main.js';

export async function runMain(argv: string[]): Promise<number> {
  return (await exitCodeOf(() => main(argv))) ?? 0;
}
