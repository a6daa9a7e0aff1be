// The pipeline, one message end to end:
//   bytes -> (the original inside, when unwrapping a report) -> Message -> Chain (hops, trust boundary) -> Identity
//   -> AuthReport -> Finding[] -> verdict -> Report
import type { AnalyzeOptions, AuthReport, Chain, Deps, Finding, Identity, Message, Report } from './types.js';
import type { JudgedWrapper } from './findings/define.js';
import { parseMessage, firstField, DEFAULT_MAX_HEADER_BYTES } from './message/parse.js';
import { buildChain } from './hops/index.js';
import { extractIdentity, gatherRelayContext } from './identity/index.js';
import { authenticate } from './auth/index.js';
import { runRules } from './findings/index.js';
import { decideVerdict, exitCodeFor } from './verdict/index.js';
import { decodeWords } from './message/encoded-words.js';
import { unwrapMessage } from './input/unwrap.js';
import { VERSION } from './version.js';

export const DEFAULT_SKEW_SECONDS = 300;

function resolveDeps(options: AnalyzeOptions): Deps {
  return { now: () => new Date(), ...options.deps };
}

interface Judged {
  chain: Chain;
  identity: Identity;
  auth: AuthReport;
  findings: Finding[];
}

/** The analysis proper: hop chain, identity, authentication and the rules' findings for one parsed message. */
async function judge(message: Message, options: AnalyzeOptions, deps: Deps, wrapper?: JudgedWrapper): Promise<Judged> {
  const trust = { trust: options.trust ?? [], authservIds: options.authservIds ?? [] };
  const chain = buildChain(message, trust);
  const identity = extractIdentity(message, chain);
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const at = options.at ?? (boundary?.timestamp ? new Date(boundary.timestamp) : deps.now());
  const offline = options.offline === true || !deps.resolver;
  const auth = await authenticate({ message, chain, identity, at, offline, authservIds: trust.authservIds }, deps);
  const relay = await gatherRelayContext(identity, chain, offline ? undefined : deps.resolver);
  const findings = runRules({
    message,
    chain,
    identity,
    auth,
    relay,
    options: { ...options, skewSeconds: options.skewSeconds ?? DEFAULT_SKEW_SECONDS },
    ...(wrapper ? { wrapper } : {}),
  });
  return { chain, identity, auth, findings };
}

/** The containers an original was taken out of (outermost first), each judged as a message: the worst one. */
async function judgeWrappers(containers: readonly Message[], options: AnalyzeOptions, deps: Deps): Promise<JudgedWrapper> {
  let worst: (JudgedWrapper & { rank: number }) | undefined;
  for (let i = 0; i < containers.length; i++) {
    const { findings, identity } = await judge(containers[i]!, options, deps);
    const { verdict, score, drivers } = decideVerdict(findings);
    const rank = VERDICT_RANK[verdict] * 1e6 + score;
    if (worst && rank <= worst.rank) continue;
    const ids: string[] = [];
    for (const f of findings) if (!ids.includes(f.id)) ids.push(f.id);
    const from = identity.from[0]?.address || undefined;
    worst = { rank, findings, verdict: { verdict, score, drivers, findings: ids, depth: i, ...(from ? { from } : {}) } };
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
  const top = parseMessage(input, maxHeaderBytes);
  const unwrapped = options.unwrap ? unwrapMessage(top, input, options.unwrap) : { bytes: input, container: undefined };
  const raw = unwrapped.bytes;
  let container = unwrapped.container;
  const message = raw === input ? top : parseMessage(raw, maxHeaderBytes);
  // A report or forward is judged as a message too, and so is every container nested in it: a phishing message that
  // carries a harmless .eml must not be judged by the attachment alone, nor when a user forwards it.
  const wrapper = message === top ? undefined : await judgeWrappers([top, ...(unwrapped.layers ?? [])], options, deps);
  if (wrapper) container = { ...container!, wrapper: wrapper.verdict };
  const { chain, identity, auth, findings } = await judge(message, options, deps, wrapper);
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
