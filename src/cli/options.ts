// The command-line options as plain tables, without yargs: yargs builds help, completion and error messages from
// them, and the fast start-up path (fast-path.ts) parses the common runs from the same tables without loading
// yargs at all (yargs costs ~50 ms of a ~30 ms Node start).

export interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  array?: boolean;
  default?: string | boolean | number;
  choices?: readonly string[];
  /** A one-letter alias ("-o"). */
  alias?: string;
  describe: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  config: { type: 'string', describe: 'site config JSON (default $XDG_CONFIG_HOME/mailtrace/config.json)' },
  trust: { type: 'string', array: true, describe: 'your own server: host name, domain, IP or CIDR (repeatable)' },
  'trust-authserv-id': { type: 'string', array: true, describe: 'authserv-id whose Authentication-Results you trust (repeatable)' },
  skew: { type: 'number', describe: 'clock skew allowed between hops, seconds (default 300)' },
  // No default: yargs counts a defaulted option as given, so `.conflicts('offline', 'dns-server')` would refuse
  // every --dns-server run.
  offline: { type: 'boolean', describe: 'no DNS: use only the recorded Authentication-Results' },
  'dns-server': { type: 'string', array: true, describe: "resolver host[:port] or [IPv6]:port to query instead of the system's (repeatable)" },
  'dns-record': { type: 'string', describe: 'save every DNS answer used to this JSON file' },
  'dns-replay': { type: 'string', describe: 'answer DNS only from this JSON file' },
  'dns-timeout': { type: 'number', describe: 'DNS timeout of the first try in ms (default 500; a lookup gives up after 3× this)' },
  at: { type: 'string', describe: 'evaluate as of this time (default: the boundary hop time)' },
} as const satisfies OptionTable;

/**
 * Options pairs that exclude each other: [option, options it conflicts with]. A replayed or offline run asks no
 * server, so a --dns-server or --dns-timeout beside it was ignored without a word, garbage ("--dns-server x!") too.
 */
export const CONFLICTS: readonly [string, readonly string[]][] = [
  ['dns-replay', ['dns-record', 'dns-server', 'dns-timeout']],
  ['offline', ['dns-replay', 'dns-record', 'dns-server', 'dns-timeout']],
];

/** Reports and forwards: analyse the original inside (the default command and scan alike; never the filter). */
export const UNWRAP_OPTION = {
  type: 'string',
  choices: ['all', 'arf', 'none'],
  default: 'all',
  describe: 'analyse the original inside ARF reports, forwarded attachments and bounces (arf: ARF only; none: never)',
} as const satisfies OptionSpec;

/** Options of the default command (analyze). */
export const ANALYZE_OPTIONS = {
  json: { type: 'boolean', default: false, describe: 'print the report as JSON (schemaVersion 1)' },
  explain: { type: 'boolean', default: false, describe: 'explain why each finding matters' },
  color: { type: 'string', choices: ['auto', 'always', 'never'], default: 'auto', describe: 'colour (auto: only on a TTY without NO_COLOR)' },
  unwrap: UNWRAP_OPTION,
} as const satisfies OptionTable;

/** Options of `scan` (besides the common ones). */
export const SCAN_OPTIONS = {
  out: { alias: 'o', type: 'string', describe: 'write the lines to FILE (default stdout)' },
  format: { type: 'string', choices: ['ndjson', 'csv'], default: 'ndjson', describe: 'output format' },
  summary: { type: 'string', describe: 'write the summary as JSON to FILE' },
  jobs: { alias: 'j', type: 'number', describe: 'worker threads (default: one per core)' },
  resume: { type: 'string', describe: 'checkpoint progress to FILE; rerun with it to continue after a crash (needs --out)' },
  null: { alias: '0', type: 'boolean', default: false, describe: 'the path list on stdin is NUL-separated (find -print0)' },
  unwrap: UNWRAP_OPTION,
  timeout: { type: 'number', default: 30, describe: 'seconds allowed per message before it is an error record (at most 3600)' },
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'no progress line and no summary table on stderr' },
} as const satisfies OptionTable;

/**
 * Every command name yargs knows. The fast path never takes a first argument from this list for a file name;
 * test/cli/fast-path.test.ts checks it against `mailtrace --help`.
 */
export const COMMAND_NAMES: readonly string[] = ['analyze', 'filter', 'scan', 'completion'];
