// Deadlines as plain arithmetic, for the synchronous side: a simulator handler records
// `deadlineAt(now, budgetUs)` when it starts work and asks the host for a timer; when the
// timer fires it checks `isExpired` and abandons the work.
import type { Micros } from '../../env.ts';

export function deadlineAt(now: Micros, budgetUs: Micros): Micros {
  if (!(Number.isSafeInteger(budgetUs) && budgetUs >= 0)) throw new Error(`timeout: budget must be a non-negative integer of microseconds, got ${budgetUs}`);
  return now + budgetUs;
}

/** Time left before the deadline, never negative. */
export function remainingUs(now: Micros, deadlineUs: Micros): Micros {
  return Math.max(0, deadlineUs - now);
}

export function isExpired(now: Micros, deadlineUs: Micros): boolean {
  return now >= deadlineUs;
}
