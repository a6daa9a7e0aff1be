// yargs quirks the scan command works around before parsing:
//   - a lone "-" is dropped from an array positional (yargs 18), yet "-" is how a path list on stdin is named;
//   - "-0" is read as the number -0 given to the preceding option, not as the -0 (--null) flag.
// Both are rewritten for the scan command only: "-" to a token no real path can be (it holds a NUL byte).
export const STDIN_TOKEN = '\u0000stdin';

export function rewriteScanArgv(argv: string[]): string[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at === -1 || argv[at] !== 'scan') return argv;
  let literal = false;
  return argv.map((a, i) => {
    if (i <= at) return a;
    if (a === '--') literal = true;
    if (a === '-') return STDIN_TOKEN;
    if (a === '-0' && !literal) return '--null';
    return a;
  });
}
