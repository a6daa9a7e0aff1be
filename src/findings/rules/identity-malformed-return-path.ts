import { defineRule, fieldEvidence } from '../define.js';
import { firstField } from '../../message/parse.js';

// Return-Path: <any@legitimate.com(a.attack.com>          (espoofer A5: a comment that hides the real domain)
// Return-Path: <@legitimate.com,@any.com:'any@attack.com>  (espoofer A7: a source route)
const WELL_FORMED = /^<?\s*(?:[^\s<>()"',;:\\@[\]]{1,64}|"[^"\\]{0,64}")@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?){1,8}\s*>?$/;

export const malformedReturnPath = defineRule({
  id: 'identity.malformed-return-path',
  severity: 'medium',
  title: 'The envelope sender (Return-Path) is malformed',
  description:
    'The Return-Path is neither "<>" nor a plain "<local@domain>": it holds a comment, a quote, a source route or stray brackets (the MAIL FROM tricks of the "Composition Kills" study).',
  explain:
    'SPF is checked against the domain of the envelope sender. A malformed one can make the SPF checker read one domain while the Authentication-Results header or the DMARC check reads another, so a forger passes SPF for a domain they do not own.',
  check: ({ message }) => {
    const field = firstField(message, 'return-path');
    if (!field) return [];
    const v = field.value.trim();
    if (v === '<>' || v === '' || WELL_FORMED.test(v)) return [];
    return [{ evidence: [fieldEvidence(field)], data: { value: v.slice(0, 300) } }];
  },
});
