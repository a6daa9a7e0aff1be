// Abuse mailboxes hold reports about mail, not the mail itself. The message worth analysing is the embedded
// original, and the report's own metadata (who reported it, the source IP they saw, the feedback type) travels
// with the result. Recognised containers:
//   - ARF, RFC 5965: multipart/report; report-type=feedback-report, holding a message/feedback-report part and the
//     original as message/rfc822, or text/rfc822-headers when only its headers were kept (RFC 5965 2, RFC 6591);
//   - a message forwarded as an attachment: multipart/mixed with a message/rfc822 (or text/rfc822-headers) part;
//   - a bounce (RFC 3464 multipart/report with message/delivery-status) returning the original: in an abuse
//     mailbox that is backscatter, mail forged in the mailbox owner's name (not with --unwrap arf);
//   - two provider formats without a feedback-report part: Hotmail/Outlook JMRP (a multipart/mixed complaint
//     whose original carries X-HmXmrOriginalRecipient) and Apple Mail's unsubscribe mail (X-Apple-Unsubscribe).
// Cheap first: the decision reads two fields of the header the analysis split; the MIME walk runs only on a multipart.
import type { ContainerInfo, HeaderField, Message, UnwrapMode } from '../types.js';
import { splitHeader } from '../message/split.js';
import { DEFAULT_MAX_HEADER_BYTES, hasMailField, NotAMessageError, parseMessage } from '../message/parse.js';
import { parseMailboxes } from '../message/addresses.js';
import { decodeBody, parseContentType, parseEntity, walkParts, type MimePart } from './mime.js';

export interface Unwrapped {
  /** What to analyse: the embedded original, or the input itself. */
  bytes: Uint8Array;
  /** Set when the input was a report or a forward. */
  container?: ContainerInfo;
  /**
   * The containers between the input and the original, parsed, outermost first (nested forwards: each forward inside
   * the input, and the report inside the last). Each is judged as a message too, as the input is.
   */
  layers?: Message[];
}

/** The most header read from a part: the feedback report, the original inside. */
const PART_HEADER_CAP = 256 * 1024;

function first(headers: readonly HeaderField[], key: string): string | undefined {
  return headers.find((h) => h.key === key)?.value;
}

