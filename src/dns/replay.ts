// Answers only from a snapshot. A name or type absent from it is 'missing': the lookup fails with EMISSING,
// which mailauth turns into temperror, and auth/ reports as unknown, never none or fail (the file simply
// does not say; treating a miss as NXDOMAIN, as mailauth's --dns-cache does, would turn it into spf=none).
import type { DnsAnswerRecord, Resolver } from '../types.js';
import { MISSING, dnsError } from './errors.js';
import type { Outcome } from './live.js';
import { isErrorEntry, normaliseName, type DnsSnapshot } from './snapshot.js';

export { MISSING };

export type ReplayOutcome = Outcome & { provenance: 'replayed' | 'missing' };

export function replayLookup(snapshot: DnsSnapshot, name: string, rrtype: string): ReplayOutcome {
  const entry = snapshot[normaliseName(name)]?.[rrtype.toUpperCase()];
  if (entry === undefined) return { provenance: 'missing', error: MISSING };
  if (isErrorEntry(entry)) return { provenance: 'replayed', error: entry.error };
  return { provenance: 'replayed', answer: structuredClone(entry) };
}

/** A bare replaying resolver with its own log, for callers that do not need a whole session (see openDns). */
export function replayResolver(snapshot: DnsSnapshot, log: DnsAnswerRecord[]): Resolver {
  return async (name: string, rrtype: string) => {
    const key = normaliseName(name);
    const type = rrtype.toUpperCase();
    const outcome = replayLookup(snapshot, key, type);
    log.push({ name: key, type, provenance: outcome.provenance, ...(outcome.error !== undefined ? { error: outcome.error } : { answer: outcome.answer }) });
    if (outcome.error !== undefined) throw dnsError(outcome.error, key, type);
    return outcome.answer;
  };
}
