import { defineRule, type JudgedWrapper } from '../define.js';
import type { Evidence } from '../../types.js';

/** The wrapper's own evidence for what decided its verdict: the first item of each deciding finding. */
function wrapperEvidence({ findings, verdict }: JudgedWrapper): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (!verdict.drivers.includes(f.id) || seen.has(f.id)) continue;
    seen.add(f.id);
    const first = f.evidence[0];
    // Index -1: these are the wrapper's header fields, not fields of the message this report describes.
    out.push(
      first
        ? { header: `wrapper: ${first.header} (${f.id})`, index: -1, text: first.text }
        : { header: `wrapper: ${f.id}`, index: -1, text: f.title },
    );
  }
  return out;
}

export const suspiciousWrapper = defineRule({
  id: 'container.suspicious-wrapper',
  severity: 'medium',
  title: 'The message this original was taken out of is itself suspicious',
  description:
    'The message was unwrapped from a report or a forward (--unwrap), and that container, or one nested in it, judged as a message of its own, is suspicious; high when it is forged.',
  explain:
    'mailtrace analyses the original inside a forward or an abuse report. A phishing message can carry a harmless attached message to be judged by that instead: the container gets its own verdict, and this report is never better than it.',
  check: ({ wrapper }) => {
    if (!wrapper || wrapper.verdict.verdict === 'pass') return [];
    const { verdict, score, drivers, depth, from } = wrapper.verdict;
    const forged = verdict === 'forged';
    // Which container, when they nest: "a message this original came in (from x@y, inside the input)".
    const which = depth === 0 ? 'The message this original was taken out of' : `A message this original came in (from ${from ?? 'no From'}, inside the input)`;
    return [
      {
        severity: forged ? 'high' : 'medium',
        ...(forged || depth > 0 ? { title: `${which} is itself ${verdict}` } : {}),
        evidence: wrapperEvidence(wrapper),
        data: { verdict, score, drivers, depth, ...(from ? { from } : {}) },
      },
    ];
  },
});
