// Legitimate mail that breaks naive identity rules: mailing lists, forwarding, ESPs. Recognising them lets the
// rules lower or explain what they would otherwise report. Most of these signs are headers a forger can write
// too (List-Id costs nothing), so context only ever turns low findings into info; it never hides a medium or
// high one. A list rewrites Sender and Return-Path, adds a
// footer that breaks DKIM and often rewrites From ("Alice via dev-list"); a forwarder changes the envelope
// (SRS) and seals what it saw (ARC); an ESP bounces to its own domain.
import type { AuthReport, HeaderField, Identity, Message } from '../types.js';
import { firstField } from '../message/parse.js';
import { BOUNCE_HOSTS } from './domains.js';
import { domainOfAddress, orgDomain, sameOrg } from './org.js';

export interface MailContext {
  /** Why the message looks like list traffic (empty: it does not). */
  list: string[];
  /** Why the message looks forwarded (empty: it does not). */
  forwarded: string[];
  /** The Return-Path is an ESP's or list host's bounce address. */
  espBounce?: string;
  /** A DKIM signature that passed and aligns with the From domain, by our check or a trusted receiver's. */
  dkimAligned: boolean;
  /** DMARC passed (ours or a trusted receiver's). */
  dmarcPass: boolean;
  /** The header fields that show it, for evidence. */
  evidence: HeaderField[];
}

/** ARC sealers whose ARC-Authentication-Results are widely trusted for forwarded mail. */
const TRUSTED_SEALERS = new Set(['google.com', 'microsoft.com', 'outlook.com', 'office365.com', 'yahoo.com', 'fastmail.com', 'icloud.com', 'zoho.com', 'mimecast.com', 'proofpoint.com']);

// "Return-Path: <SRS0=7j3K=QV=example.com=alice@forwarder.example>" (Sender Rewriting Scheme)
const SRS = /^SRS[01][=+-]/i;
// "Delivered-To: bob+caf_=bob=example.org@gmail.com" (Gmail's forwarding address)
const GOOGLE_CAF = /\+caf_=/i;
// "Return-Path: <linux-kernel-owner@vger.kernel.org>", "<mailman-bounces@lists.x.org>", "<owner-list@x>"
const LIST_BOUNCE = /(^owner-|-(owner|bounces?|request|admin)(\+[^@]*)?@)/i;
// "Subject: [PATCH v2] ..." is a patch, not a tag; "[dev-list] Re: ..." is a list tag.
const SUBJECT_TAG = /^(?:(?:re|fwd?|aw|sv|antw)\s*:\s*)*\[[A-Za-z0-9][\w .+-]{0,40}\]/i;

function present(message: Message, names: string[]): HeaderField[] {
  return names.map((n) => firstField(message, n)).filter((f): f is HeaderField => f !== undefined);
}

function authPassed(auth: AuthReport, method: 'dkim' | 'dmarc', fromDomain: string): boolean {
  // Index loops: asked twice a message, mostly in a worker's unoptimised code (no iterator objects).
  for (let i = 0; i < auth.results.length; i++) {
    const r = auth.results[i]!;
    if (r.method !== method || r.result !== 'pass') continue;
    if (method === 'dmarc') return true;
    // The auth stage states alignment (the aligned domain, or false) once the DMARC record is known; without
    // that, relaxed alignment by organisational domain.
    const aligned = r.details?.['aligned'];
    if (aligned === true || (typeof aligned === 'string' && aligned !== '')) return true;
    if (aligned === undefined && sameOrg(r.domain, fromDomain)) return true;
  }
  for (let i = 0; i < auth.recorded.length; i++) {
    const r = auth.recorded[i]!;
    if (!r.trusted || r.method !== method || r.result !== 'pass') continue;
    if (method === 'dmarc') return true;
    if (sameOrg(r.properties['header.d'] ?? r.properties['header.i']?.replace(/^.*@/, ''), fromDomain)) return true;
  }
  return false;
}

/** A verified ARC chain sealed by a widely trusted sealer. An unverified ARC-Seal is text anyone can write, so offline it counts for nothing. */
function arcFromTrustedSealer(auth: AuthReport): string | undefined {
  const arc = auth.results.find((r) => r.method === 'arc' && r.result === 'pass');
  return arc?.domain && TRUSTED_SEALERS.has(orgDomain(arc.domain)) ? arc.domain : undefined;
}

