// A run's verdict: pass, fail or inconclusive.
//
// Contract: a run fails when any check found a violation; otherwise it is inconclusive when
// any check could not decide (a linearizability search that ran out of budget, a history
// that overflowed its recorder, a liveness bound that falls after the run, a run stopped by
// a scale limit, a promise about a figure with nothing to measure); otherwise it passes. A
// check that cannot apply to a scenario at all (liveness with no clients) is neither: it
// says "not applicable" in the run's stats and does not hold the verdict back.

export type RunVerdict = 'pass' | 'fail' | 'inconclusive';

/** A check that could not decide, and why, in words a user can act on. */
export interface Inconclusive {
  check: string;
  reason: string;
}

export function verdictOf(violationCount: number, inconclusiveCount: number): RunVerdict {
  if (violationCount > 0) return 'fail';
  return inconclusiveCount > 0 ? 'inconclusive' : 'pass';
}

/** What the stats say about a check that cannot apply to this scenario. */
export function notApplicable(why: string): string {
  return `not applicable: ${why}`;
}
