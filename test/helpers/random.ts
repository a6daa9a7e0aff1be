// Seeded integers for the property tests: the same cases on every run, so a failure can be replayed.

/**
 * A function giving integers in [0, below), below <= 65,536: a 32-bit linear congruential generator (the C
 * library's constants) read from its high bits, whose period is longer than the low bits'. Math.imul keeps the
 * product exact (a plain multiply passes 2^53 and loses the low bits).
 */
export function seededInts(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % below;
  };
}
