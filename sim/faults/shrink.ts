// Shrinking a failing fault schedule: delta debugging (Zeller's ddmin) and per-item
// simplification, both pure and generic over a predicate.
//
// Contract: `fails(candidate)` must be deterministic (same candidate, same answer); the
// shrinkers only ever return a candidate for which it answered true (or the input, which
// the caller vouches for). `ddmin` returns a 1-minimal subsequence when it finishes within
// its test budget: removing any single remaining item makes the failure go away. Items
// keep their original order. Every search is bounded by `testsMax` predicate calls;
// `exhausted` says the budget ran out before the search finished.

export interface ShrinkResult<T> {
  items: T[];
  /** Predicate calls made (cache hits are free). */
  tests: number;
  exhausted: boolean;
}

export const TESTS_MAX_DEFAULT = 500;

/** Splits indices into `n` contiguous chunks of near-equal size. */
function chunks(indices: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((indices.length - start) / (n - i));
    out.push(indices.slice(start, end));
    start = end;
  }
  return out.filter((c) => c.length > 0);
}

export function ddmin<T>(items: readonly T[], fails: (candidate: T[]) => boolean, testsMax = TESTS_MAX_DEFAULT): ShrinkResult<T> {
  const cache = new Map<string, boolean>();
  let tests = 0;
  let exhausted = false;
  const test = (idx: readonly number[]): boolean => {
    const key = idx.join(',');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (tests >= testsMax) {
      exhausted = true;
      return false;
    }
    tests++;
    const r = fails(idx.map((i) => items[i]));
    cache.set(key, r);
    return r;
  };
  let cur = items.map((_, i) => i);
  if (cur.length > 0 && test([])) cur = [];
  let n = 2;
  while (cur.length >= 2 && !exhausted) {
    const parts = chunks(cur, Math.min(n, cur.length));
    const subset = parts.find((p) => test(p));
    if (subset !== undefined) {
      cur = subset;
      n = 2;
      continue;
    }
    const complement = parts.length > 2 ? parts.map((p) => cur.filter((i) => !p.includes(i))).find((c) => test(c)) : undefined;
    if (complement !== undefined) {
      cur = complement;
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= cur.length) break;
    n = Math.min(2 * n, cur.length);
  }
  return { items: cur.map((i) => items[i]), tests, exhausted };
}

/**
 * Simplifies items one at a time: for each item, tries its `simpler` variants in order and
 * keeps the first that still fails, then asks again from there, until none does.
 */
export function simplifyEach<T>(items: readonly T[], simpler: (item: T) => T[], fails: (candidate: T[]) => boolean, testsMax = TESTS_MAX_DEFAULT): ShrinkResult<T> {
  const cur = items.slice();
  let tests = 0;
  for (let i = 0; i < cur.length; i++) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const variant of simpler(cur[i])) {
        if (tests >= testsMax) return { items: cur, tests, exhausted: true };
        tests++;
        const candidate = cur.slice();
        candidate[i] = variant;
        if (fails(candidate)) {
          cur[i] = variant;
          progressed = true;
          break;
        }
      }
    }
  }
  return { items: cur, tests, exhausted: false };
}
