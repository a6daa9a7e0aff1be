import { defineRule, hopEvidence } from '../define.js';

const DAY = 86_400;

export const hopsTimeReversal = defineRule({
  id: 'hops.time-reversal',
  severity: 'low',
  title: 'A hop is dated before the hop that handed it the message',
  description: 'A Received date is earlier than the one below it by more than the allowed clock skew (--skew, default 300 s).',
  explain:
    'Servers stamp the time they received the message, so dates should rise from the bottom line to the top. Small differences are clock skew; a large step back in time is a badly set clock, or a line the sender wrote with a made-up date.',
  check: ({ chain, options }) => {
    const out = [];
    for (let i = 1; i < chain.hops.length; i++) {
      const hop = chain.hops[i]!;
      if (hop.delaySeconds === undefined || hop.delaySeconds >= -options.skewSeconds) continue;
      const older = chain.hops.slice(0, i).reverse().find((h) => h.timestamp)!;
      out.push({
        // Real mail is full of clocks set to the wrong zone (steps of whole hours); only a step back of more than a day
        // below the boundary, where the dates are the sender's word, is worth a point.
        severity: hop.trust !== 'trusted' && hop.delaySeconds < -DAY ? ('low' as const) : ('info' as const),
        evidence: [hopEvidence(hop), hopEvidence(older)],
        data: { hop: hop.index, previousHop: older.index, delaySeconds: hop.delaySeconds, skewSeconds: options.skewSeconds },
      });
    }
    return out;
  },
});
