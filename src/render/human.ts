// The readable report: header block, hop table, authentication, findings with evidence, verdict.
// Every string taken from the message goes through safeInline/safeBlock before it is printed.
import Table from 'cli-table3';
import type { Finding, Hop, Report } from '../types.js';
import { RULES_BY_ID } from '../findings/index.js';
import { palette, type Palette } from './colors.js';
import { formatDuration } from './duration.js';
import { clip, safeBlock, safeInline } from './sanitize.js';

export interface HumanOptions {
  color: boolean;
  explain: boolean;
  /** Terminal width, for clipping long cells. */
  width: number;
}

const TABLE_STYLE = { head: [] as string[], border: [] as string[], compact: false };

function headerBlock(report: Report, p: Palette): string {
  const m = report.message;
  const rows: [string, string | undefined][] = [
    ['From', m.from],
    ['To', m.to],
    ['Subject', m.subject],
    ['Date', m.date],
    ['Message-ID', m.messageId],
  ];
  const source = report.source?.path ? `${p.bold('Message')} ${safeInline(report.source.path)}\n` : '';
  return source + rows.map(([k, v]) => `  ${p.dim(k.padEnd(11))}${v === undefined ? p.dim('(none)') : safeInline(clip(v, 400))}`).join('\n') + '\n';
}

function fromCell(hop: Hop): string {
  if (hop.kind === 'unparseable') return '(unparseable)';
  const f = hop.from;
  if (!f) return hop.kind === 'local' ? '(local)' : '';
  const helo = f.helo ?? '';
  const rdns = f.rdns && f.rdns.toLowerCase() !== helo.toLowerCase() ? `\nrdns ${f.rdns}` : '';
  return safeInline(clip(helo, 60)) + safeInline(clip(rdns, 64)).replace(/\\n/g, '\n');
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

function hopTable(report: Report, p: Palette): string {
  if (report.hops.length === 0) return p.dim('  no Received headers\n');
  const table = new Table({
    head: ['#', 'from / HELO', 'IP', 'by', 'protocol', 'time (UTC)', 'delay', 'trust'].map((h) => p.bold(h)),
    style: TABLE_STYLE,
  });
  const boundary = report.boundary?.hop;
  for (const hop of report.hops) {
    table.push([
      String(hop.index + 1),
      fromCell(hop),
      safeInline(clip(hop.from?.ip ?? '', 40)),
      safeInline(clip(hop.by ?? '', 48)),
      protocolCell(hop),
      hop.timestamp ? hop.timestamp.replace('T', ' ').replace(/\.000Z$|Z$/, '') : safeInline(clip(hop.dateRaw ?? '', 32)),
      formatDuration(hop.delaySeconds),
      trustCell(hop, boundary, p),
    ]);
  }
  const total = report.totalDelaySeconds !== undefined ? `  total delay ${formatDuration(report.totalDelaySeconds)}\n` : '';
  return table.toString() + '\n' + total;
}

function authTable(report: Report, p: Palette): string {
  const a = report.auth;
  if (a.results.length === 0 && a.recorded.length === 0) return p.dim(`  authentication not evaluated (${a.mode})\n`);
  const table = new Table({ head: ['method', 'result', 'domain', 'receiver said', 'note'].map((h) => p.bold(h)), style: TABLE_STYLE });
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
  return table.toString() + '\n';
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

function findingsBlock(report: Report, o: HumanOptions, p: Palette): string {
  if (report.findings.length === 0) return p.dim('  no findings\n');
  const out: string[] = [];
  for (const f of report.findings) {
    out.push(`  ${severityLabel(f, p)} ${p.bold(safeInline(f.title))} ${p.dim(`[${f.id}]`)}`);
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
  }
  return out.join('\n') + '\n';
}

function verdictLine(report: Report, p: Palette): string {
  const v = report.verdict;
  const label = v === 'forged' ? p.red(p.bold('FORGED')) : v === 'suspicious' ? p.yellow(p.bold('SUSPICIOUS')) : p.green(p.bold('PASS'));
  const drivers = report.verdictDrivers.length ? ` — decided by ${report.verdictDrivers.join(', ')}` : '';
  return `${p.bold('Verdict')}: ${label} (score ${report.score}, exit ${report.exitCode})${drivers}\n`;
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
    p.bold('Hops') + ' (oldest first)\n' + hopTable(report, p) + boundaryLine(report, p),
    p.bold('Authentication') + '\n' + authTable(report, p),
    p.bold('Findings') + '\n' + findingsBlock(report, options, p),
    verdictLine(report, p),
  ].join('\n');
}