export function mailContext(message: Message, identity: Identity, auth: AuthReport): MailContext {
  const evidence: HeaderField[] = [];
  const list: string[] = [];
  // Without those, RFC 2369's other fields: LetterRip Pro, for one, writes List-Subscribe, List-Digest and
  // List-Unsubscribe but no List-Id or List-Post. List-Unsubscribe alone does not count: every bulk sender writes it.
  let listIdLike = present(message, ['list-id', 'list-post', 'x-mailing-list', 'mailing-list']);
  if (listIdLike.length === 0) listIdLike = present(message, ['list-subscribe', 'list-help', 'list-owner', 'list-archive']);
  if (listIdLike.length) {
    list.push(`${listIdLike.map((f) => f.name).join(', ')} present`);
    evidence.push(...listIdLike);
  }
  const precedence = firstField(message, 'precedence');
  if (precedence && /^\s*list\b/i.test(precedence.value)) {
    list.push('Precedence: list');
    evidence.push(precedence);
  }
  const mailFrom = identity.envelope.mailFrom ?? '';
  if (LIST_BOUNCE.test(mailFrom) || (identity.sender && LIST_BOUNCE.test(identity.sender.address))) {
    list.push('a list owner/bounce address in Return-Path or Sender');
  }
  if (identity.subject && SUBJECT_TAG.test(identity.subject) && !/^\s*(re:\s*)?\[(patch|rfc|pull|git|ann)\b/i.test(identity.subject)) {
    if (list.length) list.push('a [list] tag in the Subject');
  }
  if (identity.from.some((m) => /\bvia\b/i.test(m.name)) && list.length) list.push('DMARC From rewriting ("… via list")');

  const forwarded: string[] = [];
  const localPart = mailFrom.slice(0, Math.max(0, mailFrom.lastIndexOf('@')));
  if (SRS.test(localPart)) forwarded.push('an SRS-rewritten Return-Path');
  const rcpt = [...identity.envelope.rcptTo, mailFrom];
  if (rcpt.some((a) => GOOGLE_CAF.test(a))) forwarded.push('a Gmail forwarding address (+caf_)');
  const sealer = arcFromTrustedSealer(auth);
  if (sealer) forwarded.push(`an ARC seal from ${sealer}`);
  const fwdFields = present(message, ['x-forwarded-to', 'x-forwarded-for', 'resent-from', 'resent-sender']);
  if (fwdFields.length) {
    forwarded.push(`${fwdFields.map((f) => f.name).join(', ')} present`);
    evidence.push(...fwdFields);
  }

  const bounceOrg = orgDomain(domainOfAddress(mailFrom));
  const espBounce = BOUNCE_HOSTS.has(bounceOrg) || BOUNCE_HOSTS.has(domainOfAddress(mailFrom)) ? bounceOrg : undefined;
  const fromDomain = identity.from[0]?.domain ?? '';
  return {
    list,
    forwarded,
    ...(espBounce ? { espBounce } : {}),
    dkimAligned: fromDomain !== '' && authPassed(auth, 'dkim', fromDomain),
    dmarcPass: authPassed(auth, 'dmarc', fromDomain),
    evidence,
  };
}

/** "list traffic (List-Id present)" / "forwarded (an SRS-rewritten Return-Path)" / '' : the reason a rule went easy. */
export function contextNote(ctx: MailContext): string {
  const parts: string[] = [];
  if (ctx.list.length) parts.push(`list traffic (${ctx.list.join('; ')})`);
  if (ctx.forwarded.length) parts.push(`forwarded (${ctx.forwarded.join('; ')})`);
  if (ctx.espBounce) parts.push(`bounce address on ${ctx.espBounce}, a bulk-mail or list host`);
  if (ctx.dkimAligned) parts.push('DKIM passes and aligns with From');
  return parts.join('; ');
}

/** Mail whose envelope and headers legitimately diverge. */
export function isIntermediated(ctx: MailContext): boolean {
  return ctx.list.length > 0 || ctx.forwarded.length > 0;
}
