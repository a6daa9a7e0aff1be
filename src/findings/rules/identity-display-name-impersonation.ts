import { defineRule, type FindingDraft, type RuleContext } from '../define.js';
import type { Mailbox, Severity } from '../../types.js';
import { firstEvidence } from '../../identity/support.js';
import { nameClaims, type NameClaim } from '../../identity/display-name.js';
import { isBrandDomain } from '../../identity/lookalike.js';
import { orgDomain } from '../../identity/org.js';
import { recipientOrgs } from '../../identity/support.js';

// From: "service@paypal.com" <billing@account-check.example>
// From: PayPal Service <noreply@mailer.example>
/** "First Last (Brand)": two or more words outside the parentheses, the brand alone inside them. */
function personWithAffiliation(name: string, brand: string): boolean {
  const m = /^([^()]{1,80})\(\s*([^()]{1,40})\)\s*$/.exec(name.trim());
  if (!m) return false;
  const person = m[1]!.trim().split(/\s+/).filter((w) => /^\p{Lu}\p{Ll}+$/u.test(w));
  return person.length >= 2 && m[2]!.trim().toLowerCase() === brand;
}

export const displayNameImpersonation = defineRule({
  id: 'identity.display-name-impersonation',
  severity: 'medium',
  title: 'The From display name impersonates someone else',
  description:
    'The display name holds an address or domain of another organisation than the real From address (high for an address), names a brand whose domains do not include the sender\'s, or mixes Latin with lookalike Cyrillic/Greek letters in one word.',
  explain:
    'Most mail clients show only the display name, and anyone can type any name. "PayPal" or "ceo@yourcompany.com" in the name, with an unrelated address behind it, is the most common trick in phishing.',
  check: (ctx) => {
    // One finding at most: the strongest claim of the first mailbox that makes one (the first of equals). A name
    // makes several claims ("Banco.Bradesco": a bare domain, weak, and the brand Bradesco; "Μetamаsk.io": mixed
    // scripts), and the first one found is not the one that matters.
    for (const m of ctx.identity.from) {
      let best: FindingDraft | undefined;
      for (const claim of nameClaims(m)) {
        const finding = claimFinding(ctx, m, claim);
        if (!best || RANK[finding.severity ?? 'medium'] > RANK[best.severity ?? 'medium']) best = finding;
      }
      if (best) return [best];
    }
    return [];
  },
});

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3 };

function claimFinding(ctx: RuleContext, m: Mailbox, claim: NameClaim): FindingDraft {
  // A bare domain in a name is often the company's own trade name ("CNET News.com" from its newsletter
  // host): weak unless the domain is a brand's or the recipient's.
  const weakDomain = claim.kind === 'domain-in-name' && !isBrandDomain(claim.claimed) && !recipientOrgs(ctx).includes(orgDomain(claim.claimed));
  // "Tyler Hicks (Microsoft)": a person naming their employer, as developers do on lists; weak.
  const employer = claim.kind === 'brand-in-name' && personWithAffiliation(m.name, claim.claimed);
  return {
    severity: claim.kind === 'address-in-name' ? 'high' : weakDomain || employer ? 'low' : 'medium',
    title:
      claim.kind === 'address-in-name'
        ? `The From display name shows the address ${claim.claimed}, but the mail is from ${m.address}`
        : claim.kind === 'domain-in-name'
          ? `The From display name names ${claim.claimed}, but the mail is from ${m.domain}`
          : claim.kind === 'mixed-script-name'
            ? `The From display name "${claim.claimed}" mixes Latin with lookalike letters of another script`
            : `The From display name uses the brand "${claim.claimed}", but the mail is from ${m.domain}`,
    evidence: firstEvidence(ctx.message, 'from'),
    data: { kind: claim.kind, claimed: claim.claimed, address: m.address, brandDomains: claim.brandDomains },
  };
}
