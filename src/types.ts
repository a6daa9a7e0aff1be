// The data that flows through the pipeline, stage by stage:
//   RawMessage -> Message -> { Hop[] + Chain, Identity, AuthReport } -> Finding[] -> Verdict -> Report
// These types are the documentation of the data: read them before any function.

// ---------------------------------------------------------------- input

/** Where a message came from, so a batch result can point back at it. */
export interface Source {
  kind: 'file' | 'stdin' | 'mbox' | 'maildir' | 'buffer' | 'embedded';
  path?: string;
  /** Byte offset of the message inside an mbox file. */
  offset?: number;
  /** Ordinal of the message inside its container (mbox, stdin list), 0-based. */
  index?: number;
  /** For an ARF report or a forwarded attachment: the container it was unwrapped from. */
  parent?: Source;
}

export interface RawMessage {
  source: Source;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------- message

/** One header field exactly as it stands in the message. */
export interface HeaderField {
  /** 0 = the topmost field. Findings point at fields by this index. */
  index: number;
  /** The field name as written (may differ in case). */
  name: string;
  /** Lower-case field name, for lookups. */
  key: string;
  /** The whole field as written, folding kept, line endings normalised to \n, bytes decoded as UTF-8 (latin-1 when not valid UTF-8). */
  raw: string;
  /** The value unfolded (folding whitespace collapsed to one space), trimmed. Encoded words are NOT decoded. */
  value: string;
  /** Byte offset of the field inside the message. */
  offset: number;
  /** True when the name was followed by whitespace before the colon ("From : x"). */
  spaceBeforeColon: boolean;
}

export type LineEnding = 'crlf' | 'lf' | 'cr' | 'mixed' | 'none';

/** Something odd about the message's framing, noticed while splitting it (not a parse failure). */
export type MessageProblemCode =
  | 'no-body-separator' // headers run to the end of the input
  | 'header-truncated' // the header block was larger than the cap; the rest was not read
  | 'byte-order-mark' // a leading UTF-8 BOM was skipped
  | 'mbox-from-line' // a leading "From " line was removed
  | 'bare-cr' // bare CR line endings were converted
  | 'invalid-header-line' // a line that is neither a field nor a continuation
  | 'nul-in-header' // NUL bytes in the header block
  | 'control-bytes-in-header'; // over a tenth of the header's first 4 KB are control bytes (analysed only when given as mail)

export interface MessageProblem {
  code: MessageProblemCode;
  detail: string;
}

export interface Message {
  headers: HeaderField[];
  /** Size of the raw input in bytes. */
  size: number;
  /** Byte offset where the body starts (after the blank line), or size when there is none. */
  bodyOffset: number;
  lineEnding: LineEnding;
  /** The leading mbox "From " line, when there was one (without the line ending). */
  mboxFrom?: string;
  problems: MessageProblem[];
  /** The message without an mbox From line (bare CR converted to CRLF): what DKIM verifies. Not a copy when avoidable. */
  bytes: Uint8Array;
}

/** A parsed mailbox, from nodemailer's address parser (the one mailparser uses), with the raw text kept. */
export interface Mailbox {
  /** Display name, encoded words decoded, control characters kept (renderers strip them). */
  name: string;
  /** addr-spec as written (punycode NOT decoded), lower-cased domain. Empty when there is none. */
  address: string;
  /** Domain part of address, lower case, ASCII (punycode) form. */
  domain: string;
  /** Set when the mailbox came from inside a group ("Undisclosed:;"). */
  group?: string;
}

// ---------------------------------------------------------------- hops

/** The transport a hop used, as a closed set. RFC 3848 keywords plus the non-SMTP ones MTAs write. */
export type Protocol =
  | 'SMTP'
  | 'ESMTP'
  | 'ESMTPS'
  | 'ESMTPA'
  | 'ESMTPSA'
  | 'LMTP'
  | 'LMTPS'
  | 'LMTPA'
  | 'LMTPSA'
  | 'UTF8SMTP'
  | 'UTF8SMTPS'
  | 'UTF8SMTPA'
  | 'UTF8SMTPSA'
  | 'HTTP'
  | 'HTTPS'
  | 'MAPI'
  | 'IMAP'
  | 'POP3'
  | 'LOCAL'
  | 'QMQP'
  | 'UUCP'
  | 'OTHER';

/** What kind of event a Received header records. */
export type HopKind =
  | 'relay' // one host handed the message to another over the network
  | 'local' // pickup, "invoked by uid", "invoked from network", local delivery, content filters on the same host
  | 'unparseable'; // kept, counted, and reported as a finding; never thrown

export type TrustLevel = 'trusted' | 'boundary' | 'untrusted';

export interface HopPeer {
  /** What the client claimed in HELO/EHLO. Attacker-controlled. */
  helo?: string;
  /** What the receiver's reverse DNS said for the client IP. */
  rdns?: string;
  /** The receiver wrote its reverse-DNS result (a name or "unknown"); rdns absent with this set means "no name". */
  rdnsLooked?: boolean;
  /** The client IP the receiver saw (IPv4 dotted, IPv6 compressed lower case). */
  ip?: string;
  port?: number;
  /** RFC 1413 ident or authenticated user, when stated. */
  ident?: string;
}

export interface Hop {
  /** Position in the chain: 0 = the oldest hop (bottom-most Received). */
  index: number;
  /** Index of the Received header field (0 = topmost header). */
  header: number;
  /** The raw header text (evidence). */
  raw: string;
  kind: HopKind;
  /** Which dialect the parser recognised ('postfix', 'exim', 'exchange', ...), or 'generic'. */
  dialect: string;
  /** 'ok': every clause understood; 'partial': some clauses skipped; 'unparseable'. */
  parse: 'ok' | 'partial' | 'unparseable';
  from?: HopPeer;
  /** The receiving host, as written in the by clause. */
  by?: string;
  /** An IP the receiving host stated for itself. */
  byIp?: string;
  via?: string;
  /** The with-clause word as written ("ESMTPS", "Microsoft SMTP Server", "mapi"). */
  with?: string;
  protocol?: Protocol;
  /** TLS was used (ESMTPS, a version=/cipher= comment, "TLS" in the with clause). */
  tls: boolean;
  tlsVersion?: string;
  tlsCipher?: string;
  /** The client authenticated (ESMTPA/ESMTPSA, "authenticated sender", "auth=pass"). */
  authenticated: boolean;
  id?: string;
  for?: string;
  envelopeFrom?: string;
  /** The date part as written after the last ';'. */
  dateRaw?: string;
  /** ISO-8601 UTC instant, when the date parsed. */
  timestamp?: string;
  /** The zone offset as written, in minutes east of UTC. */
  zoneOffsetMinutes?: number;
  /** Seconds since the previous (older) hop; negative means clock skew. Undefined for the oldest hop or a missing date. */
  delaySeconds?: number;
  trust: TrustLevel;
  trustReason: string;
  /** Why a hop is 'partial' (a repeated clause, a stray ';', a date not understood, ...). */
  notes?: string[];
}

/** The chain as a whole. */
export interface Chain {
  /** Oldest first. */
  hops: Hop[];
  /** Index into hops of the boundary hop, or undefined when no hop could be chosen. */
  boundary?: number;
  /** Seconds from the oldest to the newest timestamp. */
  totalDelaySeconds?: number;
}

// ---------------------------------------------------------------- identity

export interface Envelope {
  /** MAIL FROM: the topmost Return-Path, else the boundary hop's envelope-from. '' = null sender (<>). */
  mailFrom?: string;
  mailFromSource?: { header: string; index: number };
  /** RCPT TO candidates: Delivered-To, X-Original-To, Envelope-To, boundary hop's for. */
  rcptTo: string[];
  clientIp?: string;
  helo?: string;
}

export interface Identity {
  envelope: Envelope;
  /** Every mailbox of every From header, in order. */
  from: Mailbox[];
  /** Number of From header fields. */
  fromFields: number;
  sender?: Mailbox;
  replyTo: Mailbox[];
  to: Mailbox[];
  cc: Mailbox[];
  messageId?: string;
  /** The raw Date value and its parse. */
  date?: { raw: string; timestamp?: string };
  subject?: string;
  listId?: string;
  /** List-Post, the list's posting address (RFC 2369), as written. */
  listPost?: string;
  /** The topmost Resent-* block (RFC 5322 3.6.6): who re-sent the message, when. */
  resent?: { from: Mailbox[]; sender?: Mailbox; to: Mailbox[]; date?: string; messageId?: string };
}

// ---------------------------------------------------------------- authentication

export type AuthMethod = 'spf' | 'dkim' | 'dmarc' | 'arc';
export type AuthResultValue =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy'
  | 'unknown'; // could not be evaluated (offline, a replayed answer missing)

/** Where a DNS answer used by the analysis came from. */
export type DnsProvenance = 'live' | 'replayed' | 'missing';

export interface DnsAnswerRecord {
  name: string;
  type: string;
  provenance: DnsProvenance;
  /** The answer as node:dns returns it, or undefined with an error code. */
  answer?: unknown;
  error?: string;
}

export interface MethodResult {
  method: AuthMethod;
  result: AuthResultValue;
  /** Domain evaluated (SPF domain, DKIM d=, DMARC From domain, ARC sealer). */
  domain?: string;
  comment?: string;
  /** Method-specific details (selector, algorithm, key size, alignment, policy, ...). */
  details?: Record<string, unknown>;
}

/** One resinfo of a recorded Authentication-Results / ARC-Authentication-Results header. */
export interface RecordedResult {
  header: number;
  headerName: string;
  authservId: string;
  method: string;
  result: string;
  reason?: string;
  properties: Record<string, string>;
  /** The receiver's comment after the result ("2048-bit key"). */
  comment?: string;
  /** ARC-Authentication-Results instance (i=). */
  instance?: number;
  /** The authserv-id belongs to the receiving side, wherever the header sits (a planted one claims this too). */
  receiverId?: boolean;
  /** Trusted only when the authserv-id belongs to the trusted side and the header sits at or above the boundary. */
  trusted: boolean;
  trustReason: string;
  /**
   * An earlier ARC set's ARC-Authentication-Results below the boundary, in the receiving operator's name: the d= of
   * the ARC-Seal that signed it, a seal the receiver's own trusted arc=pass validated. Not this delivery's result
   * (so not trusted), and not planted either.
   */
  arcSealer?: string;
}

export interface AuthReport {
  /** 'computed': evaluated against DNS; 'offline': recorded results only. */
  mode: 'computed' | 'offline';
  /** The instant the checks were evaluated as of. */
  evaluatedAt: string;
  /** What SPF was evaluated with. */
  inputs?: { ip?: string; helo?: string; mailFrom?: string };
  results: MethodResult[];
  recorded: RecordedResult[];
  /** Our result vs the receiver's, per method, with a probable reason when they differ. */
  comparison: { method: AuthMethod; ours: AuthResultValue; theirs?: string; agree: boolean; reason?: string }[];
  dns: DnsAnswerRecord[];
}

// ---------------------------------------------------------------- findings

export type Severity = 'info' | 'low' | 'medium' | 'high';

export interface Evidence {
  /** Header field name as written ("Received"), or a pseudo-source such as "dns:TXT example.com". */
  header: string;
  /** Header index (0 = topmost); -1 for evidence that is not a header. */
  index: number;
  text: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  evidence: Evidence[];
  data?: Record<string, unknown>;
}

// ---------------------------------------------------------------- verdict and report

export type Verdict = 'pass' | 'suspicious' | 'forged';

export interface MessageSummary {
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  messageId?: string;
  size: number;
  headerCount: number;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'mailtrace'; version: string };
  source?: Source;
  message: MessageSummary;
  hops: Hop[];
  boundary: { hop: number; ip?: string; helo?: string; rdns?: string; by?: string } | null;
  totalDelaySeconds?: number;
  identity: Identity;
  auth: AuthReport;
  findings: Finding[];
  verdict: Verdict;
  /** Sum of the severity weights of the findings (see verdict/). */
  score: number;
  /** The finding ids that decided the verdict. */
  verdictDrivers: string[];
  exitCode: number;
  /** Set when the analysed message was unwrapped from an abuse report or a forward (see input/unwrap). */
  container?: ContainerInfo;
}

