// `mailtrace [files..]`: read each input, analyse each message in it (the original inside a report), print the
// reports, fold the exit codes.
import { analyze } from '../analyze.js';
import { NotAMessageError } from '../message/parse.js';
import { DnsConfigError, SnapshotError } from '../dns/index.js';
import { jsonItemsWriter } from '../render/json.js';
import { errorRecord, type ScanErrorCode } from '../render/ndjson.js';
import { safeInline } from '../render/sanitize.js';
import type { Source, UnwrapMode } from '../types.js';
import { EXIT } from '../verdict/index.js';
import { InputError, inputMessages } from './read-input.js';
import type { InputItem } from '../input/index.js';
import { ArgumentError, openAnalysis, type AnalysisSetup, type CommonArgs } from './common.js';
import { describeWriteError } from '../write-target.js';
import { streamOutput } from './scan/output.js';
import { standardOutput } from './stdout.js';

export interface AnalyzeArgs extends CommonArgs {
  files?: string[];
  json: boolean;
  explain: boolean;
  color: 'auto' | 'always' | 'never';
  unwrap: UnwrapMode;
}

function useColor(mode: AnalyzeArgs['color']): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}

/** Worst outcome first: an input error outranks any verdict. */
function foldExit(current: number, next: number): number {
  const rank = (c: number) => (c >= 64 ? 100 + c : c);
  return rank(next) > rank(current) ? next : current;
}

export async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const files = args.files?.length ? args.files : process.stdin.isTTY ? [] : ['-'];
  if (files.length === 0) {
    process.stderr.write('mailtrace: no input: name a file, or "-" for stdin. Run "mailtrace --help" for usage.\n');
    return EXIT.usage;
  }
  // The explanations are words for the table; JSON carries the finding ids they explain. Both together used to drop
  // the explanations without a word.
  if (args.explain && args.json) throw new ArgumentError('--explain is for the table, not --json (the README explains every finding id)');
  // A second "-" found stdin already read to its end, and reported it as an empty message.
  if (files.indexOf('-') !== files.lastIndexOf('-')) throw new ArgumentError('"-" (stdin) can be named only once');
  let setup: AnalysisSetup;
  try {
    setup = await openAnalysis(args);
  } catch (err) {
    if (!(err instanceof DnsConfigError || err instanceof SnapshotError)) throw err;
    process.stderr.write(`mailtrace: ${safeInline(err.message)}\n`);
    return err instanceof SnapshotError && err.reason === 'missing' ? EXIT.noInput : EXIT.usage;
  }
  const color = useColor(args.color);
  // Tables are fitted to a terminal, or to $COLUMNS when the output goes elsewhere (`COLUMNS=100 mailtrace x | less`).
  const width = process.stdout.columns || positiveInteger(process.env.COLUMNS);
  // The human renderer pulls in cli-table3: loaded only when a table is printed (not for --json).
  const renderHuman = args.json ? undefined : (await import('../render/human.js')).renderHuman;
  // Each report is pushed out, and the pipe's reader keeps up, before the next message is read: an mbox piped into
  // `less` or `jq` must not queue its reports in memory. The reader going away (`| head`) stops the run quietly.
  const output = streamOutput(standardOutput());
  const json = args.json ? jsonItemsWriter((text) => output.write(text), files.length === 1) : undefined;
  let exit: number = EXIT.pass;
  let printed = 0;
  // The same error records as a scan's (render/ndjson.ts), so --json output reads like scan output.
  const fail = (name: string, source: Source, code: ScanErrorCode, message: string) => {
    process.stderr.write(`mailtrace: ${safeInline(name)}: ${message}\n`);
    const record = errorRecord(source, code, message);
    exit = foldExit(exit, record.exitCode);
    json?.add(record);
  };
  for (const path of files) {
    if (output.stopped) break;
    const name = path === '-' ? '(stdin)' : path;
    let messages: AsyncIterable<InputItem>;
    try {
      messages = await inputMessages(path);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      fail(name, { kind: 'file', path }, err.code, err.message);
      continue;
    }
    // An mbox holds many messages: each is analysed and reported, in file order, none silently left out.
    for await (const item of messages) {
      if (output.stopped) break;
      const where = item.source.index !== undefined ? `${name} message ${item.source.index + 1}` : name;
      if (!item.bytes) {
        fail(where, item.source, item.error!.code, item.error!.message);
        continue;
      }
      try {
        injectedFault(process.env.MAILTRACE_ANALYZE_FAULT, item.source);
        const report = await analyze(item.bytes, { ...setup.base, unwrap: args.unwrap, source: item.source, deps: setup.messageDeps() });
        exit = foldExit(exit, report.exitCode);
        if (json) json.add(report);
        else output.write((printed++ ? '\n' : '') + renderHuman!(report, { color, explain: args.explain, width }));
      } catch (err) {
        // A bug met on one message is that message's error record (exit 70), as in a scan: it used to end the run,
        // leaving the inputs after it unread and a --json array without its closing bracket.
        if (err instanceof NotAMessageError) fail(where, item.source, 'not-a-message', err.message);
        else fail(where, item.source, 'internal', `internal error: ${safeInline(firstLine(err)).slice(0, 500)}`);
      }
      await output.flush(false);
    }
  }
  try {
    await setup.close();
  } catch (err) {
    // Only writing the --dns-record file can fail here (its folder was checked at start): say so, keep the reports.
    process.stderr.write(`mailtrace: --dns-record ${safeInline(args.dnsRecord ?? '')}: cannot write it (${describeWriteError(err as NodeJS.ErrnoException)})\n`);
    exit = foldExit(exit, EXIT.ioError);
  }
  // One message in: its report, as a document. Several (files, or an mbox): an array with one item each.
  json?.end();
  await output.close();
  // A file or device as stdout that fails (a full disk); a pipe's reader leaving (EPIPE) is no failure.
  if (output.failure) {
    process.stderr.write(`mailtrace: stdout: cannot write the report (${describeWriteError(output.failure)})\n`);
    exit = foldExit(exit, EXIT.ioError);
  }
  return exit;
}

function firstLine(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/**
 * A test hook, as the filter's MAILTRACE_FILTER_FAULT: "throw-on-file:NAME" fails the analysis of the input whose
 * path ends with NAME, as a bug would, so the tests can prove the other inputs are still reported.
 */
function injectedFault(fault: string | undefined, source: Source): void {
  if (!fault?.startsWith('throw-on-file:') || !source.path?.endsWith(fault.slice('throw-on-file:'.length))) return;
  throw new Error(`injected fault (MAILTRACE_ANALYZE_FAULT=${fault})`);
}

function positiveInteger(text: string | undefined): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
