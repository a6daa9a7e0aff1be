// The receiver's own verdicts, as it wrote them into Authentication-Results (RFC 8601) and
// ARC-Authentication-Results (RFC 8617), and whether we may believe them.
//
// Anyone can write an Authentication-Results header: a sender simply puts "dmarc=pass" in its own message. A
// recorded result is evidence only when (RFC 8601 section 5, 7.2)
//   - its authserv-id names the receiving side (a configured id, a host the chain trusts, or the organisation of
//     the topmost receiver), and
//   - it sits where only the receiving side could have put it: at or above the boundary hop's Received header.
// One tolerated exception: Gmail writes its Authentication-Results just *below* its own Received line. A field in
// the short run of trace fields directly under the boundary Received (Received-SPF, Authentication-Results,
// ARC-*, Return-Path) is accepted when its authserv-id is the boundary receiver's, and only the first per id: a
// receiver removes look-alikes of its own id (RFC 8601 section 5), so a second one is the sender's.
import type { Chain, HeaderField, Hop, Message, RecordedResult } from '../types.js';
import { parseAuthResults, type ParsedAuthResults, type ParsedResinfo } from './recorded-parse.js';
import { parseTags } from './tags.js';

/** Recorded headers read per message; a message with more is hostile or broken. */
const MAX_RECORDED_HEADERS = 100;

/** Fields a receiver adds next to its own Received line (the "trace block" under the boundary Received). */
const RECEIVER_TRACE_FIELDS = new Set(['received-spf', 'authentication-results', 'arc-seal', 'arc-message-signature', 'arc-authentication-results', 'return-path', 'x-received', 'delivered-to', 'x-original-to']);

export interface TrustedIds {
  /** Exact authserv-ids (lower case). */
  ids: Set<string>;
  /** Organisational domains of the receiving side. */
  orgs: Set<string>;
  /** The receiving operator's authserv-ids outside its organisation (OPERATOR_IDS): its own above the boundary only. */
  operatorIds: Set<string>;
  orgDomain: OrgDomain;
}

/** The authserv-ids that belong to the trusted side: configured ones, trusted hosts, the topmost receiver's org. */
/** The organisational domain of a host (identity/org.ts in production; injectable for tests). */
export type OrgDomain = (host: string) => string;

export function trustedIds(chain: Chain, configured: readonly string[], orgDomain: OrgDomain): TrustedIds {
  const ids = new Set(configured.map((id) => id.trim().toLowerCase()).filter(Boolean));
  const orgs = new Set<string>();
  const boundary = chain.boundary;
  // Index loops in this module: per hop and per result, mostly in a worker's unoptimised code (no iterator objects).
  for (let i = 0; i < chain.hops.length; i++) {
    const hop = chain.hops[i]!;
    const receiving = hop.trust === 'trusted' || hop.trust === 'boundary' || (boundary !== undefined && hop.index >= boundary);
    if (receiving && hop.by) ids.add(hop.by.toLowerCase());
  }
  const top = chain.hops[chain.hops.length - 1];
  if (top?.by && top.by.includes('.')) orgs.add(orgDomain(top.by));
  const b = boundary !== undefined ? chain.hops[boundary] : undefined;
  if (b?.by && b.by.includes('.')) orgs.add(orgDomain(b.by));
  for (const id of configured) if (id.includes('.')) orgs.add(orgDomain(id));
  const operatorIds = new Set<string>();
  for (const org of orgs) for (const id of OPERATOR_IDS.get(org) ?? []) operatorIds.add(id);
  return { ids, orgs, operatorIds, orgDomain };
}

/**
 * Operators whose authserv-id lies outside the domain their servers are named in. Exchange Online's Received lines
 * name *.protection.outlook.com, *.prod.outlook.com and *.outlook.office365.com hosts, and its own ARC set says:
 *   ARC-Authentication-Results: i=2; mx.microsoft.com 1; spf=pass (sender ip is 52.100.156.204)
 *          smtp.rcpttodomain=example.com smtp.mailfrom=sender.example; ...; arc=pass (0 oda=0 ltdi=1)
 *   ARC-Seal: i=2; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=pass; b=...
 * Above its own Received lines it is the receiver's, not a foreign id. Below them it is not a claim in the receiver's
 * name: every Exchange Online organisation seals its outbound mail with that id too (a sending tenant's i=1 set).
 */
