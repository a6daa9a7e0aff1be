// The resolver mailauth gets for one message: the run's resolver behind a per-message deadline, with a log of
// every query and how it ended. mailauth has no DNS timeout of its own (a resolver that never settles leaves it
// pending forever), and it turns some DNS errors into verdicts (ARC: any error is "fail"); the log lets us undo
// that and mark a result that depended on a missing replay answer as unknown.
import type { Resolver } from '../types.js';
import { MISSING } from '../dns/replay.js';
import { normaliseName } from '../dns/snapshot.js';

export interface QueryOutcome {
  name: string;
  type: string;
  /** The step (dkim, spf, arc, dmarc) that asked, when the caller named one. */
  step?: string;
  /** The error code, when the query failed. */
  error?: string;
  /** The deadline (or the step's share of it) ended the query, or came before it was made: no answer from DNS. */
  cut?: true;
}

export interface GuardedResolver {
  resolve: Resolver;
  queries: QueryOutcome[];
  /** The outcome of the last query for (name, type), if one was made. */
  outcome(name: string, type: string): QueryOutcome | undefined;
  /** True once the deadline has passed, or the named step's share of it (STEP_SHARE). */
  expired(step?: string): boolean;
  /** Name the step that asks from now on; outcomes carry it. */
  setStep(step: string): void;
}

/**
 * How far into the message's DNS time each step may still ask, as a share of it (a step not listed: all of it). The
 * sender chooses its signatures' key domains, its ARC sealers and its MAIL FROM domain; what decides a spoof is the
 * From domain's DMARC record, asked last. Without these shares, 11 DKIM-Signatures naming key domains that never
 * answer (one lookup deadline each, one after another) used up the 15 s, SPF and DMARC then failed at once with
 * temperror, and a spoof of a p=reject domain from an unauthorised IP was 'pass'.
 */
const STEP_SHARE: ReadonlyMap<string, number> = new Map([
  ['dkim', 0.6],
  ['arc', 0.6],
  ['spf', 0.8],
  ['spf-helo', 0.8],
]);

/** Codes that mean "the name or record does not exist": an answer, not a failure. */
export const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA']);
/** Code for a query refused because the message's DNS deadline passed. */
export const DEADLINE = 'ETIMEOUT';

function codedError(code: string, name: string, type: string): NodeJS.ErrnoException {
  const err = new Error(`query${type} ${code} ${name}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

/**
 * Wraps `inner` so that every query settles by `deadlineMs` after the first call to this function, or by its step's
 * share of it (rejecting with ETIMEOUT), names are queried in lower case without a trailing dot (DKIM names arrive in the case d= was
 * written; DNS names are case-insensitive, RFC 4343), and each outcome is logged.
 */
export function guardResolver(inner: Resolver, deadlineMs: number, now: () => number = Date.now): GuardedResolver {
  const start = now();
  const deadline = start + deadlineMs;
  const limitOf = (s: string | undefined) => (s !== undefined && STEP_SHARE.has(s) ? start + STEP_SHARE.get(s)! * deadlineMs : deadline);
  const queries: QueryOutcome[] = [];
  let step: string | undefined;
  const last = new Map<string, QueryOutcome>();
  const record = (o: QueryOutcome) => {
    queries.push(o);
    last.set(`${o.type} ${o.name}`, o);
  };
  const resolve: Resolver = async (rawName, rawType) => {
    const name = normaliseName(String(rawName));
    const type = String(rawType).toUpperCase();
    const asked = step;
    const note = (o: QueryOutcome) => record(asked !== undefined ? { ...o, step: asked } : o);
    const left = limitOf(asked) - now();
    if (left <= 0) {
      note({ name, type, error: DEADLINE, cut: true });
      throw codedError(DEADLINE, name, type);
    }
    let timer: NodeJS.Timeout | undefined;
    let cut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cut = true;
        reject(codedError(DEADLINE, name, type));
      }, left);
    });
    try {
      const answer = await Promise.race([inner(name, type), timeout]);
      note({ name, type });
      return answer;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      note({ name, type, error: code, ...(cut ? { cut: true as const } : {}) });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    resolve,
    queries,
    outcome: (name, type) => last.get(`${type.toUpperCase()} ${normaliseName(name)}`),
    expired: (s) => now() >= limitOf(s),
    setStep: (name) => {
      step = name;
    },
  };
}

export function isMissing(o: QueryOutcome | undefined): boolean {
  return o?.error === MISSING;
}

/** A lookup that failed for a reason other than "does not exist" (timeout, SERVFAIL, refused, missing). */
export function isLookupFailure(o: QueryOutcome | undefined): boolean {
  return o?.error !== undefined && !NOT_FOUND.has(o.error);
}
