import { defineRule } from '../define.js';

export const authDisagreement = defineRule({
  id: 'auth.disagreement',
  severity: 'info',
  title: 'Our result differs from the one the receiver recorded',
  description:
    'For a method, the result we computed differs from the receiving side\'s trusted Authentication-Results, with the probable reason (key rotated, record changed, signature expired, different IP, replay answer missing). Low when the receiver recorded a pass that we now see fail.',
  explain:
    'We check later than the receiver did, with today\'s DNS or a recording. Most differences are time: keys rotate and records change. A receiver pass that fails now is worth a look; it can also mean the message was altered after delivery.',
  check: ({ auth }) =>
    auth.comparison
      .filter((c) => !c.agree && c.ours !== 'unknown')
      .map((c) => ({
        severity: c.theirs === 'pass' && c.ours === 'fail' ? ('low' as const) : ('info' as const),
        title: `${c.method.toUpperCase()}: receiver recorded ${c.theirs}, we get ${c.ours}${c.reason ? ` (${c.reason})` : ''}`,
        evidence: [{ header: `auth:${c.method}`, index: -1, text: `ours=${c.ours} theirs=${c.theirs ?? ''}` }],
        data: { method: c.method, ours: c.ours, theirs: c.theirs, reason: c.reason },
      })),
});
