// The readable report: header block, hop table, authentication, findings with evidence, verdict.
// Every string taken from the message goes through safeInline/safeBlock before it is printed.
import Table from 'cli-table3';
// cli-table3's own measure of a string's width in terminal columns (string-width, ANSI codes left out).
import { strlen } from 'cli-table3/src/utils.js';
import type { ContainerInfo, Finding, Hop, Report, Source, WrapperVerdict } from '../types.js';
import { RULES_BY_ID } from '../findings/index.js';
import { SEVERITY_WEIGHT } from '../verdict/index.js';
import { palette, type Palette } from './colors.js';
import { formatDuration } from './duration.js';
import { clip, safeBlock, safeInline } from './sanitize.js';

export interface HumanOptions {
  color: boolean;
  explain: boolean;
  /** The terminal's width: a table wider than it is narrowed to fit. Undefined (no terminal) leaves tables whole. */
  width?: number;
}

const TABLE_STYLE = { head: [] as string[], border: [] as string[], compact: false };

type TableOptions = ConstructorParameters<typeof Table>[0];

/** A column is not narrowed below this (padding included): 6 characters of a host name a line still read as one. */
const MIN_COLUMN = 8;

/**
 * The table as `fill` builds it, no wider than `width`. cli-table3 sizes each column to its longest cell, so a real
 * Outlook route made the hop table ~200 columns wide, which an 80- or 120-column terminal wraps into a jumble of
 * half rows. Past the width, the `wrappable` columns (host names, notes) share one cap and their cells wrap inside
 * it, mid-word where a name is longer than the column; the others (an IP, a time) keep their size unless even that
 * is too wide.
 */
function fittedTable(options: TableOptions, fill: (table: Table.Table) => void, width: number | undefined, wrappable: readonly number[], cramped?: () => string): string {
  const build = (extra: TableOptions) => {
    const table = new Table({ ...options, ...extra });
    fill(table);
    return table;
  };
  const natural = build({}).toString();
  const top = natural.slice(0, natural.indexOf('\n'));
  if (width === undefined || top.length <= width) return natural;
  // The top border gives each column's width: "┌───┬──────┐" is a column of 3 and one of 6.
  const widths = top.slice(1, -1).split('┬').map((segment) => segment.length);
  const colWidths = fittedWidths(widths, width - widths.length - 1, wrappable);
  if (cramped && isCramped(widths, colWidths, wrappable)) return cramped();
  // Every cell is wrapped here, and cli-table3 wraps none (wordWrap off): it breaks a cell by its length in UTF-16
  // units, colour codes counted, and cuts each line to the column's width in terminal columns. A CJK name lost half
  // of each line behind a "…", and a bold header of 80-column colour output was broken mid-code ("[22m" in cells).
  const room = (i: number, span = 1) => colWidths.slice(i, i + span).reduce((a, b) => a + b, span - 1) - 2;
  const head = (options?.head ?? []).map((h, i) => wrapToWidth(h, room(i)));
  const table = build({ head, colWidths, wordWrap: false });
  for (const row of table) {
    if (!Array.isArray(row)) continue;
    let i = 0;
    row.forEach((cell, k) => {
      if (typeof cell === 'string') row[k] = wrapToWidth(cell, room(i));
      else if (cell && typeof cell === 'object' && 'content' in cell && typeof cell.content === 'string') cell.content = wrapToWidth(cell.content, room(i, cell.colSpan ?? 1));
      i += typeof cell === 'object' && cell && 'colSpan' in cell ? (cell.colSpan ?? 1) : 1;
    });
  }
  return table.toString();
}

/** A wrappable column narrower than this (padding included) holds 14 characters of a host name a line. */
const READABLE_COLUMN = 16;

/** Fitting would cut a column that should stay whole (an IP, a time) or leave host names a few letters a line. */
function isCramped(widths: readonly number[], fitted: readonly number[], wrappable: readonly number[]): boolean {
  return fitted.some((w, i) => (wrappable.includes(i) ? w < Math.min(widths[i]!, READABLE_COLUMN) : w < widths[i]!));
}

