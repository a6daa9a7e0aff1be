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
  // One pass for the score and the highest severity; the drivers are collected only at the deciding level.
  let score = 0;
  let top = 0;
  for (const f of findings) {
    const weight = SEVERITY_WEIGHT[f.severity];
    score += weight;
    if (weight > top) top = weight;
  }
  if (top === SEVERITY_WEIGHT.high) return { verdict: 'forged', score, drivers: idsAt(findings, 'high') };
  if (top === SEVERITY_WEIGHT.medium) return { verdict: 'suspicious', score, drivers: idsAt(findings, 'medium') };
  if (score >= SUSPICIOUS_SCORE) return { verdict: 'suspicious', score, drivers: idsAt(findings, 'low') };
  return { verdict: 'pass', score, drivers: [] };
}

/** The distinct ids of the findings, in the order they were found (a rule can find several things). */
export function findingIds(findings: readonly Finding[]): string[] {
  const ids: string[] = [];
  for (const f of findings) if (!ids.includes(f.id)) ids.push(f.id);
  return ids;
}

/** The distinct ids of the findings at one severity, in the order they were found. */
function idsAt(findings: readonly Finding[], severity: Severity): string[] {
  const ids: string[] = [];
  for (const f of findings) if (f.severity === severity && !ids.includes(f.id)) ids.push(f.id);
  return ids;
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
  ioError: 74, // EX_IOERR: the output could not be written
  tempFail: 75, // EX_TEMPFAIL
} as const;

export function exitCodeFor(verdict: Verdict): number {
  return EXIT[verdict];
}