const OPERATOR_IDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['outlook.com', ['mx.microsoft.com']],
  ['office365.com', ['mx.microsoft.com']],
]);

/** Does this authserv-id (or sealer domain) belong to the receiving side, wherever it sits? */
export function belongsToReceiver(id: string, trusted: TrustedIds): boolean {
  if (id === '') return false;
  return trusted.ids.has(id) || (id.includes('.') && trusted.orgs.has(trusted.orgDomain(id)));
}

/** The field's authserv-id is the receiving side's: always, or (an operator id) when it sits above the boundary. */
function isReceiverId(field: HeaderField, id: string, boundary: Hop | undefined, trusted: TrustedIds): boolean {
  return belongsToReceiver(id, trusted) || (boundary !== undefined && field.index <= boundary.header && trusted.operatorIds.has(id));
}

/** Header indexes of the trace block directly under the boundary Received (see the top of the file). */
function traceBlockBelow(message: Message, boundaryHeader: number): Set<number> {
  const block = new Set<number>();
  for (let i = boundaryHeader + 1; i < message.headers.length; i++) {
    const f = message.headers[i]!;
    if (!RECEIVER_TRACE_FIELDS.has(f.key)) break;
    block.add(i);
  }
  return block;
}

interface Placement {
  boundary?: Hop;
  block: Set<number>;
}

function judge(field: HeaderField, authservId: string, place: Placement, trusted: TrustedIds, seen: Set<string>): { trusted: boolean; reason: string } {
  const b = place.boundary;
  if (!b) return { trusted: false, reason: 'no trust boundary in the Received chain, so no position can be trusted' };
  const above = field.index <= b.header;
  const idOk = isReceiverId(field, authservId, b, trusted);
  // Every field trusted above the boundary is seen first (fields come top first): one of the same kind and id below
  // it is then the sender's, whatever its place ("only the first per id" below).
  const key = `${field.key}\u0000${authservId}`;
  if (above && idOk) {
    seen.add(key);
    return { trusted: true, reason: `authserv-id ${authservId} is the receiving side's and the header sits above the boundary` };
  }
  if (above && authservId === '') {
    // Exchange Online writes no authserv-id; above the boundary only the receiving side can have added it.
    seen.add(key);
    return { trusted: true, reason: 'no authserv-id (Exchange Online style), trusted by its position above the boundary' };
  }
  if (above) return { trusted: false, reason: `authserv-id ${authservId} does not belong to the receiving side` };
  const boundaryId = b.by?.toLowerCase();
  if (place.block.has(field.index) && idOk && boundaryId && (authservId === boundaryId || trusted.orgDomain(authservId) === trusted.orgDomain(boundaryId)) && !seen.has(key)) {
    seen.add(key);
    return { trusted: true, reason: `authserv-id ${authservId} is the boundary receiver's, in its trace block just below its Received line` };
  }
  return { trusted: false, reason: idOk ? `below the boundary (header ${field.index} > ${b.header}): the sender can have written it` : `below the boundary and authserv-id ${authservId || '(none)'} is not the receiving side's` };
}

/** One row, its keys written in one fixed order (optional ones only when set), without building spread objects. */
function recordedRow(field: HeaderField, parsed: ParsedAuthResults, r: ParsedResinfo, receiverId: boolean, verdict: { trusted: boolean; reason: string }): RecordedResult {
  const row: RecordedResult = { header: field.index, headerName: field.name, authservId: parsed.authservId, method: r.method, result: r.result } as RecordedResult;
  if (r.reason !== undefined) row.reason = r.reason;
  row.properties = r.properties;
  if (r.comment) row.comment = r.comment;
  if (parsed.instance !== undefined) row.instance = parsed.instance;
  row.receiverId = receiverId;
  row.trusted = verdict.trusted;
  row.trustReason = verdict.reason;
  return row;
}

