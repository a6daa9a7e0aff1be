import { defineRule, hopEvidence, type FindingDraft } from '../define.js';
import { recipientDomain, relayCandidates, senderDomain, isRecipientMx } from '../../identity/relay.js';
import { sameOrg } from '../../identity/org.js';

// Received: from relay.openrelay.test (relay.openrelay.test [127.0.0.3]) by mx.rcpt.test (Postfix) ...
// Received: from mail.example.test (mail.evil.test [127.0.0.5]) by relay.openrelay.test (Postfix) ...
export const thirdPartyRelay = defineRule({
  id: 'relay.third-party',
  severity: 'medium',
  title: 'The message passed through a third party\'s relay',
  description:
    'Below the trust boundary, an unauthenticated client handed the message to a host that belongs neither to the sender\'s domain (its SPF does not pass for the relay) nor to the recipient\'s (not one of its MX hosts), and that host relayed it onward: open-relay traversal.',
  explain:
    'Legitimate mail goes from the sender\'s own servers straight to the recipient\'s. A stop at a stranger\'s server, which accepted mail from anyone and passed it on, is how spammers hide where they are and borrow the relay\'s reputation: the classic open relay.',
  check: (ctx) => {
    const relay = ctx.relay;
    const sender = senderDomain(ctx.identity);
    const rcpt = recipientDomain(ctx.identity);
    const out: FindingDraft[] = [];
    const offline: ReturnType<typeof relayCandidates> = [];
    for (const c of relayCandidates(ctx.chain)) {
      if (sender && sameOrg(c.relayHost, sender)) continue;
      if (rcpt && sameOrg(c.relayHost, rcpt)) continue;
      const evidence = [hopEvidence(c.received), hopEvidence(c.onward)];
      if (!relay || relay.mode === 'offline') {
        offline.push(c);
        continue;
      }
      if (isRecipientMx(c.relayHost, relay)) continue;
      const spf = relay.spf.find((s) => s.hop === c.received.index);
      if (!spf || spf.result === 'pass' || spf.result === 'temperror') continue;
      out.push({
        title: `Hop ${c.received.index + 1}: ${c.relayHost} relayed mail it had no business relaying`,
        evidence: [
          ...evidence,
          { header: `dns:SPF ${spf.domain}`, index: -1, text: `spf=${spf.result} for ${spf.ip}${spf.comment ? ` (${spf.comment})` : ''}` },
          { header: `dns:MX ${relay.mx?.domain ?? rcpt ?? '?'}`, index: -1, text: relay.mx?.error ? `MX lookup failed: ${relay.mx.error}` : (relay.mx?.hosts.join(', ') ?? 'no recipient domain') },
        ],
        data: { hop: c.received.index, relay: c.relayHost, relayIp: spf.ip, spf: spf.result, mx: relay.mx?.hosts ?? [], checked: true },
      });
    }
    if (offline.length) {
      // Names alone cannot tell an ISP's smarthost from an open relay: say what was seen, decide nothing.
      out.push({
        severity: 'info',
        title: `${[...new Set(offline.map((c) => c.relayHost))].slice(0, 3).join(', ')} relayed for a client of another organisation (SPF and MX not checked: offline)`,
        evidence: offline.flatMap((c) => [hopEvidence(c.received), hopEvidence(c.onward)]).slice(0, 6),
        data: { hops: offline.map((c) => c.received.index), relays: offline.map((c) => c.relayHost), checked: false },
      });
    }
    return out;
  },
});
