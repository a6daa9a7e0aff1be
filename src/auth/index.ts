// Authentication: SPF, DKIM, DMARC and ARC for the boundary hop, the receiver's recorded results, and the two
// compared. Computed mode evaluates against DNS (live or replayed) through mailauth; offline mode reads only the
// recorded results the receiving side wrote and we trust.
import type { AuthReport, Chain, DnsAnswerRecord, Deps, HeaderField, Identity, Message, MethodResult, RecordedResult } from '../types.js';
import { recordedResults, trustedIds, type TrustedIds } from './recorded.js';
import { orgDomain } from '../identity/org.js';
import { offlineResults } from './offline.js';
import { compareResults } from './compare.js';
import { spfInputs, type SpfInputs } from './spf-inputs.js';
import { guardResolver, type GuardedResolver, type QueryOutcome } from './guarded-resolver.js';
import { mapResults, unknownResults } from './results.js';
import { parseTags } from './tags.js';
import { MISSING } from '../dns/replay.js';
import { isoFromMs } from '../message/dates.js';

/**
 * Signatures (DKIM-Signature + ARC-Message-Signature) one message may carry before we refuse to verify it: each
 * costs a key lookup, and each distinct c=/a=/l= a body hash over the whole body, so thousands of them in a 1 MiB
 * header would hash the body thousands of times. Real mail carries a handful (ARC allows 50 sets).
 */
export const MAX_SIGNATURES = 64;

/**
 * Distinct body hashes (c= body canonicalization, a= hash, l=) one message may ask for before we refuse to verify it.
 * mailauth hashes the whole body once per distinct triple, relaxed canonicalization in JavaScript at ~35 MB/s here:
 * 64 signatures differing only in l= (no key, no DNS needed) hashed an 8 MiB body 64 times, 16 s of CPU, and a
 * 24 MiB body 62 s, long past the deadline. Real mail asks for one or two (the shared corpus: at most 2).
 */
export const MAX_BODY_HASHES = 8;

/** DNS time one message may use, all lookups together (mailauth has no timeout of its own). */
export const DEFAULT_DNS_DEADLINE_MS = 15_000;

export interface AuthInput {
  message: Message;
  chain: Chain;
  identity: Identity;
  /** The instant t=/x= are judged against: --at, default the boundary hop's timestamp. */
  at: Date;
  offline: boolean;
  authservIds: string[];
  /** Overall DNS deadline for this message, in ms (default DEFAULT_DNS_DEADLINE_MS). */
  dnsDeadlineMs?: number;
  /** RSA keys shorter than this give dkim=policy (default 1024, RFC 8301). */
  minBitLength?: number;
  /**
   * The SMTP facts, when the caller knows them first-hand (a mail filter at the receiving server, a test suite):
   * used instead of the boundary hop's. An absent ip means there was no SMTP client (local submission): SPF none.
   */
  smtp?: { ip?: string; helo?: string; mailFrom?: string };
  /** The recorded results as judgeRecorded gave them to the identity stage (judged again when absent). */
  judged?: { trusted: TrustedIds; recorded: RecordedResult[] };
  /** SPF in mailauth's RFC-exact mode (default true: it passes all 203 RFC 7208 suite tests, lenient 196). */
  strictSpf?: boolean;
}

/** The receiving side's authserv-ids, and every Authentication-Results field judged trusted or not against them. */
export function judgeRecorded(message: Message, chain: Chain, authservIds: string[]): { trusted: TrustedIds; recorded: RecordedResult[] } {
  const trusted = trustedIds(chain, authservIds, orgDomain);
  return { trusted, recorded: recordedResults(message, chain, trusted) };
}

export async function authenticate(input: AuthInput, deps: Deps): Promise<AuthReport> {
  const { trusted, recorded } = input.judged ?? judgeRecorded(input.message, input.chain, input.authservIds);
  const inputs = input.smtp ? statedInputs(input.smtp) : spfInputs(input.message, input.chain, recorded);
  const at = validDate(input.at, deps);
  // isoFromMs writes what toISOString writes, at a tenth of its cost here.
  const evaluatedAt = isoFromMs(at.getTime()).iso;
  if (input.offline || !deps.resolver) {
    return { mode: 'offline', evaluatedAt, inputs: reportedInputs(inputs), recorded, results: offlineResults(recorded), comparison: [], dns: [] };
  }
  const guard = guardResolver(deps.resolver, input.dnsDeadlineMs ?? DEFAULT_DNS_DEADLINE_MS);
  const results = await computedResults({ ...input, at }, inputs, guard, trusted);
  return { mode: 'computed', evaluatedAt, inputs: reportedInputs(inputs), recorded, results, comparison: compareResults(results, recorded), dns: dnsRecords(guard.queries, deps) };
}

function statedInputs(smtp: NonNullable<AuthInput['smtp']>): SpfInputs {
  return {
    ...(smtp.ip ? { ip: smtp.ip } : { problem: 'no SMTP client IP: the caller stated the message was not received over SMTP', noSmtpClient: true }),
    ...(smtp.helo ? { helo: smtp.helo } : {}),
    ...(smtp.mailFrom !== undefined ? { mailFrom: smtp.mailFrom, mailFromSource: 'stated by the caller' } : {}),
  };
}

