// A rule is one check: it looks at the analysed message and returns findings, or nothing.
// Every rule must carry a title, a description and an explanation for newcomers: the type refuses one without them.
import type { AnalyzeOptions, AuthReport, Chain, Evidence, Finding, HeaderField, Hop, Identity, Message, Severity, WrapperVerdict } from '../types.js';
import type { RelayContext } from '../identity/relay.js';

export interface RuleContext {
  message: Message;
  chain: Chain;
  identity: Identity;
  auth: AuthReport;
  options: Readonly<AnalyzeOptions> & { skewSeconds: number };
  /** DNS facts for the relay rules (recipient MX, sender SPF per relay), gathered before the rules run. */
  relay?: RelayContext;
  /** When the message was taken out of a report or a forward: that container's own findings and verdict. */
  wrapper?: JudgedWrapper;
}

export interface JudgedWrapper {
  findings: readonly Finding[];
  verdict: WrapperVerdict;
}

/** What a rule's check returns: the evidence and data of one finding; severity may be lowered or raised per case. */
export interface FindingDraft {
  evidence: Evidence[];
  data?: Record<string, unknown>;
  severity?: import('../types.js').Severity;
  /** A more specific title for this case (the rule's title is the default). */
  title?: string;
}

export interface Rule<Id extends string = string> {
  id: Id;
  severity: Severity;
  title: string;
  /** What the rule detects, for the README and --help. */
  description: string;
  /** Why it matters, in one or two sentences a newcomer to email forensics understands (--explain). */
  explain: string;
  check(ctx: RuleContext): FindingDraft[];
}

export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}

export function fieldEvidence(field: HeaderField): Evidence {
  return { header: field.name, index: field.index, text: field.raw };
}

export function hopEvidence(hop: Hop): Evidence {
  return { header: 'Received', index: hop.header, text: hop.raw };
}