/**
 * The report a message was unwrapped from: an ARF feedback report (RFC 5965), a forward as an attachment, or a
 * bounce (RFC 3464 delivery status notification) returning the original, as backscatter of forged mail does.
 */
export interface ContainerInfo {
  kind: 'arf' | 'forwarded' | 'bounce';
  /** What the container held of the original: the whole message, its headers only, or nothing (the container itself was analysed). */
  embedded: 'message' | 'headers' | 'none';
  /** Which report format was recognised: 'rfc5965', 'rfc3464', or a provider's own ('hotmail-jmrp', 'apple-unsubscribe'). */
  format?: string;
  /** RFC 5965 3.1 Feedback-Type (abuse, fraud, virus, other, not-spam, auth-failure, opt-out...), lower case. */
  feedbackType?: string;
  /** Address in the container's From: who sent the report. */
  reporter?: string;
  /** RFC 5965 User-Agent: the software that generated the report. */
  userAgent?: string;
  sourceIp?: string;
  originalMailFrom?: string;
  originalRcptTo?: string[];
  originalEnvelopeId?: string;
  arrivalDate?: string;
  reportingMta?: string;
  reportedDomain?: string[];
  reportedUri?: string[];
  /** RFC 6591 Auth-Failure (dkim, spf, dmarc, bodyhash...), for auth-failure reports. */
  authFailure?: string;
  incidents?: number;
  /** The container's Subject, as written. */
  subject?: string;
  /** The forwards this container came in, outermost first (an abuse desk forwarding a complaint as an attachment). */
  via?: { kind: 'forwarded'; reporter?: string; subject?: string }[];
  /**
   * The container judged as a message of its own, the worst of them when forwards nest (absent when it holds no
   * original and was itself analysed). A phishing message can carry a harmless .eml: its own verdict is what tells it
   * apart from a real forward.
   */
  wrapper?: WrapperVerdict;
}

