// Run the authentication stage on raw bytes the way analyze() does, with control over the resolver, the
// analysis time and the minimum key size (the peer suites need these; analyze() takes only some of them).
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/index.js';
import { extractIdentity } from '../../src/identity/index.js';
import { authenticate, type AuthInput } from '../../src/auth/index.js';
import type { AuthReport, Resolver } from '../../src/types.js';

export interface AuthOptions {
  resolver?: Resolver;
  at?: Date;
  minBitLength?: number;
  authservIds?: string[];
  offline?: boolean;
  dnsDeadlineMs?: number;
  extra?: Partial<AuthInput>;
}

export async function authenticateBytes(bytes: Uint8Array, o: AuthOptions = {}): Promise<AuthReport> {
  const message = parseMessage(bytes);
  const chain = buildChain(message, { trust: [], authservIds: o.authservIds ?? [] });
  const identity = extractIdentity(message, chain);
  const boundary = chain.boundary !== undefined ? chain.hops[chain.boundary] : undefined;
  const at = o.at ?? (boundary?.timestamp ? new Date(boundary.timestamp) : new Date());
  return authenticate(
    {
      message,
      chain,
      identity,
      at,
      offline: o.offline ?? !o.resolver,
      authservIds: o.authservIds ?? [],
      ...(o.minBitLength ? { minBitLength: o.minBitLength } : {}),
      ...(o.dnsDeadlineMs ? { dnsDeadlineMs: o.dnsDeadlineMs } : {}),
      ...o.extra,
    },
    { now: () => new Date(), ...(o.resolver ? { resolver: o.resolver } : {}) },
  );
}

/** Map a Mail::DKIM / dkimpy verdict word onto the RFC 8601 results that mean the same. */
export function sameVerdict(expected: string, got: string): boolean {
  if (expected === 'invalid') return ['neutral', 'permerror', 'temperror', 'policy', 'none'].includes(got);
  return expected === got;
}
