// The four parts of mailauth 7.1.0 we use, loaded lazily by deep path.
//
// Why deep paths: the package root also loads lib/bimi, which pulls in undici 8 (an HTTP stack we never use):
// ~120 ms more start-up, and on Node 20 the root crashes outright (undici 8 needs Node >= 22.19, which is why
// mailauth 7 declares that engine). dkim, spf, dmarc and arc load and run on Node 20.18+. mailauth has no
// exports map, so these paths resolve as plain files.
// Why lazily: an --offline run, or a run that only renders recorded results, never pays for loading them.
import type { Readable } from 'node:stream';
import type { Resolver } from '../types.js';

// Only the parts of mailauth's results we read (its own .d.ts cannot describe MX answers or the hidden props).
export interface DkimStatus {
  result: string;
  comment?: string;
  aligned?: string | false;
  underSized?: number;
  testing?: boolean;
  /** What mailauth's lenient mode accepted that its strict mode would reject ("invalid-v", "query-method", ...). */
  warnings?: string[];
  policy?: Record<string, string>;
  header?: { i?: string | false; s?: string; a?: string };
}

export interface DkimSignatureResult {
  id: string;
  /** The b= value. */
  signature?: string;
  signingDomain?: string;
  selector?: string;
  algo?: string;
  format?: string;
  status: DkimStatus;
  signTime?: string | null;
  expiresAfter?: string | null;
  signatureTimeValid?: boolean;
  canonBodyLength?: number;
  canonBodyLengthTotal?: number;
  canonBodyLengthLimited?: boolean;
  canonBodyLengthLimit?: number;
  modulusLength?: number;
  rr?: string;
  info?: string;
}

export interface DkimVerifyResult {
  headerFrom?: string[];
  fromFields?: number;
  envelopeFrom?: string | false;
  results: DkimSignatureResult[];
  /** Non-enumerable: the ARC chain data for arc(). */
  readonly arc?: unknown;
  /** Ours, not mailauth's: the body was not hashed to its end by the DKIM step's deadline, nothing was verified. */
  unfinished?: boolean;
}

export interface SpfResult {
  domain?: string;
  'client-ip'?: string;
  helo?: string;
  'envelope-from'?: string;
  rr?: string;
  status: { result: string; comment?: string; smtp?: { mailfrom?: string; helo?: string } };
  lookups?: { limit: number; count: number; void: number };
  info?: string;
}

export interface ArcResult {
  status: { result: string; comment?: string };
  i?: number | false;
  signature?: DkimSignatureResult | false;
  authenticationResults?: Record<string, unknown>;
}

export interface DmarcResult {
  status: { result: string; comment?: string; header?: { from?: string; d?: string } };
  domain?: string;
  policyDomain?: string;
  policy?: string;
  p?: string;
  sp?: string;
  np?: string;
  testMode?: boolean;
  rr?: string;
  alignment?: { spf?: { result: string | false; strict: boolean }; dkim?: { result: string | false; strict: boolean; underSized?: number } };
  error?: string;
}

export interface DmarcEvaluation {
  response: DmarcResult | false;
  dkimAligned?: Set<string>;
  reason?: 'no-author-domain' | 'multiple-author-domains' | 'invalid-author-domain' | 'multiple-from-fields';
  authorDomains?: string[];
}

export interface MailauthParts {
  dkimVerify(input: Buffer | Readable, opts: { resolver: Resolver; sender?: string; minBitLength?: number; curTime: Date }): Promise<DkimVerifyResult>;
  spf(opts: { sender?: string; ip: string; helo?: string; mta?: string; resolver: Resolver; maxResolveCount?: number; maxVoidCount?: number; maxElapsedTime?: number; strict?: boolean }): Promise<SpfResult>;
  arc(data: unknown, opts: { resolver: Resolver; minBitLength?: number; ip?: string }): Promise<ArcResult>;
  evaluateDmarc(opts: {
    headerFrom: string[];
    fromFields?: number;
    spfDomains: string[];
    dkimDomains: { id?: string; domain: string; aligned?: string | false; underSized?: number }[];
    arcResult?: ArcResult;
    resolver: Resolver;
  }): Promise<DmarcEvaluation>;
  formatDomain(domain: string): string;
}

let loading: Promise<MailauthParts> | undefined;

/** CommonJS modules imported from ESM arrive as { default: module.exports } (and sometimes named too). */
function cjs<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m.default ?? mod) as T;
}

/** Loads the four parts once per process. */
export function loadMailauth(): Promise<MailauthParts> {
  loading ??= (async () => {
    const [verify, spf, dmarc, arc, tools] = await Promise.all([
      import('mailauth/lib/dkim/verify.js'),
      import('mailauth/lib/spf/index.js'),
      import('mailauth/lib/dmarc/index.js'),
      import('mailauth/lib/arc/index.js'),
      import('mailauth/lib/tools.js'),
    ]);
    return {
      dkimVerify: cjs<{ dkimVerify: MailauthParts['dkimVerify'] }>(verify).dkimVerify,
      spf: cjs<{ spf: MailauthParts['spf'] }>(spf).spf,
      evaluateDmarc: cjs<{ evaluateDmarc: MailauthParts['evaluateDmarc'] }>(dmarc).evaluateDmarc,
      arc: cjs<{ arc: MailauthParts['arc'] }>(arc).arc,
      formatDomain: cjs<{ formatDomain: MailauthParts['formatDomain'] }>(tools).formatDomain,
    };
  })();
  return loading;
}