/** A corrupt --at must not turn every expiry comparison false (the mailauth 4 "Invalid Date" bug). */
function validDate(at: Date, deps: Deps): Date {
  return Number.isFinite(at.getTime()) ? at : deps.now();
}

function reportedInputs(inputs: SpfInputs): AuthReport['inputs'] {
  // Assigned in this order, each only when known (no spread objects: this runs for every message).
  const out: NonNullable<AuthReport['inputs']> = {};
  if (inputs.ip) out.ip = inputs.ip;
  if (inputs.helo) out.helo = inputs.helo;
  if (inputs.mailFrom !== undefined) out.mailFrom = inputs.mailFrom;
  return out;
}

async function computedResults(input: AuthInput, inputs: SpfInputs, guard: GuardedResolver, trusted: TrustedIds): Promise<MethodResult[]> {
  if (input.message.problems.some((p) => p.code === 'header-truncated')) {
    // mailauth buffers the whole header block without a limit; the message stage already cut it, and a cut header
    // cannot be verified anyway.
    return unknownResults('the header block exceeds the size cap; not evaluated', inputs);
  }
  const signatures = input.message.headers.filter((f) => f.key === 'dkim-signature' || f.key === 'arc-message-signature');
  const refused = signatures.length > MAX_SIGNATURES ? `${signatures.length} signatures (more than ${MAX_SIGNATURES})` : tooManyBodyHashes(signatures);
  const { loadMailauth } = await import('./mailauth.js');
  const { compute } = await import('./compute.js');
  const ma = await loadMailauth();
  const at = input.at;
  const outerDeadline = (input.dnsDeadlineMs ?? DEFAULT_DNS_DEADLINE_MS) + 2_000;
  const authors = { headerFrom: input.identity.from.map((m) => m.address).filter(Boolean), fromFields: input.identity.fromFields };
  let timer: NodeJS.Timeout | undefined;
  try {
    const computation = await Promise.race([
      compute(ma, input.message.bytes, {
        at,
        inputs,
        resolver: guard.resolve,
        ...(input.minBitLength ? { minBitLength: input.minBitLength } : {}),
        strictSpf: input.strictSpf ?? true,
        ...(refused ? { skipSignatures: authors } : {}),
        authors,
        step: (name) => guard.setStep(name),
        stopHashing: () => guard.expired('dkim'),
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('authentication did not finish before the deadline')), outerDeadline);
      }),
    ]);
    const stepQueries = new Map<string, QueryOutcome[]>();
    for (const q of guard.queries) {
      if (!q.step) continue;
      const list = stepQueries.get(q.step) ?? [];
      list.push(q);
      stepQueries.set(q.step, list);
    }
    const results = mapResults(computation, { message: input.message, chain: input.chain, at, inputs, guard, stepQueries, trusted, formatDomain: ma.formatDomain });
    return refused ? withSignaturesRefused(results, refused, signatures.length) : results;
  } catch (err) {
    return unknownResults(`not evaluated: ${(err as Error).message}`, inputs);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the body hashes mailauth would compute are too many, if they are: counted as written (an over-count where mailauth reads two spellings as
 * one, never an under-count): an ARC-Message-Signature without c= costs two, simple and the relaxed fallback
 * mailauth's lenient mode also tries.
 */
function tooManyBodyHashes(signatures: readonly HeaderField[]): string | undefined {
  const keys = new Set<string>();
  for (const f of signatures) {
    const tags = parseTags(f.value, true); // the whole field: a tag past 32 KiB is still mailauth's
    const c = tags.get('c')?.toLowerCase();
    const rest = `${tags.get('a')?.toLowerCase() ?? ''} ${tags.get('l') ?? ''}`;
    keys.add(`${c?.split('/')[1] ?? 'simple'} ${rest}`);
    if (c === undefined && f.key === 'arc-message-signature') keys.add(`relaxed ${rest}`);
  }
  return keys.size > MAX_BODY_HASHES ? `${keys.size} distinct body hashes asked for by c=, a= and l= (more than ${MAX_BODY_HASHES})` : undefined;
}

/**
 * DKIM and ARC were not verified because the message asks for more work than real mail does: say so as permerror,
 * so that an attacker cannot hide a DMARC failure behind junk signatures (DMARC ran without any DKIM pass).
 */
function withSignaturesRefused(results: MethodResult[], why: string, count: number): MethodResult[] {
  const comment = `${why}: none verified, a resource-exhaustion guard`;
  const refuse = (method: 'dkim' | 'arc'): MethodResult => ({ method, result: 'permerror', comment, details: { signatures: count } });
  return [...results.filter((r) => r.method !== 'dkim' && r.method !== 'arc'), refuse('dkim'), refuse('arc')];
}

/** The DNS answers this message used, once per (name, type), with their provenance from the run's log. */
function dnsRecords(queries: QueryOutcome[], deps: Deps): DnsAnswerRecord[] {
  const log = deps.dnsLog?.() ?? [];
  const seen = new Set<string>();
  const out: DnsAnswerRecord[] = [];
  for (const q of queries) {
    const key = `${q.type} ${q.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = findLast(log, (e) => e.name === q.name && e.type === q.type);
    if (entry) out.push(entry);
    else out.push({ name: q.name, type: q.type, provenance: q.error === MISSING ? 'missing' : 'live', ...(q.error ? { error: q.error } : {}) });
  }
  return out;
}

function findLast<T>(list: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return list[i];
  return undefined;
}
