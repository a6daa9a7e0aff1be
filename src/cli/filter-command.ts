// `mailtrace filter`: one message on stdin, the same message on stdout with our header fields at the top.
// A mail filter must never lose mail: whatever happens inside (a DNS outage, a bug, a timeout, input that is not
// a message), every byte read is written back out. Only the exit code and one added field say what went wrong.
import { readSync } from 'node:fs';
import { hostname } from 'node:os';
import { analyze } from '../analyze.js';
import { DnsConfigError, SnapshotError } from '../dns/index.js';
import { NotAMessageError, DEFAULT_MAX_HEADER_BYTES } from '../message/parse.js';
import { applyRewrite, errorHeader, filterHeaders, isValidAuthservId, planRewrite, type Eol, type Rewrite } from '../render/filter-headers.js';
import type { Report } from '../types.js';
import { EXIT } from '../verdict/index.js';
import { ArgumentError, openAnalysis } from './common.js';
import { ConfigError } from './config.js';
import { safeInline } from '../render/sanitize.js';
import { DEFAULT_FILTER_MAX_BYTES, type FilterArgs } from './filter-options.js';
import { standardOutput } from './stdout.js';

/** sysexits.h EX_IOERR: stdin or stdout failed, so the message could not be passed on whole. */
export const EX_IOERR = EXIT.ioError;

export interface FilterIo {
  stdin: AsyncIterable<Buffer | string>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): FilterIo => ({ stdin: processStdin(), stdout: standardOutput(), stderr: process.stderr, env: process.env });

const STDIN_CHUNK = 64 * 1024;

/**
 * Standard input, read with blocking reads of fd 0 while they work: creating process.stdin's stream costs every
 * filter run ~6 ms of start-up (callgrind: 112M against 93M instructions for one message), and a filter has
 * nothing else to do while it waits. A non-blocking stdin (EAGAIN) goes on through the stream, from where the
 * reads stopped.
 */
