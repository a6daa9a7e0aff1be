// V8 settings for a scan's worker isolates. A worker compiles its hot code for itself, and on a scan of a few
// thousand messages that warm-up is most of the work: TurboFan compiles (~530 in a cold corpus pass with V8's
// defaults, half of them recompiles after a deoptimisation) cost ~1.9 s of CPU per isolate on background threads,
// which on two cores is taken from the analysis. Most of these flags make V8 compile less and later, with more
// feedback; the last two keep a worker's collector and compiler from handing work to helper threads when no core is
// free for them.
// V8 flags are process-wide and a new isolate reads them when it is created, so they are set before the first worker
// starts. Node documents changing flags after start-up as unsupported in general; these only steer the optimising
// compiler's heuristics and the number of scavenger tasks, which V8 reads afresh for each compile and each
// collection, and whether a new isolate compiles in the background. (Not --single-threaded-gc: it also turns off
// concurrent marking, and the main thread's heap, which started with it, then aborted a V8 check at its next full
// collection.) An unknown flag is not an error but V8 prints one to stderr, on every scan, so each flag is given
// only to the V8 versions known to have it (test/cli/scan-v8-flags.test.ts checks each on Node 20, 22 and 24): a
// newer V8 gets none until it has been measured, and scans as fast as V8's defaults make it.

/** The V8 majors of Node 20 (11), 22 (12) and 24 (13). */
const MEASURED_V8 = (major: number) => major >= 11 && major <= 13;

interface V8Flag {
  flag: string;
  /** The V8 major versions that know this flag, when not every measured one. */
  v8Majors?: (major: number) => boolean;
  /** Only when the scan runs a worker on every core. */
  everyCoreBusy?: true;
}

const FLAGS: readonly V8Flag[] = [
  // Bytecode inlined into one optimised function (default 920): compiles cost about half, the code is hardly slower.
  // Corpus scan, Node 20, --jobs 1: 9.6 -> 7.7 s CPU.
  { flag: '--max-inlined-bytecode-size-cumulative=200' },
  // Optimise a function only after it ran this many times since its type feedback last changed (default 500), and
  // peel no loops: fewer optimisations that are thrown away on the next message of another shape, cheaper compiles.
  { flag: '--minimum-invocations-after-ic-update=1500' },
  { flag: '--no-turbo-loop-peeling' },
  // How long a function runs before TurboFan optimises it: eight times V8's default. On a scan of a few thousand
  // messages a function optimised later is compiled fewer times (each deoptimisation on a message of a new shape
  // costs a recompile) and what it still runs unoptimised costs less than the compiles did; a long scan gets its hot
  // code optimised all the same, only a little later. Corpus scan, --jobs 2, medians of interleaved runs:
  // - V8 11 (Node 20) counts the budget in bytecode executed (default 67,584). 2x, 4x, 8x, 12x, 32x: 4.04, 3.83,
  //   3.70, 3.70, 3.89 s (8x against 2x in three rounds: -8 to -12%, CPU likewise).
  { flag: '--interrupt-budget=540672', v8Majors: (major) => major <= 11 },
  // - V8 12 and 13 (Node 22, 24) count calls (default 3,000), with Maglev in between. 24,000: Node 22 4.67 -> 4.11 s,
  //   Node 24 3.70 -> 3.41 s.
  { flag: '--invocation-count-for-turbofan=24000', v8Majors: (major) => major >= 12 },
  // A scavenge (~185 per worker over the corpus, ~1 ms each) splits its work with helper threads by default. A scan
  // keeps every core busy already, so a helper has to wait for one, and the worker for the helper. One task a
  // scavenge, corpus scan, --jobs 2, median wall ratio of ABBA rounds: Node 20 0.949 (six rounds, each one faster),
  // Node 22 0.953 (four), Node 24 0.962 (six, each one faster). Turning off the other background collector work as
  // well (sweeping, compaction, pointer updates) added nothing.
  { flag: '--no-parallel-scavenge' },
  // TurboFan compiles on a worker's own thread instead of a background one, when a worker runs on every core: there is
  // then no idle core for the background compile, only a hand-over both ways. Corpus scan, --jobs 2, median wall ratio
  // of ABBA rounds: Node 20 0.982, 0.989 and 0.979 (five, six and seven rounds; 16 of the 18 faster), Node 22 1.006
  // and 0.985 (five and six), Node 24 0.948 (five). With a core to spare (--jobs 1 on two cores) the background
  // compile is free and this costs 8%, so it is not given then. V8 reads it when an isolate is created: the workers
  // get it, the main thread goes on compiling in the background.
  { flag: '--no-concurrent-recompilation', everyCoreBusy: true },
];

/** The flags for the V8 of the given version ("11.3.244.8-node.38"), for a scan with a worker on every core or not. */
export function workerV8Flags(v8Version: string, everyCoreBusy = false): string[] {
  const major = Number.parseInt(v8Version, 10);
  if (!MEASURED_V8(major)) return [];
  return FLAGS.filter((f) => (!f.v8Majors || f.v8Majors(major)) && (!f.everyCoreBusy || everyCoreBusy)).map((f) => f.flag);
}
