// The options of `mailtrace filter`, as one table that both yargs (help, completion, errors) and the fast
// start-up path (fast-path.ts) read, so the two can never disagree on a flag.
import type { CommonArgs } from './common.js';
import type { OptionTable } from './options.js';

/** Larger mail passes through unanalysed (with a header saying so): memory stays bounded whatever arrives. */
export const DEFAULT_FILTER_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_FILTER_TIMEOUT_SECONDS = 10;

export const FILTER_OPTIONS = {
  'authserv-id': { type: 'string', describe: 'authserv-id of our Authentication-Results (default: the host name)' },
  'exit-code': { type: 'boolean', default: false, describe: 'exit with the verdict (0 pass, 1 suspicious, 2 forged), like spamassassin -e' },
  timeout: { type: 'number', default: DEFAULT_FILTER_TIMEOUT_SECONDS, describe: 'seconds before giving up the analysis (the message still passes)' },
  'tempfail-on-error': { type: 'boolean', default: false, describe: 'exit 75 (EX_TEMPFAIL) when the message could not be analysed' },
  'max-size': { type: 'number', default: DEFAULT_FILTER_MAX_BYTES, describe: 'bytes; larger messages pass through unanalysed' },
} as const satisfies OptionTable;

export interface FilterArgs extends CommonArgs {
  authservId?: string;
  exitCode: boolean;
  timeout: number;
  tempfailOnError: boolean;
  maxSize: number;
}

export const FILTER_EXAMPLES: [string, string][] = [
  ['$0 filter < msg.eml > marked.eml', 'add Authentication-Results and X-Mailtrace-* headers'],
  [':0 fw\n| mailtrace filter', 'procmail recipe (see the README, "Mail filter")'],
  ['xfilter "mailtrace filter"', 'maildrop'],
  ['$0 filter --exit-code --authserv-id mx.example.org', 'exit with the verdict, as our own authserv-id'],
];
