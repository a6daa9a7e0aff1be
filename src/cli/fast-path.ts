// The fast start-up path. A mail filter starts mailtrace once per message, and yargs alone costs more than a bare
// Node start (~50 ms bundled against ~30 ms), so the common runs (`mailtrace [--json ...] file`, `mailtrace filter
// ...`, `mailtrace scan ...`) are parsed here with node:util's parseArgs from the same option tables yargs uses.
// Anything this parser is unsure of (help, version, completion, an unknown or malformed flag, conflicting flags,
// another command) returns undefined, and main.ts runs yargs as usual: yargs stays the authority on errors and help.
import { parseArgs } from 'node:util';
import { exitCodeOf } from './exit.js';
import { ANALYZE_OPTIONS, COMMAND_NAMES, COMMON_OPTIONS, CONFLICTS, SCAN_OPTIONS, type OptionTable } from './options.js';
import { FILTER_OPTIONS, type FilterArgs } from './filter-options.js';
import type { AnalyzeArgs } from './analyze-command.js';
import type { ScanArgs } from './scan-command.js';

export interface FastParse {
  /** Values by camelCase option name, defaults applied. */
  values: Record<string, unknown>;
  positionals: string[];
}

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parse argv against a table, or undefined when yargs should decide (anything unknown, invalid or conflicting). */
export function parseWithTable(argv: string[], table: OptionTable): FastParse | undefined {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(table)) {
    const short = 'alias' in spec && spec.alias ? { short: spec.alias } : {};
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.array ? { multiple: true } : {}), ...short };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch {
    return undefined;
  }
  const given = parsed.values as Record<string, string | boolean | string[] | undefined>;
  for (const [option, others] of CONFLICTS) if (given[option] !== undefined && others.some((o) => given[o] !== undefined)) return undefined;
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    const raw = given[name];
    let value: unknown = raw ?? spec.default;
    if (raw !== undefined && spec.type === 'number') {
      value = Number(raw);
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) return undefined;
    }
    if (raw !== undefined && spec.choices && !spec.choices.includes(String(raw))) return undefined;
    if (value !== undefined) values[camelCase(name)] = value;
  }
  return { values, positionals: parsed.positionals };
}

/** Run the command when argv is one of the common forms; undefined to let yargs handle it. */
export async function runFastPath(argv: string[]): Promise<number | undefined> {
  if (argv[0] === 'scan') {
    const parsed = parseWithTable(argv.slice(1), { ...COMMON_OPTIONS, ...SCAN_OPTIONS });
    if (!argv.some((a) => a === '--help' || a === '-h' || a === '--version')) {
      // Its workers boot while the rest of the start-up runs (start-worker.ts). Loaded only for a scan: worker_threads
      // and v8 are no part of a filter's start-up. When yargs is to parse, one per core is a guess the pool corrects.
      const { prestartScanWorkers } = await import('./scan/start-worker.js');
      prestartScanWorkers(parsed?.values.jobs as number | undefined);
    }
    if (!parsed || parsed.positionals.length === 0) return undefined;
    const { runScan } = await import('./scan-command.js');
    return runScan({ ...(parsed.values as unknown as ScanArgs), inputs: parsed.positionals });
  }
  if (argv[0] === 'filter') {
    const parsed = parseWithTable(argv.slice(1), { ...COMMON_OPTIONS, ...FILTER_OPTIONS });
    if (!parsed || parsed.positionals.length > 0) return undefined;
    const { runFilterProcess } = await import('./filter-main.js');
    return runFilterProcess(parsed.values as unknown as FilterArgs);
  }
  const rest = argv[0] === 'analyze' ? argv.slice(1) : argv;
  const parsed = parseWithTable(rest, { ...COMMON_OPTIONS, ...ANALYZE_OPTIONS });
  if (!parsed) return undefined;
  // A first word that names a command is that command, as in yargs; never a file name here.
  if (rest === argv && parsed.positionals[0] !== undefined && COMMAND_NAMES.includes(parsed.positionals[0])) return undefined;
  const { runAnalyze } = await import('./analyze-command.js');
  return runAnalyze({ ...(parsed.values as unknown as AnalyzeArgs), files: parsed.positionals });
}

/**
 * The entry of dist/fast.cjs (loaded by bin/mailtrace.cjs with its code cache): a fast run with its errors mapped
 * to exit codes, or undefined ("not mine") for the full CLI.
 */
export function runFast(argv: string[]): Promise<number | undefined> {
  return exitCodeOf(() => runFastPath(argv));
}
