// yargs quirks the scan command works around before parsing:
//   - a lone "-" is dropped from an array positional (yargs 18), yet "-" is how a path list on stdin is named;
//   - "-0" is read as the number -0 given to the preceding option, not as the -0 (--null) flag;
//   - yargs spends ~110 µs on every positional (0.8 s of main-thread CPU for `scan <7,200 files>`, measured with
//     --cpu-prof: checkAllAliases/setKey per token), all before the first worker starts.
// The first two are rewritten for the scan command only: "-" to a token no real path can be (it holds a NUL byte).
// For the third, a run of tokens that can only be inputs is set aside and replaced by one such token, which
// expandInputs puts back in place, in order.
export const STDIN_TOKEN = '\u0000stdin';

const RUN_TOKEN = '\u0000inputs:';
/** Runs of inputs set aside by rewriteScanArgv, by number. */
const runs: string[][] = [];

/**
 * A token is surely an input when neither it nor the token before it is a flag: every scan option takes one value
 * at most ('greedy-arrays' is off), so a word after a word is a positional. A word right after a flag may be that
 * flag's value, so it is left to yargs.
 */
function surelyInput(argv: readonly string[], i: number, at: number): boolean {
  return i > at && !argv[i]!.startsWith('-') && (i - 1 === at || !argv[i - 1]!.startsWith('-'));
}

export function rewriteScanArgv(argv: string[]): string[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at === -1 || argv[at] !== 'scan') return argv;
  const out: string[] = [];
  let literal = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (i <= at) {
      out.push(a);
      continue;
    }
    if (a === '--') literal = true;
    if (!literal && surelyInput(argv, i, at)) {
      let end = i + 1;
      while (end < argv.length && argv[end] !== '--' && surelyInput(argv, end, at)) end++;
      if (end - i >= 2) {
        out.push(`${RUN_TOKEN}${runs.push(argv.slice(i, end)) - 1}`);
        i = end - 1;
        continue;
      }
    }
    if (a === '-') out.push(STDIN_TOKEN);
    else if (a === '-0' && !literal) out.push('--null');
    else out.push(a);
  }
  return out;
}

/** The scan's inputs as given: runs set aside by rewriteScanArgv put back, "-" restored. */
export function expandInputs(inputs: readonly string[]): string[] {
  return inputs.flatMap((p) => {
    if (p === STDIN_TOKEN) return ['-'];
    if (p.startsWith(RUN_TOKEN)) return runs[Number(p.slice(RUN_TOKEN.length))] ?? [];
    return [p];
  });
}
