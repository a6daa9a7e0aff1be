import { defineRule, type RuleContext } from '../define.js';
import { firstEvidence } from '../../identity/support.js';
import { orgDomain, sameOrg } from '../../identity/org.js';

interface Outcome {
  result: string;
  domain?: string;
  source: string;
}

/** Our result for a method when we have one, else a trusted receiver's recorded one. */
function outcomeOf(ctx: RuleContext, method: 'spf' | 'dmarc'): Outcome | undefined {
  // SPF may be evaluated twice, for MAIL FROM and for HELO: the MAIL FROM one is the one DMARC uses.
  const candidates = ctx.auth.results.filter((r) => r.method === method);
  const ours = candidates.find((r) => r.details?.['identity'] !== 'helo') ?? candidates[0];
  if (ours && ours.result !== 'unknown') return { result: ours.result, domain: ours.domain || undefined, source: 'computed' };
  const rec = ctx.auth.recorded.find((r) => r.trusted && r.method === method);
  if (!rec) return undefined;
  const domain = method === 'spf' ? (rec.properties['smtp.mailfrom'] ?? '').replace(/^.*@/, '') : rec.properties['header.from'];
  return { result: rec.result, domain: domain || undefined, source: `recorded by ${rec.authservId}` };
}

// Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=bounce.relay.example; dmarc=fail header.from=bank.example
export const spfPassDmarcFail = defineRule({
  id: 'relay.spf-pass-dmarc-fail',
  severity: 'medium',
  title: 'SPF passed for another domain while DMARC fails for the author',
  description: 'SPF passed for a domain (a relay\'s or a bounce domain) that is not the From organisation, and DMARC failed for From.',
  explain:
    'A pass in SPF sounds reassuring, but it only covers the envelope domain. Here it covers someone else\'s domain, while the check that ties the visible author to the sending servers (DMARC) failed: the author was not verified.',
  check: (ctx) => {
    const spf = outcomeOf(ctx, 'spf');
    const dmarc = outcomeOf(ctx, 'dmarc');
    if (spf?.result !== 'pass' || dmarc?.result !== 'fail' || !spf.domain) return [];
    const from = dmarc.domain ?? ctx.identity.from[0]?.domain;
    if (!from || sameOrg(spf.domain, from)) return [];
    return [
      {
        evidence: [...firstEvidence(ctx.message, 'from'), ...firstEvidence(ctx.message, 'return-path')],
        data: { spfDomain: orgDomain(spf.domain), fromDomain: orgDomain(from), spfSource: spf.source, dmarcSource: dmarc.source },
      },
    ];
  },
});
