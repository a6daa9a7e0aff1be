// Small helpers the identity and relay rules share: the per-message context (memoised, since several rules
// ask for it), the domains a message names, and evidence for envelope values.
import type { Evidence, HeaderField, Message } from '../types.js';
import type { RuleContext } from '../findings/define.js';
import { fieldEvidence } from '../findings/define.js';
import { fieldsNamed } from '../message/parse.js';
import { mailContext, type MailContext } from './context.js';
import { domainOfAddress, isPublicName, orgDomain } from './org.js';

const contexts = new WeakMap<Message, MailContext>();

/** List / forwarding / ESP context of the message, computed once per message. */
export function contextOf(ctx: RuleContext): MailContext {
  let c = contexts.get(ctx.message);
  if (!c) {
    c = mailContext(ctx.message, ctx.identity, ctx.auth);
    contexts.set(ctx.message, c);
  }
  return c;
}

/** The author's domain: the first From mailbox with an address. */
export function authorDomain(ctx: RuleContext): string {
  return ctx.identity.from.find((m) => m.domain)?.domain ?? '';
}

export function fieldsEvidence(message: Message, name: string): Evidence[] {
  return fieldsNamed(message, name).map(fieldEvidence);
}

export function firstEvidence(message: Message, name: string): Evidence[] {
  const f: HeaderField | undefined = fieldsNamed(message, name)[0];
  return f ? [fieldEvidence(f)] : [];
}

/** Organisational domains of every host and domain the message names as handling it: relays, DKIM signers, envelope. */
export function relatedOrgs(ctx: RuleContext): Set<string> {
  const orgs = new Set<string>();
  const add = (d: string | undefined) => {
    if (d && isPublicName(d)) orgs.add(orgDomain(d));
  };
  for (const m of [...ctx.identity.from, ...ctx.identity.replyTo, ...(ctx.identity.sender ? [ctx.identity.sender] : [])]) add(m.domain);
  add(domainOfAddress(ctx.identity.envelope.mailFrom));
  for (let i = 0; i < ctx.chain.hops.length; i++) {
    const hop = ctx.chain.hops[i]!; // an index loop: every hop (for...of allocates a result a step)
    add(hop.by);
    add(hop.from?.helo);
    add(hop.from?.rdns);
  }
  for (const f of fieldsNamed(ctx.message, 'dkim-signature')) add(/(?:^|;)\s*d=([A-Za-z0-9.-]{1,253})/.exec(f.value)?.[1]);
  for (const f of fieldsNamed(ctx.message, 'arc-seal')) add(/(?:^|;)\s*d=([A-Za-z0-9.-]{1,253})/.exec(f.value)?.[1]);
  return orgs;
}

/** Append the context note to a detail sentence. */
export function withNote(detail: string, note: string): string {
  return note ? `${detail} (${note})` : detail;
}

/** Organisational domains of the message's own recipients (envelope and To): the company a BEC fraud imitates. */
export function recipientOrgs(ctx: RuleContext): string[] {
  const { identity } = ctx;
  return [...new Set([...identity.envelope.rcptTo.map(domainOfAddress), ...identity.to.map((m) => m.domain)].filter(isPublicName).map(orgDomain))];
}

/** A title that says why a finding was lowered: "...: usual for list traffic (List-ID present)". */
export function explainedTitle(title: string, note: string): string {
  return note ? `${title}: usual for ${note}` : title;
}
