// Goal: the commit index is the largest index a quorum of voters holds, whatever the
// order, duplicates and sizes of the match indexes, across configuration changes that
// shrink the cluster, and with the learnersInQuorum bug flag counting learners too.
// Method: random configurations and match indexes against the definition written out
// (sort descending, take the middle), one tracker reused through several configurations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './tracker.ts';

function reference(matches: number[]): number {
  if (matches.length === 0) return 0;
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[Math.floor(matches.length / 2)];
}

describe('ProgressTracker.committedIndex', () => {
  it('is the middle of the voters\' match indexes sorted descending (learners only under the bug flag)', () => {
    const config = fc.record({
      voters: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 9 }),
      learners: fc.uniqueArray(fc.integer({ min: 13, max: 20 }), { maxLength: 3 }),
      matches: fc.array(fc.nat(30), { minLength: 20, maxLength: 20 }),
      flag: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(config, { minLength: 1, maxLength: 5 }), (configs) => {
      const t = new ProgressTracker({ voters: [], learners: [] }, 1, 8);
      for (const c of configs) {
        t.setConf({ voters: c.voters, learners: c.learners }, 1);
        t.learnersInQuorum = c.flag;
        const counted = c.flag ? [...c.voters, ...c.learners] : c.voters;
        for (const id of [...c.voters, ...c.learners]) (t.progress.get(id) as { match: number }).match = c.matches[id - 1];
        expect(t.committedIndex()).toBe(reference(counted.map((id) => c.matches[id - 1])));
      }
    }));
  });
});
