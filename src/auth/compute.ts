// SPF, DKIM, ARC and DMARC evaluated by mailauth, composed by hand rather than through authenticate():
//   - authenticate() ignores curTime, and we judge t=/x= as of the analysis time (--at, default the boundary hop's
//     timestamp), so old mail is judged as of its receipt;
//   - authenticate() can take ip/helo/sender only from the topmost Received (trustReceived), and we pass the
//     boundary hop's explicitly (see spf-inputs.ts);
//   - authenticate() loads BIMI.
// The steps follow mailauth's own authenticate() (lib/mailauth.js), including its final tightening of each DKIM
// signature's `aligned` once the DMARC record is known.
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { Resolver } from '../types.js';
import type { ArcResult, DkimVerifyResult, DmarcEvaluation, MailauthParts, SpfResult } from './mailauth.js';
import { heloDomain, type SpfInputs } from './spf-inputs.js';

export interface Computation {
  dkim: DkimVerifyResult;
  /** SPF for the MAIL FROM identity (postmaster@HELO for the null sender); undefined when SPF cannot run. */
  spf?: SpfResult;
  /** SPF for the HELO identity (RFC 7208 section 2.3), when HELO is a domain name. */
  spfHelo?: SpfResult;
  arc: ArcResult;
  dmarc: DmarcEvaluation;
}

export interface ComputeOptions {
  at: Date;
  /** Called as each step starts, so the caller can tell which DNS queries belonged to which step. */
  step?: (name: 'dkim' | 'spf' | 'spf-helo' | 'arc' | 'dmarc') => void;
  inputs: SpfInputs;
  resolver: Resolver;
  /** RSA keys shorter than this give dkim=policy (RFC 8301: 1024). */
  minBitLength?: number;
  /** mailauth's RFC-exact SPF mode instead of the lenient one receivers mostly use (default false). */
  strictSpf?: boolean;
  /**
   * Do not verify DKIM or ARC at all (a message with more signatures than anyone legitimately adds): SPF and DMARC
   * still run, DMARC without any DKIM pass, with the author addresses given here.
   */
  skipSignatures?: { headerFrom: string[]; fromFields: number };
  /**
   * True once the DKIM step's share of the deadline has passed: a large body stops being hashed then (see
   * lineAlignedChunks), DKIM and ARC are left unverified (`unfinished`), and SPF and DMARC still run for `authors`.
   */
  stopHashing?: () => boolean;
  /** The author addresses, for DMARC when DKIM did not finish. */
  authors?: { headerFrom: string[]; fromFields: number };
}

class Unfinished extends Error {}

/** Messages above this are fed to mailauth as line-aligned chunks that stop at the deadline; smaller ones as one Buffer (faster). */
const STREAMED_ABOVE = 1024 * 1024;
/** mailauth's own slice size for a Buffer. */
const CHUNK = 64 * 1024;
const LF = 0x0a;

/**
 * The message as a stream of chunks that each end at a line end and that fails once `stop()` says so.
 * - Line ends: mailauth's relaxed body hash joins an unfinished line to the next chunk and scans the join again from
 *   its start, so a line longer than a chunk cost time quadratic in its length (8 MiB on one line: 1.6 s, 20 MiB
 *   ~10 s). A chunk grows to hold a whole line instead: 8 MiB in 79 ms.
 * - The stop: the caller stopped waiting at the deadline, but mailauth hashes a Buffer to its end whatever happens
 *   (a 24 MiB body under 64 signatures went on for 28 s after its results had been reported unknown).
 */
