import { defineRule, hopEvidence } from '../define.js';

export const unparseableHop = defineRule({
  id: 'hops.unparseable',
  severity: 'low',
  title: 'A Received header could not be parsed',
  description: 'A Received header matches no known MTA format and has no recognisable from/by clauses.',
  explain:
    'Real mail servers write Received lines in a handful of well-known shapes. A line that fits none of them may be damaged, written by unusual software, or forged by the sender.',
  check: ({ chain }) => chain.hops.filter((h) => h.kind === 'unparseable').map((h) => ({ evidence: [hopEvidence(h)], data: { hop: h.index } })),
});