/** Our colours (palette) around a whole cell: the codes before and after its text. */
const AROUND = /^((?:\x1b\[[0-9;]*m)*)([^\x1b]*)((?:\x1b\[[0-9;]*m)*)$/;

/**
 * A cell's lines broken to `room` terminal columns, measured as cli-table3 measures (string-width), each line in the
 * cell's colour. A cell coloured in parts is left whole (there is none).
 */
function wrapToWidth(text: string, room: number): string {
  const parts = AROUND.exec(text);
  if (room < 2 || !parts) return text;
  const [, open, plain, close] = parts as unknown as [string, string, string, string];
  const out: string[] = [];
  for (const line of plain.split('\n')) {
    let current = '';
    for (const c of line) {
      if (current && strlen(current + c) > room) {
        // At a space when the line has one ("2023-09-04" over "05:38:20"), else after a host name's dot or hyphen
        // ("mail30.mxa.infra." over "improvmx.com"), else mid-word.
        const space = current.lastIndexOf(' ');
        const joint = space > 0 ? -1 : Math.max(current.lastIndexOf('.'), current.lastIndexOf('-'));
        if (space > 0) {
          out.push(current.slice(0, space));
          current = current.slice(space + 1);
        } else if (joint > 0 && joint < current.length - 1) {
          out.push(current.slice(0, joint + 1));
          current = current.slice(joint + 1);
        } else {
          out.push(current);
          current = '';
        }
      }
      current += c;
    }
    out.push(current);
  }
  return out.map((l) => `${open}${l}${close}`).join('\n');
}

/**
 * Column widths that fit in `room`: the wrappable columns narrowed first; when that is not enough, they stay at
 * MIN_COLUMN and the others share what is left (at 90 columns the time column loses one character, where narrowing
 * every column alike split the IP and the time of every row).
 */
export function fittedWidths(widths: readonly number[], room: number, wrappable: readonly number[]): number[] {
  const kept = widths.reduce((sum, w, i) => (wrappable.includes(i) ? sum : sum + w), 0);
  const flexible = widths.filter((_, i) => wrappable.includes(i));
  if (room - kept >= flexible.length * MIN_COLUMN) {
    const cap = sharedCap(flexible, room - kept);
    return widths.map((w, i) => (wrappable.includes(i) ? Math.min(w, cap) : w));
  }
  const narrowed = flexible.map((w) => Math.min(w, MIN_COLUMN));
  const cap = sharedCap(widths.filter((_, i) => !wrappable.includes(i)), room - narrowed.reduce((a, b) => a + b, 0));
  return widths.map((w, i) => Math.min(w, wrappable.includes(i) ? MIN_COLUMN : cap));
}

/** The largest cap c for which the columns, each min(w, c) wide, fit in `room`; never below MIN_COLUMN. */
function sharedCap(widths: readonly number[], room: number): number {
  const sorted = [...widths].sort((a, b) => a - b);
  let below = 0; // the sum of the columns narrower than the cap, which keep their width
  for (let i = 0; i < sorted.length; i++) {
    const cap = Math.floor((room - below) / (sorted.length - i));
    if (cap <= sorted[i]!) return Math.max(MIN_COLUMN, cap);
    below += sorted[i]!;
  }
  return sorted[sorted.length - 1] ?? MIN_COLUMN;
}

function fieldRows(rows: readonly [string, string | undefined][], p: Palette): string {
  return rows.map(([k, v]) => `  ${p.dim(k.padEnd(11))}${v === undefined ? p.dim('(none)') : safeInline(clip(v, 400))}`).join('\n') + '\n';
}

/** Where the message came from: its file, and its place in an mbox (stdin alone is not named). */
function sourceLabel(source: Source | undefined): string | undefined {
  if (source?.kind === 'embedded') return sourceLabel(source.parent);
  if (source?.kind === 'mbox') return `${source.path ?? '(stdin)'}, message ${(source.index ?? 0) + 1} (byte ${source.offset ?? 0})`;
  return source?.path;
}

const CONTAINER_KIND: Record<ContainerInfo['kind'], string> = {
  arf: 'an abuse report',
  forwarded: 'a message forwarded as an attachment',
  bounce: 'a bounce, backscatter of mail sent in your name',
};

const CONTAINER_FORMAT: Record<string, string> = {
  rfc5965: 'ARF, RFC 5965',
  rfc3464: 'RFC 3464',
  'hotmail-jmrp': 'Outlook.com JMRP',
  'apple-unsubscribe': 'Apple Mail unsubscribe',
};

const EMBEDDED_NOTE: Record<ContainerInfo['embedded'], string> = {
  message: 'The original inside it',
  headers: 'The original inside it (only its headers were kept)',
  none: 'It holds no original: the report itself',
};

/** What the message was taken out of, what its sender said about it, and a heading for the original. */
function containerBlock(c: ContainerInfo, p: Palette): string {
  const list = (v: string[] | undefined) => (v?.length ? v.join(', ') : undefined);
  const rows: [string, string | undefined][] = [
    ['Feedback', c.feedbackType],
    ['Reporter', c.reporter],
    ['Subject', c.subject],
    ['Source IP', c.sourceIp],
    ['Mail from', c.originalMailFrom],
    ['Rcpt to', list(c.originalRcptTo)],
    ['Arrived', c.arrivalDate],
    ['Domain', list(c.reportedDomain)],
    ['URI', list(c.reportedUri)],
    ['Auth fail', c.authFailure],
    ['Incidents', c.incidents === undefined ? undefined : String(c.incidents)],
    ['Agent', c.userAgent ?? c.reportingMta],
    // Outermost first: "abuse@isp.example > user@example.org" is a forward by the first holding one by the second.
    ['Forwarded', c.via?.length ? c.via.map((v) => v.reporter ?? '(no From)').join(' > ') : undefined],
    ['Wrapper', c.wrapper ? wrapperLine(c.wrapper) : undefined],
  ];
  const present = rows.filter(([, v]) => v !== undefined);
  return (present.length ? fieldRows(present, p) : '') + '\n' + p.bold(EMBEDDED_NOTE[c.embedded]) + '\n';
}

/** The container's own verdict, judged as a message: "SUSPICIOUS (score 5: auth.spf-fail)". */
function wrapperLine(w: WrapperVerdict): string {
  const why = w.drivers.length ? `: ${w.drivers.join(', ')}` : '';
  // Nested forwards: the worst of the messages it came in, named by its From.
  const which = w.depth > 0 ? `, the message from ${w.from ?? '(no From)'} inside the input` : '';
  return `${w.verdict.toUpperCase()} (score ${w.score}${why})${which}`;
}

function containerKind(c: ContainerInfo): string {
  const format = c.format ? ` (${safeInline(CONTAINER_FORMAT[c.format] ?? c.format)})` : '';
  return `${CONTAINER_KIND[c.kind]}${format}`;
}

function headerBlock(report: Report, p: Palette): string {
  const m = report.message;
  const rows: [string, string | undefined][] = [
    ['From', m.from],
    ['To', m.to],
    ['Subject', m.subject],
    ['Date', m.date],
    ['Message-ID', m.messageId],
  ];
  const c = report.container;
  const name = sourceLabel(report.source) ?? (c ? '(stdin)' : undefined);
  const source = name !== undefined ? `${p.bold('Message')} ${safeInline(name)}${c ? `: ${containerKind(c)}` : ''}\n` : '';
  return source + (c ? containerBlock(c, p) : '') + fieldRows(rows, p);
}

/** What the client claimed (its HELO), or why there is nothing to show. */
function heloText(hop: Hop): string {
  if (hop.kind === 'unparseable') return '(unparseable)';
  if (!hop.from) return hop.kind === 'local' ? '(local)' : '';
  return safeInline(clip(hop.from.helo ?? '', 60));
}

/** The client's reverse DNS name as the receiver saw it, when it is not the HELO name. */
function rdnsText(hop: Hop): string | undefined {
  const f = hop.from;
  return f?.rdns && f.rdns.toLowerCase() !== (f.helo ?? '').toLowerCase() ? safeInline(clip(f.rdns, 58)) : undefined;
}

function fromCell(hop: Hop): string {
  // The rdns on a line of its own, joined after escaping: a backslash and an "n" in the name itself stay text.
  const rdns = hop.kind === 'unparseable' ? undefined : rdnsText(hop);
  return heloText(hop) + (rdns ? `\nrdns ${rdns}` : '');
}

function protocolCell(hop: Hop): string {
  const parts = [hop.protocol ?? hop.with ?? ''];
  if (hop.tlsVersion) parts.push(hop.tlsVersion);
  else if (hop.tls && !/S$|SA$/.test(hop.protocol ?? '')) parts.push('TLS');
  return safeInline(clip(parts.filter(Boolean).join(' '), 40));
}

function trustCell(hop: Hop, boundaryIndex: number | undefined, p: Palette): string {
  if (hop.index === boundaryIndex) return p.bold(p.cyan('boundary'));
  return hop.trust === 'trusted' ? p.green('trusted') : p.yellow('untrusted');
}

/**
 * Hop rows a terminal table shows at most. Real paths have a few hops (Postfix bounces a message after 50 Received
 * fields, Exim after 30), but a 1 MB header holds 10,000 of them, and cli-table3 lays a table out in time quadratic
 * in its rows: 2,000 hops took 1.3 s, 10,000 took 17 s. Past this, the table shows the oldest hops (the claimed
 * origin), the newest (the servers that received it) and the ones around the trust boundary; the JSON has them all.
 */
export const MAX_TABLE_HOPS = 40;
const OLDEST_SHOWN = 10;
const NEWEST_SHOWN = 20;
const AROUND_BOUNDARY = 2;

/** The hop indices the table shows, in order, with the count of hops left out at each gap. */
export function shownHops(count: number, boundary: number | undefined): (number | { skipped: number })[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (count <= MAX_TABLE_HOPS) return all;
  const near = (i: number) => boundary !== undefined && Math.abs(i - boundary) <= AROUND_BOUNDARY;
  const kept = all.filter((i) => i < OLDEST_SHOWN || i >= count - NEWEST_SHOWN || near(i));
  const rows: (number | { skipped: number })[] = [];
  let next = 0;
  for (const i of kept) {
    if (i > next) rows.push({ skipped: i - next });
    rows.push(i);
    next = i + 1;
  }
  return rows;
}

/**
 * The hop's time in UTC; a date that could not be read is shown as written after a "?". Bare, it stood in the
 * "time (UTC)" column like a read one: "2024-02-30 09:14:03" looks like a UTC time, "12 Mar 99999 10:14:03 +0100" is
 * in another zone.
 */
function timeCell(hop: Hop): string {
  if (hop.timestamp) return hop.timestamp.replace('T', ' ').replace(/\.000Z$|Z$/, '');
  return hop.dateRaw ? `? ${safeInline(clip(hop.dateRaw, 30))}` : '';
}

const ipText = (hop: Hop) => safeInline(clip(hop.from?.ip ?? '', 40));
const byText = (hop: Hop) => safeInline(clip(hop.by ?? '', 48));

/** A row of the hop table; `stacked`, the date over the time and the protocol over its TLS version. */
function hopRow(hop: Hop, boundary: number | undefined, p: Palette, stacked = false): string[] {
  const time = timeCell(hop);
  return [
    String(hop.index + 1),
    fromCell(hop),
    ipText(hop),
    byText(hop),
    stacked ? protocolCell(hop).replace(' ', '\n') : protocolCell(hop),
    stacked && hop.timestamp ? time.replace(' ', '\n') : time,
    formatDuration(hop.delaySeconds),
    trustCell(hop, boundary, p),
  ];
}

/** from / HELO, by, protocol. */
const HOP_WRAPPABLE = [1, 3, 4];
/** domain, receiver said, note. */
const AUTH_WRAPPABLE = [2, 3, 4];

function hopTable(report: Report, p: Palette, width: number | undefined): string {
  if (report.hops.length === 0) return p.dim('  no Received headers\n');
  const head = ['#', 'from / HELO', 'IP', 'by', 'protocol', 'time (UTC)', 'delay', 'trust'].map((h) => p.bold(h));
  const boundary = report.boundary?.hop;
  const rows = shownHops(report.hops.length, boundary);
  const fill = (stacked: boolean) => (t: Table.Table) => {
    for (const row of rows) {
      if (typeof row === 'number') t.push(hopRow(report.hops[row]!, boundary, p, stacked));
      else t.push([{ colSpan: 8, content: p.dim(skippedLine(row.skipped)) }]);
    }
  };
  const natural = fittedTable({ head, style: TABLE_STYLE }, fill(false), undefined, HOP_WRAPPABLE);
  const fits = width === undefined || natural.indexOf('\n') <= width;
  // Narrowed, the date goes over the time and the TLS version under the protocol before a host name is wrapped;
  // where even that leaves host names a few letters a line, or would cut an IP, each hop is a block of lines.
  const table = fits ? natural : fittedTable({ head, style: TABLE_STYLE }, fill(true), width, HOP_WRAPPABLE, () => hopList(report, rows, p, width!));
  const total = report.totalDelaySeconds !== undefined ? `  total delay ${formatDuration(report.totalDelaySeconds)}\n` : '';
  return table + (table.endsWith('\n') ? '' : '\n') + total;
}

const skippedLine = (skipped: number) => `… ${skipped.toLocaleString('en-US')} hops not shown (--json lists every hop)`;

/** Labels of a hop block's lines, and the column their values start at. */
const LIST_INDENT = 11;

/**
 * The hops as blocks of labelled lines, for a terminal too narrow for the table (80 columns: the table's eight
 * columns left host names 5 letters wide and split IPs over two lines):
 *     2  boundary   2023-09-04 05:38:29  +8s
 *        from       mail30.mxa.infra.improvmx.com
 *        IP         51.255.220.188
 */
function hopList(report: Report, rows: readonly (number | { skipped: number })[], p: Palette, width: number): string {
  const room = Math.max(20, width - LIST_INDENT);
  const line = (label: string, value: string | undefined) =>
    value ? `${' '.repeat(5)}${label.padEnd(LIST_INDENT - 5)}${wrapToWidth(value, room).split('\n').join(`\n${' '.repeat(LIST_INDENT)}`)}\n` : '';
  const blocks = rows.map((row) => {
    if (typeof row !== 'number') return `  ${p.dim(skippedLine(row.skipped))}\n`;
    const hop = report.hops[row]!;
    const trust = trustCell(hop, report.boundary?.hop, p);
    const delay = hop.delaySeconds !== undefined ? `  +${formatDuration(hop.delaySeconds)}` : '';
    const title = `${String(hop.index + 1).padStart(3)}  ${trust}${' '.repeat(Math.max(1, 11 - strlen(trust)))}${timeCell(hop)}${delay}`.trimEnd() + '\n';
    const rdns = hop.kind === 'unparseable' ? undefined : rdnsText(hop);
    return title + line('from', heloText(hop)) + line('rdns', rdns) + line('IP', ipText(hop)) + line('by', byText(hop)) + line('with', protocolCell(hop));
  });
  return blocks.join('');
}

function authTable(report: Report, p: Palette, width: number | undefined): string {
  const a = report.auth;
  if (a.results.length === 0 && a.recorded.length === 0) return p.dim(`  authentication not evaluated (${a.mode})\n`);
  const head = ['method', 'result', 'domain', 'receiver said', 'note'].map((h) => p.bold(h));
  return fittedTable({ head, style: TABLE_STYLE }, (table) => authRows(report, p, table), width, AUTH_WRAPPABLE) + '\n';
}

function authRows(report: Report, p: Palette, table: Table.Table): void {
  const a = report.auth;
  const methods = ['spf', 'dkim', 'dmarc', 'arc'] as const;
  for (const method of methods) {
    const ours = a.results.filter((r) => r.method === method);
    const cmp = a.comparison.find((c) => c.method === method);
    const rows = ours.length ? ours : [undefined];
    for (const r of rows) {
      table.push([
        method,
        r ? colourResult(r.result, p) : p.dim(a.mode === 'offline' ? 'not run' : '-'),
        safeInline(clip(r?.domain ?? '', 40)),
        safeInline(clip(cmp?.theirs ?? '', 20)),
        safeInline(clip(cmp && !cmp.agree ? (cmp.reason ?? 'differs') : (r?.comment ?? ''), 50)),
      ]);
    }
  }
}

function colourResult(result: string, p: Palette): string {
  if (result === 'pass') return p.green(result);
  if (result === 'fail' || result === 'permerror') return p.red(result);
  if (result === 'none' || result === 'unknown') return p.dim(result);
  return p.yellow(result);
}

function severityLabel(f: Finding, p: Palette): string {
  const label = f.severity.toUpperCase().padEnd(6);
  if (f.severity === 'high') return p.red(label);
  if (f.severity === 'medium') return p.yellow(label);
  return p.dim(label);
}

/**
 * Findings of one rule the report shows at most. A rule finds one thing per hop or per field, so a header padded
 * with 14,000 unparseable Received fields gave 14,000 findings, 42,000 lines before the verdict. Real mail has at
 * most five of one rule (the corpus); the JSON has them all.
 */
export const MAX_FINDINGS_PER_RULE = 10;

function findingLines(f: Finding, o: HumanOptions, p: Palette): string[] {
  // A title may name a domain or a host from the message, of any length.
  const out = [`  ${severityLabel(f, p)} ${p.bold(safeInline(clip(f.title, 300)))} ${p.dim(`[${f.id}]`)}`];
  if (o.explain) {
    const rule = RULES_BY_ID.get(f.id);
    if (rule) out.push(`         ${p.dim(rule.explain)}`);
  }
  for (const e of f.evidence.slice(0, 5)) {
    const where = e.index >= 0 ? `header #${e.index} ${e.header}` : e.header;
    const text = safeBlock(clip(e.text, 600))
      .split('\n')
      .map((l) => `           ${l}`)
      .join('\n');
    out.push(`         ${p.dim(safeInline(where))}\n${text}`);
  }
  if (f.evidence.length > 5) out.push(p.dim(`         … ${f.evidence.length - 5} more`));
  return out;
}

function findingsBlock(report: Report, o: HumanOptions, p: Palette): string {
  if (report.findings.length === 0) return p.dim('  no findings\n');
  const total = new Map<string, number>();
  for (const f of report.findings) total.set(f.id, (total.get(f.id) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: string[] = [];
  // Worst first, so the findings that decided the verdict lead; a rule's findings keep their order (a stable sort).
  const worstFirst = [...report.findings].sort((a, b) => SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity]);
  for (const f of worstFirst) {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    if (n <= MAX_FINDINGS_PER_RULE) out.push(...findingLines(f, o, p));
    // After the last one of the rule: how many were left out.
    if (n === total.get(f.id) && n > MAX_FINDINGS_PER_RULE) {
      const more = (n - MAX_FINDINGS_PER_RULE).toLocaleString('en-US');
      out.push(p.dim(`  … ${more} more [${f.id}] findings not shown (--json lists every finding)`));
    }
  }
  return out.join('\n') + '\n';
}

function verdictLine(report: Report, p: Palette): string {
  const v = report.verdict;
  const label = v === 'forged' ? p.red(p.bold('FORGED')) : v === 'suspicious' ? p.yellow(p.bold('SUSPICIOUS')) : p.green(p.bold('PASS'));
  const drivers = report.verdictDrivers.length ? ` — decided by ${report.verdictDrivers.join(', ')}` : '';
  // A pass during a DNS outage only says nothing else was found: the filter says "not analysed" there, and a reader
  // of the table should not take it for a checked pass.
  const unchecked = v === 'pass' && report.findings.some((f) => f.id === 'auth.dmarc-undetermined')
    ? `\n  ${p.yellow('not a full check: DMARC could not be evaluated (a DNS failure); the pass rests on the rest of the evidence')}`
    : '';
  return `${p.bold('Verdict')}: ${label} (score ${report.score}, exit ${report.exitCode})${drivers}${unchecked}\n`;
}

function boundaryLine(report: Report, p: Palette): string {
  const b = report.boundary;
  if (!b) return p.dim('  no trust boundary: no hop could be chosen as the point of entry\n');
  const parts = [`hop ${b.hop + 1}`, b.ip ? `client ${b.ip}` : 'no client IP', b.helo ? `HELO ${b.helo}` : '', b.by ? `accepted by ${b.by}` : ''];
  return `  ${p.bold('Trust boundary')}: ${safeInline(parts.filter(Boolean).join(', '))}\n`;
}

export function renderHuman(report: Report, options: HumanOptions): string {
  const p = palette(options.color);
  return [
    headerBlock(report, p),
    p.bold('Hops') + ' (oldest first)\n' + hopTable(report, p, options.width) + boundaryLine(report, p),
    p.bold('Authentication') + '\n' + authTable(report, p, options.width),
    p.bold('Findings') + '\n' + findingsBlock(report, options, p),
    verdictLine(report, p),
  ].join('\n');
}