/** The verdict of the message an original was taken out of (see ContainerInfo.wrapper). */
export interface WrapperVerdict {
  verdict: Verdict;
  score: number;
  /** The ids of the findings that decided the wrapper's verdict (none for a pass). */
  drivers: string[];
  /** Every distinct finding id of the wrapper, in the order found. */
  findings: string[];
  /** Which container: 0 the message itself, 1 the first one nested in it (container.via), and so on. */
  depth: number;
  /** That container's From address. */
  from?: string;
}

// ---------------------------------------------------------------- options and dependencies

/** A DNS resolver with the contract mailauth expects: dns.promises.resolve(name, rrtype). */
export type Resolver = (name: string, rrtype: string) => Promise<unknown>;

/** What the pipeline needs from the outside world. Passed in, never imported deep inside. */
export interface Deps {
  /** DNS; absent means offline. */
  resolver?: Resolver;
  /** Provenance log of the answers the resolver gave (filled by dns/). */
  dnsLog?: () => DnsAnswerRecord[];
  /** The clock, for "now" where nothing else fixes the time. */
  now: () => Date;
}

export interface TrustConfig {
  /** Host names, domains, IPs or CIDRs of the receiving side's own servers. */
  trust: string[];
  /** authserv-ids whose Authentication-Results we trust. */
  authservIds: string[];
}

