// A resolver that answers only from a snapshot. A name or type absent from it is 'missing': the lookup fails
// with EMISSING, which mailauth turns into temperror, and auth/ reports as unknown, never none or fail.
import type { DnsAnswerRecord, Resolver } from '../types.js';
import { isErrorEntry, normaliseName, type DnsSnapshot } from './snapshot.js';

export const MISSING = 'EMISSING';

function dnsError(code: string, name: string, type: string): NodeJS.ErrnoException {
  const err = new Error(`query${type} ${code} ${name}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

export function replayResolver(snapshot: DnsSnapshot, log: DnsAnswerRecord[]): Resolver {
  return async (name: string, rrtype: string) => {
    const key = normaliseName(name);
    const type = rrtype.toUpperCase();
    const entry = snapshot[key]?.[type];
    if (entry === undefined) {
      log.push({ name: key, type, provenance: 'missing', error: MISSING });
      throw dnsError(MISSING, key, type);
    }
    if (isErrorEntry(entry)) {
      log.push({ name: key, type, provenance: 'replayed', error: entry.error });
      throw dnsError(entry.error, key, type);
    }
    log.push({ name: key, type, provenance: 'replayed', answer: entry });
    return structuredClone(entry);
  };
}
