// A bounded memo for pure functions of one string that the pipeline calls many times per message with the same
// argument (a host's registrable domain, an IP literal's canonical form). The map is keyed by header text, so it
// is a Map (no prototype keys), bounded in entries and in key length, and cleared when full: hostile input cannot
// grow it.

export const MEMO_MAX = 4096;
/** Longer arguments are computed every time: a DNS name is at most 253 characters, and nothing here needs more. */
export const MEMO_MAX_KEY = 256;

/** fn, remembered per argument; undefined results are remembered too. */
export function memoize<R>(fn: (key: string) => R, max = MEMO_MAX): (key: string) => R {
  const memo = new Map<string, R>();
  return (key: string): R => {
    if (key.length > MEMO_MAX_KEY) return fn(key);
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as R;
    const value = fn(key);
    if (memo.size >= max) memo.clear();
    memo.set(key, value);
    return value;
  };
}
