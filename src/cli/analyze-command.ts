// `mailtrace [files..]`: read each input, analyse it, print its report, fold the exit codes.
import { analyze } from '../analyze.js';
import { NotAMessageError } from '../message/parse.js';
import { DnsConfigError, SnapshotError, openDns, type DnsOptions, type DnsSession } from '../dns/index.js';
import { renderHuman } from '../render/human.js';
import { renderJson } from '../render/json.js';
import { safeInline } from '../render/sanitize.js';
import type { AnalyzeOptions, Report } from '../types.js';
import { EXIT } from '../verdict/index.js';
import { loadConfig } from './config.js';
import { InputError, readInput } from './read-input.js';
import { parseAt, type CommonArgs } from './common.js';

export interface AnalyzeArgs extends CommonArgs {
  files?: string[];
  json: boolean;
  explain: boolean;
  color: 'auto' | 'always' | 'never';
}

interface ErrorRecord {
  source: { path: string };
  error: { code: number; message: string };
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
  const config = loadConfig(args.config);
  const at = parseAt(args.at);
  let dns: DnsSession | undefined;
  try {
    dns = args.offline
      ? undefined
      : await openDns({
          ...(args.dnsServer ?? config.dnsServers ? { servers: args.dnsServer ?? config.dnsServers } : {}),
          ...(args.dnsTimeout !== undefined ? { timeoutMs: args.dnsTimeout } : {}),
          ...(args.dnsRecord ? { recordPath: args.dnsRecord } : {}),
          ...(args.dnsReplay ? { replayPath: args.dnsReplay } : {}),
        } satisfies DnsOptions);
  } catch (err) {
    if (!(err instanceof DnsConfigError || err instanceof SnapshotError)) throw err;
    process.stderr.write(`mailtrace: ${safeInline(err.message)}\n`);
    return err instanceof SnapshotError && err.reason === 'missing' ? EXIT.noInput : EXIT.usage;
  }
  const base: AnalyzeOptions = {
    trust: [...(config.trust ?? []), ...(args.trust ?? [])],
    authservIds: [...(config.authservIds ?? []), ...(args.trustAuthservId ?? [])],
    offline: Boolean(args.offline) || !dns,
    ...(at ? { at } : {}),
    ...((args.skew ?? config.skewSeconds) !== undefined ? { skewSeconds: args.skew ?? config.skewSeconds } : {}),
    deps: {},
  };
  const color = useColor(args.color);
  const width = process.stdout.columns || 120;
  const jsonItems: (Report | ErrorRecord)[] = [];
  let exit: number = EXIT.pass;
  for (const path of files) {
    try {
      const raw = await readInput(path);
      // One DNS view per message: the run's cache is shared, the report lists only this message's answers.
      const view = dns?.view();
      const deps = view ? { ...base.deps, resolver: view.resolver, dnsLog: view.log } : base.deps;
      const report = await analyze(raw.bytes, { ...base, source: raw.source, deps });
      exit = foldExit(exit, report.exitCode);
      if (args.json) jsonItems.push(report);
      else process.stdout.write(renderHuman(report, { color, explain: args.explain, width }) + (files.length > 1 ? '\n' : ''));
    } catch (err) {
      const code = err instanceof InputError ? err.exitCode : err instanceof NotAMessageError ? EXIT.notAMessage : undefined;
      if (code === undefined) throw err;
      const name = path === '-' ? '(stdin)' : path;
      process.stderr.write(`mailtrace: ${safeInline(name)}: ${(err as Error).message}\n`);
      exit = foldExit(exit, code);
      if (args.json) jsonItems.push({ source: { path: name }, error: { code, message: (err as Error).message } });
    }
  }
  try {
    await dns?.close();
  } catch (err) {
    // Only writing the --dns-record file can fail here (its folder was checked at start): say so, keep the reports.
    process.stderr.write(`mailtrace: --dns-record ${safeInline(args.dnsRecord ?? '')}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    exit = foldExit(exit, EXIT.internal);
  }
  if (args.json) {
    const reports = jsonItems.filter((i): i is Report => 'schemaVersion' in i);
    if (files.length === 1) {
      if (reports[0]) process.stdout.write(renderJson(reports[0]));
    } else process.stdout.write(JSON.stringify(jsonItems, null, 2) + '\n');
  }
  return exit;
}
