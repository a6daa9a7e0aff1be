// SPF alone, for callers that have the SMTP facts but no message (the RFC 7208 suite, a mail filter's hook).
import type { MethodResult, Resolver } from '../types.js';
import { guardResolver } from './guarded-resolver.js';
import { spfResult } from './results.js';
import type { SpfInputs } from './spf-inputs.js';
import { DEFAULT_DNS_DEADLINE_MS } from './index.js';

/** SPF for the MAIL FROM identity (postmaster@HELO for the null sender) and, when different, the HELO identity. */
export async function evaluateSpf(inputs: SpfInputs, resolver: Resolver, options: { deadlineMs?: number; strict?: boolean } = {}): Promise<MethodResult[]> {
  const { loadMailauth } = await import('./mailauth.js');
  const { runSpf } = await import('./compute.js');
  const guard = guardResolver(resolver, options.deadlineMs ?? DEFAULT_DNS_DEADLINE_MS);
  const { spf, spfHelo } = await runSpf(await loadMailauth(), { inputs, resolver: guard.resolve, strictSpf: options.strict ?? true, step: (name) => guard.setStep(name) });
  const of = (step: string) => guard.queries.filter((q) => q.step === step);
  return [spfResult(spf, inputs.mailFrom === '' ? 'helo' : 'mailfrom', inputs, of('spf')), ...(spfHelo ? [spfResult(spfHelo, 'helo', inputs, of('spf-helo'))] : [])];
}
