// The command line: arguments in, exit code out. The only place (with its siblings) that touches the process.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT } from '../verdict/index.js';
import { runAnalyze, type AnalyzeArgs } from './analyze-command.js';
import { ConfigError } from './config.js';
import { ANALYZE_OPTIONS, COMMAND_NAMES, COMMON_OPTIONS, CONFLICTS, SCAN_OPTIONS } from './options.js';
import { FILTER_EXAMPLES, FILTER_OPTIONS, type FilterArgs } from './filter-options.js';
import type { ScanArgs } from './scan-command.js';
import { rewriteScanArgv } from './scan/argv.js';

const EXIT_CODES_HELP = `Exit codes:
  0   pass            no finding worth attention
  1   suspicious      findings an analyst should look at
  2   forged          strong evidence of forgery
  64  usage error     bad flags or arguments
  65  not a message   an input is empty, binary, or has no header section
  66  no input        a file is missing, unreadable or a directory
  70  internal error  a bug in mailtrace (please report it)
  74  output error    the output could not be written (a full disk, a file size limit)
With several inputs, a read or parse error wins over any verdict; otherwise the worst verdict decides.`;

const EXAMPLES: [string, string][] = [
  ['$0 suspicious.eml', 'readable report: hops, identities, authentication, findings, verdict'],
  ['$0 --json suspicious.eml', 'the same report as one JSON document'],
  ['cat msg.eml | $0 -', 'read the message from stdin'],
  ['$0 a.eml b.eml c.eml', 'several messages: one report each, in order'],
  ['$0 inbox.mbox', 'every message of an mbox, in order'],
  ['$0 report.eml', 'an abuse report or a forward: the original inside it (--unwrap none: the report itself)'],
  ['$0 --trust mx.example.org --trust 10.0.0.0/8 msg.eml', 'declare your own servers instead of inferring them'],
  ['$0 --offline msg.eml', 'no DNS at all: only the recorded Authentication-Results'],
  ['$0 --dns-replay answers.json msg.eml', 'reproducible run with recorded DNS answers'],
  ['$0 --explain msg.eml', 'say why each finding matters'],
];

const SCAN_EXAMPLES: [string, string][] = [
  ['$0 scan abuse/', 'a directory tree of .eml files and Maildirs, NDJSON on stdout'],
  ['$0 scan archive.mbox other.mbox', 'mbox files, streamed'],
  ['$0 scan --out results.ndjson --summary summary.json abuse/', 'lines to a file, summary as JSON'],
  ['find abuse -name "*.eml" -print0 | $0 scan -0 -', 'a NUL-separated list of paths on stdin'],
  ['zcat archive.mbox.gz | $0 scan -', 'mail on stdin: an mbox stream (or one message)'],
  ['$0 scan --resume state.json --out results.ndjson big.mbox', 'continue after a crash where it stopped'],
];

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  let exitCode: number = EXIT.pass;
  const parser = yargs(rewriteScanArgv(argv))
    .scriptName('mailtrace')
    // One value per flag: "--trust mx.example.net msg.eml" must not read msg.eml as a second trust entry.
    .parserConfiguration({ 'greedy-arrays': false })
    .usage('Usage: $0 [options] <file.eml|-> ...\n\nWhere did this message really come from, and is it forged?')
    .command<AnalyzeArgs>(
      ['analyze [files..]', '$0 [files..]'],
      'analyse messages and print a report (the default command)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'message files; "-" reads stdin' })
          .options(ANALYZE_OPTIONS as never)
          .example(EXAMPLES) as never,
      async (args) => {
        exitCode = await runAnalyze(args);
      },
    )
    .command<ScanArgs>(
      'scan <inputs..>',
      'scan directories, Maildirs, mbox files or a path list: one NDJSON/CSV line per message, and a summary',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, describe: 'files, directories, Maildirs, mbox files, globs; "-" reads stdin: a path list, an mbox or a message' })
          .options(SCAN_OPTIONS as never)
          .example(SCAN_EXAMPLES) as never,
      async (args) => {
        const { runScan } = await import('./scan-command.js');
        exitCode = await runScan(args);
      },
    )
    .command<FilterArgs>(
      'filter',
      'mail filter: read one message on stdin, write it to stdout with Authentication-Results and X-Mailtrace-* headers',
      (y) =>
        y
          .options(FILTER_OPTIONS as never)
          .example(FILTER_EXAMPLES)
          .check((argv: { _: unknown[] }) => {
            if (argv._.length > 1) throw new UsageError('filter reads the message on stdin and takes no file: mailtrace filter < msg.eml');
            return true;
          }) as never,
      async (args) => {
        const { runFilterProcess } = await import('./filter-main.js');
        await runFilterProcess(args);
      },
    )
    .options(COMMON_OPTIONS as never)
    .parserConfiguration({ 'greedy-arrays': false }) // "--trust mx.example.org msg.eml": msg.eml is a file, not a second host
    // An explicit command: yargs' own completion command would also run the default command with "completion" as a file.
    .command('completion', 'print a shell completion script (bash/zsh): mailtrace completion >> ~/.bashrc', {}, () => {
      parser.showCompletionScript();
    })
    .completion('__completion', false)
    .epilogue(EXIT_CODES_HELP)
    .strictOptions()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err instanceof ConfigError) throw err;
      if (err) throw err;
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: format, ..."): one line, like every error.
      throw new UsageError(msg.replace(/\s*\n\s*/g, ' '));
    });
  for (const [option, others] of CONFLICTS) parser.conflicts(option, [...others]);
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`mailtrace: ${err.message}\n${err instanceof UsageError ? `Run "${helpCommand(argv)}" for usage.\n` : ''}`);
      return EXIT.usage;
    }
    throw err;
  }
  return exitCode;
}

/** The help that covers the command given: a filter's or a scan's own options are not in the main help. */
function helpCommand(argv: readonly string[]): string {
  const command = argv[0];
  return command && command !== 'completion' && COMMAND_NAMES.includes(command) ? `mailtrace ${command} --help` : 'mailtrace --help';
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}