async function* processStdin(): AsyncGenerator<Buffer> {
  for (;;) {
    const chunk = Buffer.allocUnsafe(STDIN_CHUNK);
    let n: number;
    try {
      n = readSync(0, chunk, 0, STDIN_CHUNK, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      break;
    }
    if (n === 0) return;
    yield n === STDIN_CHUNK ? chunk : chunk.subarray(0, n);
  }
  yield* process.stdin as AsyncIterable<Buffer>;
}

/** Why a message was not analysed; becomes X-Mailtrace-Error. */
class NotAnalysed extends Error {
  override readonly name = 'NotAnalysed';
}

export async function runFilter(args: FilterArgs, io: FilterIo = defaultIo()): Promise<number> {
  const maxBytes = Number.isFinite(args.maxSize) && args.maxSize >= 1 ? Math.floor(args.maxSize) : DEFAULT_FILTER_MAX_BYTES;
  let input: BoundedInput;
  try {
    input = await readBounded(io.stdin, maxBytes);
  } catch (err) {
    // Part of the message is gone with stdin: no output can be whole, so say so loudly (the MTA keeps the mail).
    io.stderr.write(`mailtrace filter: cannot read stdin: ${(err as Error).message}\n`);
    return EX_IOERR;
  }
  const authservId = args.authservId ?? safeHostname();
  const outcome = input.rest
    ? { added: (eol: Eol) => errorHeader(`message larger than ${maxBytes} bytes: passed through unanalysed`, eol), exit: EXIT.pass }
    : await analyseForFilter(input.head, args, authservId, io);
  const chunks = rewrite(input.head, authservId, outcome, !input.rest);
  try {
    for (const chunk of chunks) await write(io.stdout, chunk);
    if (input.rest) for await (const chunk of input.rest) await write(io.stdout, toBuffer(chunk));
  } catch (err) {
    io.stderr.write(`mailtrace filter: cannot write the message: ${(err as Error).message}\n`);
    return EX_IOERR;
  }
  return outcome.exit;
}

interface Outcome {
  /** The fields to add, given the message's line ending. */
  added: (eol: Eol) => string;
  exit: number;
  /**
   * Added only when the input starts with a header field: on top of anything else, our field would turn the input's
   * first line into a body. Forged fields are removed all the same.
   */
  onlyWithFields?: true;
}

/** Analyse within the deadline. */
async function analyseForFilter(raw: Buffer, args: FilterArgs, authservId: string, io: FilterIo): Promise<Outcome> {
  const failed = (reason: string): Outcome => {
    io.stderr.write(`mailtrace filter: not analysed: ${safeInline(reason)}\n`);
    return { added: (eol) => errorHeader(`not analysed: ${reason}`, eol), exit: args.tempfailOnError ? EXIT.tempFail : EXIT.pass };
  };
  const invalid = invalidOption(args, authservId);
  if (invalid) return failed(invalid);
  let report: Report;
  try {
    report = await withDeadline(analyseOnce(raw, args, io), args.timeout);
  } catch (err) {
    // Not a message (binary, no header field of mail...): still rewritten when it has header fields at all, for a
    // field a sender planted must go whether or not we could analyse the rest (one NUL byte made it "binary").
    if (err instanceof NotAMessageError) {
      io.stderr.write(`mailtrace filter: not analysed: ${safeInline(err.message)}\n`);
      return { added: (eol) => errorHeader(`not analysed: ${err.message}`, eol), exit: EXIT.pass, onlyWithFields: true };
    }
    return failed(reasonFor(err));
  }
  const undetermined = undeterminedByDns(report);
  if (undetermined) return failed(undetermined);
  return { added: (eol) => filterHeaders(report, authservId, eol), exit: args.exitCode ? report.exitCode : EXIT.pass };
}

/**
 * Why DNS left the verdict undetermined, if it did: auth.dmarc-undetermined (DMARC temperror: a resolver outage, the
 * From domain's servers down, an aligned key or SPF record that did not come). 'pass' then would wave a spoof of a
 * p=reject domain through for as long as the outage lasts: a DNS outage is a failure inside, said as "not analysed",
 * so that --tempfail-on-error has the MTA retry later. A message forged on other evidence stays forged.
 */
function undeterminedByDns(report: Report): string | undefined {
  if (report.verdict === 'forged') return undefined;
  const finding = report.findings.find((f) => f.id === 'auth.dmarc-undetermined');
  return finding ? safeInline(`DNS failure: ${finding.title}`).slice(0, 300) : undefined;
}

/**
 * A bad option value is a configuration error like a bad config file: said in X-Mailtrace-Error on every message
 * (and 75 with --tempfail-on-error), never a message lost; it used to fall back to the default without a word.
 */
function invalidOption(args: FilterArgs, authservId: string): string | undefined {
  if (!isValidAuthservId(authservId)) return `--authserv-id must be a single token, got ${JSON.stringify(authservId).slice(0, 80)}`;
  if (!(Number.isFinite(args.timeout) && args.timeout > 0)) return `configuration error: --timeout must be a positive number of seconds`;
  if (!(Number.isFinite(args.maxSize) && args.maxSize >= 1)) return `configuration error: --max-size must be a positive number of bytes`;
  return undefined;
}

function reasonFor(err: unknown): string {
  if (err instanceof NotAnalysed) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConfigError || err instanceof ArgumentError || err instanceof DnsConfigError || err instanceof SnapshotError) {
    return `configuration error: ${message}`;
  }
  return `internal error: ${message}`;
}

async function analyseOnce(raw: Buffer, args: FilterArgs, io: FilterIo): Promise<Report> {
  await injectedFault(io.env.MAILTRACE_FILTER_FAULT);
  const setup = await openAnalysis(args, (warning) => io.stderr.write(`mailtrace filter: ${safeInline(warning)}\n`));
  const report = await analyze(raw, { ...setup.base, source: { kind: 'stdin' }, binaryHeader: 'analyse', deps: setup.messageDeps() });
  // Only writing a --dns-record file can fail here; the analysis stands.
  await setup.close().catch((err: Error) => io.stderr.write(`mailtrace filter: --dns-record: ${err.message}\n`));
  return report;
}

/**
 * A test hook, so the tests can prove the message survives an internal failure: "throw" fails the analysis,
 * "hang" never finishes it (the deadline must fire).
 */
