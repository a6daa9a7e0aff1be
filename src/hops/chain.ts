// PLACEHOLDER chain and trust boundary, to be replaced (issue 2).
import type { Chain, Hop, Message, TrustConfig } from '../types.js';
import { parseReceived } from './parse.js';

export function buildChain(message: Message, _trust: TrustConfig): Chain {
  const received = message.headers.filter((f) => f.key === 'received');
  const hops: Hop[] = received
    .reverse()
    .map((f, index) => ({ ...parseReceived(f), index, trust: 'untrusted' as const, trustReason: 'no trust inference yet' }));
  for (let i = 1; i < hops.length; i++) {
    const a = hops[i - 1]!.timestamp;
    const b = hops[i]!.timestamp;
    if (a && b) hops[i]!.delaySeconds = (Date.parse(b) - Date.parse(a)) / 1000;
  }
  const top = hops.length - 1;
  if (top >= 0) {
    hops[top]!.trust = 'boundary';
    hops[top]!.trustReason = 'topmost hop (placeholder)';
  }
  return { hops, ...(top >= 0 ? { boundary: top } : {}) };
}
