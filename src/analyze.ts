// The pipeline, one message end to end:
//   bytes -> (the original inside, when unwrapping a report) -> Message -> Chain (hops, trust boundary) -> Identity
//   -> AuthReport -> Finding[] -> verdict -> Report
import type { AnalyzeOptions, AuthReport, Chain, Deps, Finding, Identity, Message, Report } from './types.js';
import type { JudgedWrapper } from './findings/define.js';
import type { RelayContext } from './identity/relay.js';
import { parseMessage, firstField, DEFAULT_MAX_HEADER_BYTES, NotAMessageError } from './message/parse.js';
import { buildChain } from './hops/index.js';
import { extractIdentity, gatherRelayContext } from './identity/index.js';
import { authenticate, DEFAULT_DNS_DEADLINE_MS, judgeRecorded } from './auth/index.js';
import { runRules } from './findings/index.js';
import { decideVerdict, exitCodeFor, findingIds } from './verdict/index.js';
import { decodeWords } from './message/encoded-words.js';
import { unwrapMessage } from './input/unwrap.js';
import { VERSION } from './version.js';

export const DEFAULT_SKEW_SECONDS = 300;

function resolveDeps(options: AnalyzeOptions): Deps {
  return { now: () => new Date(), ...options.deps };
}

/** What the rules read about one message: its hop chain, identity, authentication and relay facts. */
interface Gathered {
  message: Message;
  chain: Chain;
  identity: Identity;
  auth: AuthReport;
  relay: RelayContext | undefined;
}

/** Everything about one parsed message that may need DNS: the hop chain, identity, authentication, relay facts. */
async function gather(message: Message, options: AnalyzeOptions, deps: Deps): Promise<Gathered> {
  const trust = { trust: options.trust ?? [], authservIds: options.authservIds ?? [] };
  const chain = buildChain(message, trust);
  const judged = judgeRecorded(message, chain, trust.authservIds);
  const identity = extractIdentity(message, chain, judged.recorded);
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const at = options.at ?? (boundary?.timestamp ? new Date(boundary.timestamp) : deps.now());
  const offline = options.offline === true || !deps.resolver;
  // One DNS deadline per message: the relay lookups get what authentication left of it, never a deadline of their own.
  const dnsDeadline = Date.now() + DEFAULT_DNS_DEADLINE_MS;
  const auth = await authenticate({ message, chain, identity, at, offline, authservIds: trust.authservIds, judged }, deps);
  const relay = await gatherRelayContext(identity, chain, offline ? undefined : deps.resolver, dnsDeadline - Date.now());
  return { message, chain, identity, auth, relay };
}

function findingsOf(g: Gathered, options: AnalyzeOptions, wrapper?: JudgedWrapper): Finding[] {
  const skewSeconds = options.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  return runRules({ message: g.message, chain: g.chain, identity: g.identity, auth: g.auth, relay: g.relay, options: { ...options, skewSeconds }, wrapper });
}

/** The containers an original was taken out of (outermost first), each judged as a message: the worst one. */
function worstWrapper(containers: readonly Gathered[], options: AnalyzeOptions): JudgedWrapper {
  let worst: (JudgedWrapper & { rank: number }) | undefined;
  for (let i = 0; i < containers.length; i++) {
    const findings = findingsOf(containers[i]!, options);
    const { verdict, score, drivers } = decideVerdict(findings);
    const rank = VERDICT_RANK[verdict] * 1e6 + score;
    if (worst && rank <= worst.rank) continue;
    const from = containers[i]!.identity.from[0]?.address || undefined;
    worst = { rank, findings, verdict: { verdict, score, drivers, findings: findingIds(findings), depth: i, ...(from ? { from } : {}) } };
  }
  return { findings: worst!.findings, verdict: worst!.verdict };
}

const VERDICT_RANK = { pass: 0, suspicious: 1, forged: 2 } as const;

/** Analyse one raw message. Rejects with NotAMessageError when the bytes are not a mail message at all. */
export async function analyze(input: Uint8Array, options: AnalyzeOptions = {}): Promise<Report> {
  const deps = resolveDeps(options);
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  // The input is parsed once: whether it is a report or a forward is read from its parsed header, and only the
  // original inside one is parsed again.
  const top = parseMessage(input, maxHeaderBytes, options.binaryHeader);
  const unwrapped = options.unwrap ? unwrapMessage(top, input, options.unwrap, maxHeaderBytes) : { bytes: input, container: undefined };
  let container = unwrapped.container;
  let layers = unwrapped.layers ?? [];
  let message = top;
  if (unwrapped.bytes !== input) {
    try {
      message = parseMessage(unwrapped.bytes, maxHeaderBytes);
    } catch (err) {
      if (!(err instanceof NotAMessageError)) throw err;
      // The original inside is no message (binary, say): the innermost container is analysed as itself, rather than
      // the whole input becoming an error record that hides what the container is.
      message = layers.length ? layers[layers.length - 1]! : top;
      layers = layers.slice(0, -1);
      container = { ...container!, embedded: 'none' };
    }
  }
  // A report or forward is judged as a message too, and so is every container nested in it: a phishing message that
  // carries a harmless .eml must not be judged by the attachment alone, nor when a user forwards it. All of them are
  // gathered at once: with live DNS each has its own deadline, which one after the other would add up.
  let own: Gathered;
  let wrapper: JudgedWrapper | undefined;
  if (message === top) own = await gather(message, options, deps);
  else {
    // (No destructuring here or below: a scan runs most messages in unoptimised code, where it allocates.)
    const all = await Promise.all([gather(message, options, deps), gather(top, options, deps), ...layers.map((c) => gather(c, options, deps))]);
    own = all[0]!;
    wrapper = worstWrapper(all.slice(1), options);
    container = { ...container!, wrapper: wrapper.verdict };
  }
  const chain = own.chain;
  const identity = own.identity;
  const auth = own.auth;
  const findings = findingsOf(own, options, wrapper);
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const { verdict, score, drivers } = decideVerdict(findings);
  const text = (name: string) => {
    const f = firstField(message, name);
    return f ? decodeWords(f.value) : undefined;
  };
  // Every report has the same keys in the same order, an absent value undefined (JSON leaves it out): one shape for
  // every report, message summary and boundary keeps JSON.stringify and the code that reads reports monomorphic,
  // where conditional spreads gave each combination of present fields its own hidden class.
  return {
    schemaVersion: 1,
    tool: { name: 'mailtrace', version: VERSION },
    source: container ? { kind: 'embedded', parent: options.source } : options.source,
    message: {
      from: text('from'),
      to: text('to'),
      subject: text('subject'),
      date: text('date'),
      messageId: text('message-id'),
      size: message.size,
      headerCount: message.headers.length,
    },
    hops: chain.hops,
    boundary: boundary
      ? { hop: boundary.index, ip: boundary.from?.ip, helo: boundary.from?.helo, rdns: boundary.from?.rdns, by: boundary.by }
      : null,
    totalDelaySeconds: chain.totalDelaySeconds,
    identity,
    auth,
    findings,
    verdict,
    score,
    verdictDrivers: drivers,
    exitCode: exitCodeFor(verdict),
    container,
  };
}
