// Findings -> verdict. The rule, documented in the README:
//   forged      when any finding is high;
//   suspicious  when any finding is medium, or the low findings add up to SUSPICIOUS_SCORE;
//   pass        otherwise.
// The findings at the deciding level are the verdict's drivers, so an analyst sees what decided it.
// Context (lists, forwarding, ESPs) is weighed by the rules, which lower their own severity and say why; the
// calibration over the corpus is bench/calibrate.ts, its figures in README "Verdict and calibration".
import type { Finding, Severity, Verdict } from '../types.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { info: 0, low: 1, medium: 3, high: 10 };
export const SUSPICIOUS_SCORE = 3;

export interface VerdictResult {
  verdict: Verdict;
  score: number;
  drivers: string[];
}

export function decideVerdict(findings: readonly Finding[]): VerdictResult {
  const score = findings.reduce((n, f) => n + SEVERITY_WEIGHT[f.severity], 0);
  const ids = (severities: Severity[]) => [...new Set(findings.filter((f) => severities.includes(f.severity)).map((f) => f.id))];
  const high = ids(['high']);
  if (high.length) return { verdict: 'forged', score, drivers: high };
  const medium = ids(['medium']);
  if (medium.length) return { verdict: 'suspicious', score, drivers: medium };
  if (score >= SUSPICIOUS_SCORE) return { verdict: 'suspicious', score, drivers: ids(['low']) };
  return { verdict: 'pass', score, drivers: [] };
}

/** Process exit codes (sysexits.h where one fits). */
export const EXIT = {
  pass: 0,
  suspicious: 1,
  forged: 2,
  usage: 64, // EX_USAGE
  notAMessage: 65, // EX_DATAERR
  noInput: 66, // EX_NOINPUT
  internal: 70, // EX_SOFTWARE
  tempFail: 75, // EX_TEMPFAIL
} as const;

export function exitCodeFor(verdict: Verdict): number {
  return EXIT[verdict];
}