export interface AnalyzeOptions extends Partial<TrustConfig> {
  /** No DNS at all: recorded Authentication-Results only. */
  offline?: boolean;
  /** Evaluate as of this instant (default: the boundary hop's timestamp). */
  at?: Date;
  /** Allowed clock skew between hops before a time reversal is a finding, in seconds (default 300). */
  skewSeconds?: number;
  /** Cap on the header block in bytes (default 1 MiB). */
  maxHeaderBytes?: number;
  /**
   * The input is mail whatever it holds (a mail filter's stdin): a header with a NUL or many control bytes is analysed,
   * with a finding, instead of refused as binary data. Otherwise one NUL byte would hide a forgery from the filter.
   */
  binaryHeader?: 'refuse' | 'analyse';
  /**
   * Analyse the original inside an abuse report or a forward instead of the container (default 'none': the message
   * as given). 'arf' unwraps feedback reports only; 'all' also forwards as attachments and bounces. The report then
   * has `container`, and its source is { kind: 'embedded', parent: source }.
   */
  unwrap?: UnwrapMode;
  source?: Source;
  deps?: Partial<Deps>;
}

/** Which containers analyze() opens: see AnalyzeOptions.unwrap and input/unwrap.ts. */
export type UnwrapMode = 'all' | 'arf' | 'none';
