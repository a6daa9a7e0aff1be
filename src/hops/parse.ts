// PLACEHOLDER generic Received parser, to be replaced by the per-dialect parsers (issue 2).
import type { HeaderField, Hop } from '../types.js';
import { parseMailDate } from '../message/dates.js';

export type ParsedHop = Omit<Hop, 'index' | 'delaySeconds' | 'trust' | 'trustReason'>;

export function parseReceived(field: HeaderField): ParsedHop {
  const value = field.value.slice(0, 4096);
  const semi = value.lastIndexOf(';');
  const clauses = semi >= 0 ? value.slice(0, semi) : value;
  const dateRaw = semi >= 0 ? value.slice(semi + 1).trim() : undefined;
  const date = dateRaw ? parseMailDate(dateRaw) : undefined;
  const from = /\bfrom\s+(\S+)(?:\s+\(([^()]*)\))?/i.exec(clauses);
  const by = /\bby\s+(\S+)/i.exec(clauses);
  const ip = from?.[2] ? /\[?((?:\d{1,3}\.){3}\d{1,3})\]?/.exec(from[2]) : null;
  const withWord = /\bwith\s+([A-Za-z0-9]+)/i.exec(clauses);
  const id = /\bid\s+([^\s;]+)/i.exec(clauses);
  const kind = from && by ? 'relay' : by ? 'local' : 'unparseable';
  return {
    header: field.index,
    raw: field.raw,
    kind,
    dialect: 'generic',
    parse: kind === 'unparseable' ? 'unparseable' : 'partial',
    ...(from ? { from: { helo: from[1]!, ...(ip ? { ip: ip[1]! } : {}) } } : {}),
    ...(by ? { by: by[1]! } : {}),
    ...(withWord ? { with: withWord[1]! } : {}),
    tls: /ESMTPS|ESMTPSA/i.test(withWord?.[1] ?? ''),
    authenticated: /ESMTPS?A/i.test(withWord?.[1] ?? ''),
    ...(id ? { id: id[1]! } : {}),
    ...(dateRaw ? { dateRaw } : {}),
    ...(date ? { timestamp: date.timestamp, ...(date.zoneOffsetMinutes !== undefined ? { zoneOffsetMinutes: date.zoneOffsetMinutes } : {}) } : {}),
  };
}
