// Exit codes and the words for a verdict, shared by every command that runs checks.
//
// Contract: 0 every check held; 1 a check failed; 2 bad input or usage; 3 no check failed
// but at least one could not decide (inconclusive). --allow-inconclusive turns 3 into 0 for
// a user who accepts that, e.g. a long exploratory sweep; it never hides a failure.
import type { Inconclusive, RunVerdict } from '../sim/check/verdict.ts';

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCONCLUSIVE = 3;

export function exitCodeOf(verdict: RunVerdict, allowInconclusive: boolean): number {
  if (verdict === 'fail') return EXIT_FAIL;
  if (verdict === 'inconclusive') return allowInconclusive ? EXIT_PASS : EXIT_INCONCLUSIVE;
  return EXIT_PASS;
}

/** PASS, FAIL or INCONCLUSIVE, as the human reports print it. */
export function verdictWord(verdict: RunVerdict): string {
  return verdict.toUpperCase();
}

/** One line per check that could not decide. */
export function inconclusiveLines(list: readonly Inconclusive[], indent: string): string[] {
  return list.map((x) => `${indent}inconclusive [${x.check}]: ${x.reason}`);
}

/** What the last line of a human report says before the replay command. */
export function replayLead(verdict: RunVerdict, seed: number, allowInconclusive: boolean): string {
  if (verdict === 'fail') return `seed ${seed} failed; replay`;
  if (verdict === 'inconclusive') return `seed ${seed} is inconclusive (exit ${allowInconclusive ? `${EXIT_PASS}: --allow-inconclusive` : EXIT_INCONCLUSIVE}); replay`;
  return 'replay';
}
