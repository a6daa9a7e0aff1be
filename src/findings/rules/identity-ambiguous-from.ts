import { defineRule, type FindingDraft } from '../define.js';
import { fromAmbiguities, type FromAmbiguity } from '../../identity/from-syntax.js';

const TITLES: Partial<Record<FromAmbiguity, string>> = {
  'no-address': 'The From header holds no usable address',
  'invalid-address': 'The From address is no valid address',
};

// From: <first@attack.com>
// From: <admin@legitimate.com>                       (espoofer A8; A9-A19 are the variants, see identity/from-syntax.ts)
export const ambiguousFrom = defineRule({
  id: 'identity.ambiguous-from',
  severity: 'high',
  title: 'The author (From) is ambiguous',
  description:
    'Several From fields, "From :" with a space, a folded field name, several mailboxes, an encoded word hiding an address, a source route, a quoted-pair trick or a second address beside the real one; or an address that is no address ("Todays@winner!").',
  explain:
    'DMARC checks one author, the mail client shows one author, and this From header lets them pick different ones. Attackers use exactly these constructs to pass DMARC as their own domain while the reader sees a trusted one; normal mail software never writes them.',
  check: ({ message }) =>
    fromAmbiguities(message).map(
      (issue): FindingDraft => ({
        // A From with no address at all is broken, not two-faced.
        severity: issue.code === 'no-address' || issue.code === 'invalid-address' || issue.code === 'stray-display-name' ? 'medium' : 'high',
        title: TITLES[issue.code] ?? `The author (From) is ambiguous: ${issue.code.replace(/-/g, ' ')}`,
        evidence: [{ header: issue.index >= 0 ? (message.headers[issue.index]?.name ?? 'From') : '(header block end)', index: issue.index, text: issue.raw }],
        data: { code: issue.code, detail: issue.detail },
      }),
    ),
});
