// The segmented check's verdict on a whole history held to checkHistory's (the tests of
// sim/check/segmentedCheck.test.ts and sim/check/models/models.test.ts).
import { expect } from 'vitest';
import type { Operation } from '../../sim/check/history.ts';
import { checkHistory } from '../../sim/check/linearizability.ts';
import type { Model } from '../../sim/check/model.ts';
import { checkSegmented, type FeedOptions } from '../../sim/check/segmentedCheck.ts';

/** Tallies of compared histories: by verdict, and those the segmented check really cut. */
export interface Tally {
  ok: number;
  illegal: number;
  cut: number;
}

/** Checks `h` both ways, expects the same verdict, and counts it in `tally`. */
export function expectSameVerdict<S, I, O>(model: Model<S, I, O>, h: readonly Operation<I, O>[], opts: FeedOptions, tally: Tally): void {
  const whole = checkHistory(model, h).verdict;
  const r = checkSegmented(model, h, opts);
  expect(r.verdict).toBe(whole);
  tally[whole as 'ok' | 'illegal'] += 1;
  if (r.segments > r.partitions) tally.cut += 1;
}
