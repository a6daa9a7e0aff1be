// Shared by the hop-chain rules (findings/rules/hops-*): comparing the names and addresses that two Received lines give one host.
import type { Hop } from '../types.js';
import { normalizeIp } from './ip.js';
import { registrableDomain } from './trust.js';

/** Lower case, no trailing root dot, no brackets. */
export function hostKey(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

/**
 * True when `name` and `other` plausibly name the same machine: equal, one the short form of the other
 * ("mail" vs "mail.example.com"), the same registrable domain (a site's MX and relay names differ:
 * "mx1.example.com" vs "smtp-out.example.com"), or the same address.
 */
export function sameHost(name: string | undefined, other: string | undefined): boolean {
  const a = hostKey(name);
  const b = hostKey(other);
  if (!a || !b) return false;
  if (a === b) return true;
  const ipA = normalizeIp(a);
  const ipB = normalizeIp(b);
  if (ipA || ipB) return ipA !== undefined && ipA === ipB;
  if (a.split('.')[0] === b.split('.')[0] && (!a.includes('.') || !b.includes('.'))) return true;
  const da = registrableDomain(a);
  return da !== undefined && da === registrableDomain(b);
}

/** The names a Received line gives its client. */
export function clientNames(hop: Hop): string[] {
  return [hop.from?.helo, hop.from?.rdns, hop.from?.ip].filter((x): x is string => !!x);
}