/** Every recorded result of the message, each marked trusted or not with the reason. */
export function recordedResults(message: Message, chain: Chain, trusted: TrustedIds): RecordedResult[] {
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const place: Placement = { ...(boundary ? { boundary } : {}), block: boundary ? traceBlockBelow(message, boundary.header) : new Set() };
  const seen = new Set<string>();
  const out: RecordedResult[] = [];
  const fields = message.headers.filter((f) => f.key === 'authentication-results' || f.key === 'arc-authentication-results').slice(0, MAX_RECORDED_HEADERS);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const parsed = parseAuthResults(field.value, field.key === 'arc-authentication-results');
    const verdict = judge(field, parsed.authservId, place, trusted, seen);
    const receiverId = isReceiverId(field, parsed.authservId, boundary, trusted);
    for (let k = 0; k < parsed.results.length; k++) out.push(recordedRow(field, parsed, parsed.results[k]!, receiverId, verdict));
  }
  markEarlierArcSets(message, out, trusted);
  return out;
}

// An earlier delivery's ARC set. When mail reaches the same operator twice (Gmail forwarding to Gmail, Google Groups,
// one Exchange Online tenant writing to another), the first delivery's ARC-Authentication-Results carries the
// receiver's own authserv-id and sits below the boundary, where it read as a pass planted in the receiver's name:
//   ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@sender.example header.s=s1 header.b=Ab12;
//          spf=pass (google.com: domain of a@sender.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@sender.example
//   ARC-Seal: i=1; a=rsa-sha256; t=1603716208; cv=none; d=google.com; s=arc-20160816; b=...
// It is the operator's own when the receiver's trusted arc=pass validated the chain (each ARC-Seal signs every ARC
// set up to its own, RFC 8617 5.1.1) and the seal of its instance is the operator's (its d= in the authserv-id's
// organisation): a sender cannot make that seal. One set per instance (a repeated instance fails ARC, 5.1.1.5), and
// one older than the receiver's own recorded instance. It stays untrusted: an earlier hop's results, not this one's.
function markEarlierArcSets(message: Message, rows: RecordedResult[], trusted: TrustedIds): void {
  const validated = rows.find((r) => r.trusted && r.method === 'arc' && r.result === 'pass');
  if (!validated) return;
  const seals = new Map<number, string[]>();
  const aars = new Map<number, number>();
  for (let i = 0; i < message.headers.length; i++) {
    const f = message.headers[i]!;
    if (f.key !== 'arc-seal') continue;
    const tags = parseTags(f.value);
    const n = Number(tags.get('i'));
    if (!Number.isInteger(n)) continue;
    const list = seals.get(n) ?? [];
    list.push((tags.get('d') ?? '').toLowerCase());
    seals.set(n, list);
  }
  let newestTrusted = -1;
  const counted = new Set<number>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (r.instance === undefined || message.headers[r.header]?.key !== 'arc-authentication-results') continue;
    if (r.trusted && r.instance > newestTrusted) newestTrusted = r.instance;
    if (!counted.has(r.header)) {
      counted.add(r.header);
      aars.set(r.instance, (aars.get(r.instance) ?? 0) + 1);
    }
  }
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (r.trusted || r.receiverId !== true || r.instance === undefined || !r.authservId.includes('.')) continue;
    if (message.headers[r.header]?.key !== 'arc-authentication-results' || aars.get(r.instance) !== 1) continue;
    if (newestTrusted >= 0 && r.instance >= newestTrusted) continue;
    const sealers = seals.get(r.instance);
    if (!sealers || sealers.length !== 1 || !sealers[0] || trusted.orgDomain(sealers[0]) !== trusted.orgDomain(r.authservId)) continue;
    r.arcSealer = sealers[0];
    r.trustReason = `an earlier ARC set (i=${r.instance}) sealed by ${sealers[0]}, validated by the receiver's own arc=pass (header ${validated.header}): an earlier hop's results, not this delivery's`;
  }
}
