import { defineRule, fieldEvidence } from '../define.js';
import { firstField } from '../../message/parse.js';

// Return-Path: <any@legitimate.com(a.attack.com>          (espoofer A5: a comment that hides the real domain)
// Return-Path: <@legitimate.com,@any.com:'any@attack.com>  (espoofer A7: a source route)
// Return-Path: <"quoted local"@example.com>   (legal, RFC 5321 4.1.2)
const QUOTED_LOCAL = /^<\s*"[^"\\]{0,64}"@[^\s<>()'",;]{1,253}\s*>$/;
/** The tricks of the study, each a parser differential; an odd but unambiguous path (two '@') is left alone. */
const TRICKS: [string, RegExp][] = [
  ['source route', /^<\s*@[^:>]{0,253}:/],
  ['comment', /[()]/],
  ['quote', /['"]/],
  ['list separator', /[,;]/],
  ['several angle brackets', /<[^>]*<|>[^<]*>/],
  ['whitespace inside the address', /<[^>]*\S\s+\S[^>]*>/],
  ['control character', /[\u0000-\u001f\u007f]/],
  // "<=?utf-8?q?a=40paypal.com?=>": an address is never encoded (RFC 2047 5), but a reader that decodes one shows
  // a@paypal.com where SPF checked none.
  ['encoded word', /=\?[^?\s]{1,64}\?[bBqQ]\?/],
  // "Return-Path: <root@ubuntu-s-1vcpu-1gb-sfo3-06>": MAIL FROM must name a fully qualified domain (RFC 5321
  // 4.1.2); an unqualified one is a freshly rented server sending straight to the internet.
  ['unqualified domain', /@[A-Za-z0-9-]{1,63}\s*>?$/],
];

export const malformedReturnPath = defineRule({
  id: 'identity.malformed-return-path',
  severity: 'medium',
  title: 'The envelope sender (Return-Path) is malformed',
  description:
    'The Return-Path is neither "<>" nor a plain "<local@domain>": it holds a comment, a quote, a source route or stray brackets (the MAIL FROM tricks of the "Composition Kills" study), an encoded word, or a domain that is not fully qualified.',
  explain:
    'SPF is checked against the domain of the envelope sender. A malformed one can make the SPF checker read one domain while the Authentication-Results header or the DMARC check reads another, so a forger passes SPF for a domain they do not own.',
  check: ({ message }) => {
    const field = firstField(message, 'return-path');
    if (!field) return [];
    // No real path is longer than 256 octets (RFC 5321 4.5.3.1.3); the cap keeps the patterns below linear.
    const v = field.value.trim().slice(0, 1000);
    if (v === '<>' || v === '' || QUOTED_LOCAL.test(v)) return [];
    const tricks = TRICKS.filter(([, re]) => re.test(v)).map(([name]) => name);
    if (tricks.length === 0) return [];
    return [{ evidence: [fieldEvidence(field)], data: { value: v.slice(0, 300), tricks } }];
  },
});