async function injectedFault(fault: string | undefined): Promise<void> {
  if (fault === 'throw') throw new Error('injected fault (MAILTRACE_FILTER_FAULT=throw)');
  if (fault === 'hang') await new Promise(() => setInterval(() => {}, 60_000));
}

/** Reject with NotAnalysed when the work takes longer than the deadline; the timer never holds the process open. */
function withDeadline<T>(work: Promise<T>, seconds: number): Promise<T> {
  // invalidOption has refused a timeout that is not a positive number. setTimeout takes at most 2^31-1 ms, and
  // fires at once (with a warning) beyond.
  const ms = Math.min(2 ** 31 - 1, Math.max(1, Math.round(seconds * 1000)));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotAnalysed(`timeout: analysis took longer than ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Insert our fields and remove forged ones, in the whole header section (not only the part the analysis reads).
 * Should planning itself fail (a bug), the message still passes: our fields go on top of the unchanged bytes.
 */
function rewrite(raw: Buffer, authservId: string, outcome: Outcome, complete: boolean): Uint8Array[] {
  let plan: Rewrite;
  try {
    plan = planRewrite(raw, authservId, DEFAULT_MAX_HEADER_BYTES, complete);
  } catch (err) {
    plan = { insertAt: 0, removed: [], eol: '\n', fields: 0 };
    return applyRewrite(raw, plan, errorHeader(`forged-header removal failed: ${(err as Error).message}`, plan.eol));
  }
  return applyRewrite(raw, plan, outcome.onlyWithFields && plan.fields === 0 ? '' : outcome.added(plan.eol));
}

interface BoundedInput {
  /** The whole message, or, when it is larger than maxBytes, what was read up to and including the chunk that crossed it. */
  head: Buffer;
  /** When larger: the rest of stdin, still unread, to stream through without holding it in memory. */
  rest?: AsyncIterator<Buffer | string> & AsyncIterable<Buffer | string>;
}

async function readBounded(stdin: AsyncIterable<Buffer | string>, maxBytes: number): Promise<BoundedInput> {
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = stdin[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(chunks, total) };
    let chunk = toBuffer(next.value);
    chunks.push(chunk);
    total += chunk.length;
    if (total > maxBytes) {
      // Read on to the end of the line the cut falls in (at most LINE_END_READ more): the removal of planted fields
      // then never sees half a line, nor a CR whose LF is still unread.
      for (let extra = 0; chunk[chunk.length - 1] !== 10 && extra < LINE_END_READ; ) {
        const more = await iterator.next();
        if (more.done) break; // still over --max-size: passed through unanalysed all the same
        const piece = toBuffer(more.value);
        const end = piece.indexOf(10);
        const take = end === -1 ? piece : piece.subarray(0, end + 1);
        chunks.push(take);
        total += take.length;
        extra += take.length;
        if (end !== -1) {
          const left = piece.subarray(end + 1);
          const rest = restAfter(left, iterator);
          return { head: Buffer.concat(chunks, total), rest };
        }
        chunk = take;
      }
      return { head: Buffer.concat(chunks, total), rest: restAfter(Buffer.alloc(0), iterator) };
    }
  }
}

/** How far past --max-size the read goes on to the end of a line. */
const LINE_END_READ = 1024 * 1024;

/** The rest of stdin: `first` (what was read past a line's end), then the unread chunks. */
function restAfter(first: Buffer, iterator: AsyncIterator<Buffer | string>): AsyncIterator<Buffer | string> & AsyncIterable<Buffer | string> {
  let pending: Buffer | undefined = first.length ? first : undefined;
  return {
    next: () => {
      if (pending) {
        const value = pending;
        pending = undefined;
        return Promise.resolve({ done: false, value });
      }
      return iterator.next();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
}

/** Write one chunk and wait until it is handed to the OS (or fails: EPIPE when the reader went away). */
function write(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    stream.once('error', onError);
    stream.write(chunk, (err) => {
      stream.removeListener('error', onError);
      if (err) reject(err);
      else resolve();
    });
  });
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'localhost';
  }
}
