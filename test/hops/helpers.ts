// Build hops and chains the way the pipeline does: from message text, through the message stage.
import { parseMessage } from '../../src/message/parse.js';
import { buildChain } from '../../src/hops/chain.js';
import type { Chain, Message, TrustConfig } from '../../src/types.js';

/** A message whose header block is these fields (each "Name: value", folding kept), newest first. */
export function messageOf(fields: string[]): Message {
  const text = fields.map((f) => f.replace(/\r?\n/g, '\r\n')).join('\r\n') + '\r\n\r\nbody\r\n';
  return parseMessage(Buffer.from(text, 'utf8'));
}

/** Received values (with or without the "Received:" name), newest first, as a chain. */
export function chainOf(received: string[], trust: Partial<TrustConfig> = {}, extra: string[] = []): Chain {
  const fields = received.map((r) => (/^received:/i.test(r) ? r : `Received: ${r}`));
  return buildChain(messageOf([...extra, ...fields, 'Subject: t']), { trust: trust.trust ?? [], authservIds: trust.authservIds ?? [] });
}

/** One Received value as a hop. */
export function hopOf(value: string) {
  const chain = chainOf([value]);
  return chain.hops[0]!;
}