function lineAlignedChunks(input: Buffer, stop?: () => boolean): Readable {
  function* chunks() {
    for (let pos = 0; pos < input.length; ) {
      if (stop?.()) throw new Unfinished('the body was not hashed to its end before the deadline');
      const end = chunkEnd(input, pos);
      yield input.subarray(pos, end);
      pos = end;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Where the chunk from `pos` ends: after the last line end within CHUNK bytes, else after its own line's end. */
export function chunkEnd(input: Buffer, pos: number): number {
  const limit = pos + CHUNK;
  if (limit >= input.length) return input.length;
  const back = input.subarray(pos, limit).lastIndexOf(LF);
  if (back >= 0) return pos + back + 1;
  const forward = input.indexOf(LF, limit);
  return forward < 0 ? input.length : forward + 1;
}

/**
 * SPF for the MAIL FROM identity and, when it is a different name, the HELO identity (RFC 7208 2.3, 2.4).
 *   - MAIL FROM known: check it, and the HELO separately;
 *   - MAIL FROM null (<>): RFC 7208 2.4 checks postmaster@HELO, which is then the identity DMARC uses;
 *   - MAIL FROM unknown (no Return-Path above the boundary, no envelope-from): only the HELO check; the MAIL FROM
 *     result stays unknown rather than borrowing the HELO's, which DMARC must not align on.
 */
export async function runSpf(ma: MailauthParts, o: Pick<ComputeOptions, 'inputs' | 'resolver' | 'strictSpf' | 'step'>): Promise<{ spf?: SpfResult; spfHelo?: SpfResult }> {
  const { ip, helo, mailFrom } = o.inputs;
  if (!ip) return {};
  const heloName = heloDomain(helo);
  // mailauth writes a literal HELO as [ip] (RFC 5321 4.1.3 address literal).
  const heloArg = helo ? (isIP(helo) ? `[${helo}]` : helo) : `[${ip}]`;
  const strict = o.strictSpf === true;
  // Each check names its step, so a replay answer missing for one identity's lookups marks only that result.
  const check = (sender: string | undefined, step: 'spf' | 'spf-helo') => {
    o.step?.(step);
    return ma.spf({ ip, helo: heloArg, resolver: o.resolver, mta: 'mailtrace', strict, ...(sender ? { sender } : {}) });
  };
  const heloCheck = heloName ? (step: 'spf' | 'spf-helo') => check(`postmaster@${heloName}`, step) : undefined;
  if (mailFrom === undefined) return heloCheck ? { spfHelo: await heloCheck('spf-helo') } : {};
  if (mailFrom === '') return { spf: heloCheck ? await heloCheck('spf') : await check(undefined, 'spf') };
  const spf = await check(mailFrom, 'spf');
  return { spf, ...(heloCheck && mailFrom.toLowerCase() !== `postmaster@${heloName}` ? { spfHelo: await heloCheck('spf-helo') } : {}) };
}

export async function compute(ma: MailauthParts, bytes: Uint8Array, o: ComputeOptions): Promise<Computation> {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  o.step?.('dkim');
  const dkim = o.skipSignatures ? { ...o.skipSignatures, results: [] } : await verifyDkim(ma, input, o);
  o.step?.('spf');
  const { spf, spfHelo } = await runSpf(ma, o);
  o.step?.('arc');
  const arc = o.skipSignatures || dkim.unfinished
    ? { status: { result: 'none' } }
    : await ma.arc(dkim.arc, { resolver: o.resolver, minBitLength: o.minBitLength ?? 1024, ...(o.inputs.ip ? { ip: o.inputs.ip } : {}) });
  o.step?.('dmarc');
  const dmarc = await evaluateDmarc(ma, dkim, spf, arc, o.resolver);
  return { dkim, ...(spf ? { spf } : {}), ...(spfHelo ? { spfHelo } : {}), arc, dmarc };
}

/**
 * mailauth's DKIM verification; a body still being hashed when the DKIM step's time is up stops there. The sender
 * chooses the work (up to MAX_BODY_HASHES passes over a body of up to 256 MiB): it used to run to the message's
 * deadline, and SPF and DMARC were then never evaluated, so a padded spoof of a p=reject domain was all unknown and
 * 'pass'. Now DKIM is unfinished and the rest runs.
 */
async function verifyDkim(ma: MailauthParts, input: Buffer, o: ComputeOptions): Promise<DkimVerifyResult> {
  const stop = o.stopHashing;
  try {
    return await ma.dkimVerify(input.length > STREAMED_ABOVE ? lineAlignedChunks(input, stop) : input, { resolver: o.resolver, curTime: o.at, minBitLength: o.minBitLength ?? 1024 });
  } catch (err) {
    if (!(err instanceof Unfinished) || !o.authors) throw err;
    return { ...o.authors, results: [], unfinished: true };
  }
}

async function evaluateDmarc(ma: MailauthParts, dkim: DkimVerifyResult, spf: SpfResult | undefined, arc: ArcResult, resolver: Resolver): Promise<DmarcEvaluation> {
  const evaluation = await ma.evaluateDmarc({
    headerFrom: dkim.headerFrom ?? [],
    ...(dkim.fromFields !== undefined ? { fromFields: dkim.fromFields } : {}),
    spfDomains: spf?.status.result === 'pass' && spf.domain ? [spf.domain] : [],
    dkimDomains: dkim.results
      .filter((r) => r.status.result === 'pass' && r.signingDomain)
      .map((r) => ({ id: r.id, domain: r.signingDomain!, aligned: r.status.aligned ?? false, ...(r.status.underSized ? { underSized: r.status.underSized } : {}) })),
    arcResult: arc,
    resolver,
  });
  const response = evaluation.response;
  if (response && evaluation.dkimAligned) {
    // As authenticate() does: passing signatures take the DMARC walk's verdict on alignment.
    for (const r of dkim.results) {
      if (r.status.result === 'pass' && r.signingDomain) r.status.aligned = evaluation.dkimAligned.has(ma.formatDomain(r.signingDomain)) ? r.signingDomain : false;
    }
  }
  return evaluation;
}
