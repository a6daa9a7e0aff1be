// The RFC 7208 suite's `zonedata` -> our replay snapshot, so the suite runs through src/dns/replay.ts as a
// recorded-DNS file would. The suite's conventions (rfc7208-tests.yml header, SOURCE.txt):
//   - a name not listed is NXDOMAIN; a listed name without the asked type is NODATA;
//   - "TIMEOUT" makes every type of that name not otherwise listed time out;
//   - SPF (type 99) records are served as TXT too, unless the name lists its own TXT ("TXT: NONE" = no TXT);
//   - CNAMEs are followed (a loop is a DNS error), as a recursive resolver does for node:dns.
import type { DnsSnapshot } from '../../../src/dns/snapshot.js';
import { normaliseName } from '../../../src/dns/snapshot.js';
import { replayResolver, MISSING } from '../../../src/dns/replay.js';
import type { DnsAnswerRecord, Resolver } from '../../../src/types.js';

type ZoneEntry = string | Record<string, unknown>;
export type ZoneData = Record<string, ZoneEntry[]>;

const TYPES = ['TXT', 'A', 'AAAA', 'MX', 'PTR', 'CNAME'];

interface Own {
  records: Map<string, unknown[]>;
  timeout: boolean;
  txtNone: boolean;
}

function ownRecords(entries: ZoneEntry[]): Own {
  const own: Own = { records: new Map(), timeout: false, txtNone: false };
  const spf: string[][] = [];
  const add = (type: string, v: unknown) => own.records.set(type, [...(own.records.get(type) ?? []), v]);
  for (const e of entries) {
    if (e === 'TIMEOUT') {
      own.timeout = true;
      continue;
    }
    if (typeof e !== 'object' || e === null) continue;
    for (const [type, value] of Object.entries(e)) {
      const t = type.toUpperCase();
      if (t === 'SPF') spf.push(Array.isArray(value) ? value.map(String) : [String(value)]);
      else if (t === 'TXT') {
        if (value === 'NONE') own.txtNone = true;
        else add('TXT', Array.isArray(value) ? value.map(String) : [String(value)]);
      } else if (t === 'MX') {
        const [priority, exchange] = value as [number, string];
        add('MX', { priority: Number(priority), exchange: normaliseName(String(exchange)) });
      } else add(t, t === 'PTR' || t === 'CNAME' ? normaliseName(String(value)) : String(value));
    }
  }
  if (!own.records.has('TXT') && !own.txtNone && spf.length) own.records.set('TXT', spf);
  return own;
}

export function zoneToSnapshot(zone: ZoneData): DnsSnapshot {
  const owns = new Map<string, Own>();
  for (const [name, entries] of Object.entries(zone)) owns.set(normaliseName(name), ownRecords(entries ?? []));
  const snapshot: DnsSnapshot = Object.create(null);
  for (const [name] of owns) {
    const entry: Record<string, unknown> = Object.create(null);
    for (const type of TYPES) entry[type] = answerFor(owns, name, type, 0);
    snapshot[name] = entry;
  }
  return snapshot;
}

/** The answer for (name, type), following CNAMEs up to 8 deep (deeper or looping: a DNS error). */
function answerFor(owns: Map<string, Own>, name: string, type: string, depth: number): unknown {
  const own = owns.get(name);
  if (!own) return { error: 'ENOTFOUND' };
  const records = own.records.get(type);
  if (records?.length) return records;
  const cname = own.records.get('CNAME')?.[0];
  if (cname && type !== 'CNAME') return depth >= 8 ? { error: 'ESERVFAIL' } : answerFor(owns, String(cname), type, depth + 1);
  if (own.timeout) return { error: 'ETIMEOUT' };
  return { error: 'ENODATA' };
}

/**
 * The replay resolver over the converted zone. The suite says an unlisted name is NXDOMAIN, where a replay
 * file says "missing": that one translation is the only thing added on top of src/dns/replay.ts.
 */
export function suiteResolver(zone: ZoneData, log: DnsAnswerRecord[] = []): Resolver {
  return nxdomainResolver(zoneToSnapshot(zone), log);
}

/** A replay resolver for a peer suite's DNS table, where an unlisted name is NXDOMAIN rather than "missing". */
export function nxdomainResolver(snapshot: DnsSnapshot, log: DnsAnswerRecord[] = []): Resolver {
  const replay = replayResolver(snapshot, log);
  return async (name, type) => {
    try {
      return await replay(name, type);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === MISSING) e.code = 'ENOTFOUND';
      throw e;
    }
  };
}