function all(headers: readonly HeaderField[], key: string): string[] {
  return headers.filter((h) => h.key === key).map((h) => h.value.trim()).filter((v) => v !== '');
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function reporterOf(headers: readonly HeaderField[]): string | undefined {
  const from = first(headers, 'from');
  if (!from) return undefined;
  const address = parseMailboxes(from)[0]?.address;
  return address || undefined;
}

/** RFC 5965 3.1/3.2 fields of a message/feedback-report part (a header block). */
export function parseFeedbackFields(block: Buffer): Omit<ContainerInfo, 'kind' | 'embedded'> {
  const fields = splitHeader(block, PART_HEADER_CAP).fields;
  const one = (key: string) => first(fields, key)?.trim() || undefined;
  const many = (key: string) => {
    const v = all(fields, key);
    return v.length ? v : undefined;
  };
  const incidents = one('incidents');
  const info: Omit<ContainerInfo, 'kind' | 'embedded'> = {};
  const set = <K extends keyof typeof info>(key: K, value: (typeof info)[K] | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  set('feedbackType', one('feedback-type')?.toLowerCase());
  set('userAgent', one('user-agent'));
  // "Source-IP: 148.163.85.135 (sainay.interpublication.org)": the comment is the reporter's rDNS, not the IP.
  set('sourceIp', one('source-ip')?.replace(/\s*\([^()]{0,300}\)\s*$/, '').trim() || undefined);
  set('originalMailFrom', one('original-mail-from'));
  set('originalRcptTo', many('original-rcpt-to'));
  set('originalEnvelopeId', one('original-envelope-id'));
  set('arrivalDate', one('arrival-date') ?? one('received-date'));
  // "Reporting-MTA: dns; mail.example.com" (RFC 5965 3.2, the RFC 3464 type prefix)
  set('reportingMta', one('reporting-mta')?.replace(/^[a-z0-9-]{1,20}\s*;\s*/i, ''));
  set('reportedDomain', many('reported-domain'));
  set('reportedUri', many('reported-uri'));
  set('authFailure', one('auth-failure')?.toLowerCase());
  if (incidents !== undefined && /^\d{1,9}$/.test(incidents)) info.incidents = Number(incidents);
  return info;
}

/**
 * The original inside a container part: a whole message, or headers only (given the blank line that ends a header
 * block). A part that holds no mail header field is no original: reporters redact it (sisimai arf-25 holds only
 * "REDACTED"), and the report's own metadata is then worth more than an error about the part. (The analysis would
 * refuse it as not a message, the same rule: parse.ts hasMailField.)
 */
function embeddedOf(part: MimePart): { bytes: Buffer; embedded: 'message' | 'headers'; fields: HeaderField[] } | undefined {
  const content = decodeBody(part);
  // Its header fields, split once: the blank line added below to a headers-only block changes none of them.
  const { fields } = splitHeader(content, PART_HEADER_CAP);
  if (!hasMailField(fields)) return undefined;
  if (HEADERS_ONLY.has(part.contentType)) {
    // Headers only: make sure the block ends with its blank line, as a message's header section does.
    const text = content.toString('latin1');
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const pad = text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
    return { bytes: pad ? Buffer.concat([content, Buffer.from(pad, 'latin1')]) : content, embedded: 'headers', fields };
  }
  return { bytes: content, embedded: 'message', fields };
}

// "text/rfc822-header" (singular) is a common misspelling in real FBL reports (sisimai arf-12).
const HEADERS_ONLY = new Set(['text/rfc822-headers', 'text/rfc822-header']);
const ORIGINAL_TYPES = new Set(['message/rfc822', ...HEADERS_ONLY]);

function isContainerCandidate(contentType: string, mode: UnwrapMode): boolean {
  if (contentType === 'multipart/report') return true;
  return mode === 'all' && contentType === 'multipart/mixed';
}

function mentionsEmbeddedMessage(bytes: Buffer): boolean {
  return bytes.indexOf('rfc822') !== -1 || bytes.indexOf('RFC822') !== -1 || bytes.indexOf('Rfc822') !== -1;
}

/**
 * Does the top header declare a container (a report, or a multipart/mixed that mentions an embedded message), or
 * carry Apple's unsubscribe marker? Looks only at two fields of the header the analysis has split already, so an
 * ordinary message costs two searches of its field list; the MIME walk runs only for a candidate.
 */
function isCandidate(top: Message, mode: UnwrapMode): boolean {
  if (first(top.headers, 'x-apple-unsubscribe') !== undefined) return true;
  const type = first(top.headers, 'content-type')?.trimStart().slice(0, 20).toLowerCase();
  if (type === undefined) return false;
  if (type.startsWith('multipart/report')) return true;
  return mode === 'all' && type.startsWith('multipart/mixed') && mentionsEmbeddedMessage(toBuffer(top.bytes));
}

/**
 * The original inside a report or a forward, from the message as the analysis parsed it (its top header fields, and
 * its bytes without an mbox From line, bare CRs made CRLF). `bytes` is the input itself when nothing was unwrapped.
 */
export function unwrapMessage(top: Message, input: Uint8Array, mode: UnwrapMode = 'all', maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES, depth = 0): Unwrapped {
  if (mode === 'none' || !isCandidate(top, mode)) return { bytes: input };
  const fields = top.headers;
  const { type } = parseContentType(first(fields, 'content-type') ?? 'text/plain');
  // X-Apple-Unsubscribe: true  -- Apple Mail's "unsubscribe" message, an opt-out request (sisimai arf-26)
  if (first(fields, 'x-apple-unsubscribe')?.trim().toLowerCase() === 'true') {
    return { bytes: input, container: containerInfo('arf', 'none', fields, { feedbackType: 'opt-out', format: 'apple-unsubscribe' }) };
  }
  if (!isContainerCandidate(type, mode)) return { bytes: input };
  const root = parseEntity(toBuffer(top.bytes));
  const parts = [...walkParts(root)];
  const feedback = parts.find((p) => p.contentType === 'message/feedback-report');
  const originalPart = parts.find((p) => p !== root && ORIGINAL_TYPES.has(p.contentType));
  const original = originalPart ? embeddedOf(originalPart) : undefined;
  if (feedback) {
    const feedbackFields = parseFeedbackFields(decodeBody(feedback));
    const info = containerInfo('arf', original?.embedded ?? 'none', fields, { format: 'rfc5965', ...feedbackFields });
    return { bytes: original?.bytes ?? input, container: info };
  }
  if (!original || mode === 'arf') return { bytes: input };
  // Content-Type: multipart/report; report-type=delivery-status  -- a bounce (RFC 3464) returning the original
  if (parts.some((p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status')) {
    return { bytes: original.bytes, container: containerInfo('bounce', original.embedded, fields, { format: 'rfc3464' }) };
  }
  // Hotmail/Outlook JMRP complaints: the original carries "X-HmXmrOriginalRecipient: <rcpt>" (sisimai arf-22..24).
  if (first(original.fields, 'x-hmxmroriginalrecipient') !== undefined) {
    const extra: Partial<ContainerInfo> = { feedbackType: 'abuse', format: 'hotmail-jmrp' };
    return { bytes: original.bytes, container: containerInfo('arf', original.embedded, fields, extra) };
  }
  const forward = containerInfo('forwarded', original.embedded, fields, {});
  const nested = original.embedded === 'message' && depth < MAX_FORWARDS ? insideForward(original.bytes, forward, maxHeaderBytes, depth) : undefined;
  return nested ?? { bytes: original.bytes, container: forward };
}

/**
 * Forwards nest: an abuse desk forwards a complaint (an ARF report) as an attachment, a user forwards a forward. The
 * message worth analysing is the innermost original: the container reported is the innermost one, and the forwards
 * it came in are its `via`, outermost first. Bounded, and each level is a message inside the one before it.
 */
const MAX_FORWARDS = 4;

function insideForward(bytes: Buffer, forward: ContainerInfo, maxHeaderBytes: number, depth: number): Unwrapped | undefined {
  let inner: Message;
  try {
    // The analysis' own header cap: this message is judged as one (a second From 270 KB down must count here too).
    inner = parseMessage(bytes, maxHeaderBytes);
  } catch (err) {
    if (err instanceof NotAMessageError) return undefined;
    throw err;
  }
  const nested = unwrapMessage(inner, bytes, 'all', maxHeaderBytes, depth + 1);
  // Only a container with an original inside: a forwarded message that merely looks like a report (an Apple
  // unsubscribe marker, a feedback part with no original) stays a forwarded message, its forwarder the reporter.
  if (!nested.container || nested.container.embedded === 'none') return undefined;
  const { reporter, subject } = forward;
  const hop = { kind: 'forwarded' as const, ...(reporter ? { reporter } : {}), ...(subject ? { subject } : {}) };
  const container = { ...nested.container, via: [hop, ...(nested.container.via ?? [])] };
  return { bytes: nested.bytes, container, layers: [inner, ...(nested.layers ?? [])] };
}

function containerInfo(
  kind: ContainerInfo['kind'],
  embedded: ContainerInfo['embedded'],
  outer: readonly HeaderField[],
  extra: Partial<ContainerInfo>,
): ContainerInfo {
  const reporter = reporterOf(outer);
  const subject = first(outer, 'subject');
  return { kind, embedded, ...(reporter ? { reporter } : {}), ...(subject ? { subject } : {}), ...extra };
}
