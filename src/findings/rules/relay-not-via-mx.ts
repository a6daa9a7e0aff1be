import { defineRule, hopEvidence } from '../define.js';
import { isRecipientMx } from '../../identity/relay.js';
import { isPublicName } from '../../identity/org.js';

// Received: from attacker.example ([203.0.113.9]) by backup.victim.example ...     (MX: 10 mx.victim.example)
export const notViaMx = defineRule({
  id: 'relay.not-via-mx',
  severity: 'low',
  title: 'The message did not arrive through the recipient domain\'s MX',
  description: 'The boundary hop\'s receiving host is not one of the recipient domain\'s MX hosts (compared by organisational domain).',
  explain:
    'Mail for a domain should enter through the servers its MX records name: that is where its spam and spoofing filters sit. A message that came in through a side door (an old backup server, a directly addressed internal host) skipped them.',
  check: (ctx) => {
    const relay = ctx.relay;
    const boundary = ctx.chain.boundary !== undefined ? ctx.chain.hops[ctx.chain.boundary] : undefined;
    if (!relay || relay.mode !== 'dns' || !relay.mx || relay.mx.error || relay.mx.hosts.length === 0 || !boundary?.by) return [];
    if (!isPublicName(boundary.by) || isRecipientMx(boundary.by, relay)) return [];
    return [
      {
        evidence: [hopEvidence(boundary), { header: `dns:MX ${relay.mx.domain}`, index: -1, text: relay.mx.hosts.join(', ') }],
        data: { by: boundary.by, recipientDomain: relay.mx.domain, mx: relay.mx.hosts },
      },
    ];
  },
});
