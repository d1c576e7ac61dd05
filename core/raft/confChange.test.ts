// Goal: the membership rules of one-server-at-a-time changes (Raft thesis §4.1) as
// applyConfChange states them: a voter or learner is added only when it is not one already,
// a learner is promoted to voter but a voter is never demoted, any member may be removed
// but the last voter, and every refused change leaves the configuration as it was. The
// configurations it builds stay sorted, duplicate-free and disjoint; joint configurations
// are refused outright; a conf entry that does not decode is a no-op.
// Method: the functions by hand on small configurations, one rule per case, then random
// change sequences against a model written with sets; the codec by round trip and by each
// way an entry's data can be malformed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfChange, decodeConfChange, encodeConfChange, normalizeConf, type ConfChange } from './confChange.ts';
import type { ConfState, Entry } from './types.ts';
import { newNode } from '../../test/support/raft/testUtil.ts';

function conf(voters: number[], learners: number[] = []): ConfState {
  return { voters, learners };
}

/** applyConfChange's result when the change must be allowed. */
function applied(c: ConfState, cc: ConfChange): ConfState {
  const next = applyConfChange(c, cc);
  if (typeof next === 'string') throw new Error(`expected ${cc.type} ${cc.node} to be allowed, got "${next}"`);
  return next;
}

describe('Reference: thesis §4.1. applyConfChange', () => {
  it('adds a voter in id order, whatever order the ids arrive in', () => {
    expect(applied(conf([1, 3]), { type: 'addVoter', node: 2 })).toEqual(conf([1, 2, 3]));
    expect(applied(conf([9, 10]), { type: 'addVoter', node: 2 })).toEqual(conf([2, 9, 10]));
    expect(applied(conf([2, 5, 7, 11]), { type: 'addVoter', node: 0 })).toEqual(conf([0, 2, 5, 7, 11]));
  });

  it('promotes a learner: it leaves the learners, the other learners stay', () => {
    expect(applied(conf([1, 2, 3], [4, 5]), { type: 'addVoter', node: 4 })).toEqual(conf([1, 2, 3, 4], [5]));
    expect(applied(conf([1, 2, 3], [4, 5]), { type: 'addVoter', node: 6 })).toEqual(conf([1, 2, 3, 6], [4, 5]));
  });

  it('adds a learner in id order and leaves the voters as they were', () => {
    expect(applied(conf([1, 2, 3], [7]), { type: 'addLearner', node: 5 })).toEqual(conf([1, 2, 3], [5, 7]));
    expect(applied(conf([1], [9, 12]), { type: 'addLearner', node: 10 })).toEqual(conf([1], [9, 10, 12]));
  });

  it('removes a voter, keeping the learners, and removes a learner, keeping the voters', () => {
    expect(applied(conf([1, 2, 3], [4, 5]), { type: 'removeNode', node: 2 })).toEqual(conf([1, 3], [4, 5]));
    expect(applied(conf([1, 2, 3], [4, 5]), { type: 'removeNode', node: 4 })).toEqual(conf([1, 2, 3], [5]));
    // With one voter left, its learners may still go: only the last voter is protected.
    expect(applied(conf([1], [2]), { type: 'removeNode', node: 2 })).toEqual(conf([1]));
  });

  it('refuses a duplicate voter, a duplicate learner, a demotion, a non-member and the last voter', () => {
    const c = conf([1, 2, 3], [4]);
    const refused: [ConfState, ConfChange, RegExp][] = [
      [c, { type: 'addVoter', node: 2 }, /node 2 is already a voter/],
      [c, { type: 'addLearner', node: 4 }, /node 4 is already a learner/],
      [c, { type: 'addLearner', node: 3 }, /node 3 is a voter; demotion is not supported/],
      [c, { type: 'removeNode', node: 9 }, /node 9 is not a member/],
      [conf([1], [4]), { type: 'removeNode', node: 1 }, /cannot remove the last voter/],
    ];
    for (const [before, cc, reason] of refused) {
      // The contract: a refusal is a string saying why, never a configuration.
      expect(applyConfChange(before, cc), `${cc.type} ${cc.node}`).toMatch(reason);
    }
  });

  it('never edits the configuration it is given', () => {
    const c = conf([1, 2, 3], [4, 5]);
    Object.freeze(c.voters);
    Object.freeze(c.learners);
    for (const cc of [
      { type: 'addVoter', node: 4 },
      { type: 'addVoter', node: 0 },
      { type: 'addLearner', node: 6 },
      { type: 'removeNode', node: 1 },
      { type: 'removeNode', node: 5 },
    ] as ConfChange[]) applied(c, cc);
    expect(c).toEqual(conf([1, 2, 3], [4, 5]));
  });

  it('agrees with a model written with sets on random change sequences; refused changes are no-ops', () => {
    const change = fc.record({
      type: fc.constantFrom<ConfChange['type']>('addVoter', 'addLearner', 'removeNode'),
      node: fc.integer({ min: 0, max: 12 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }), fc.array(change, { maxLength: 30 }), (start, changes) => {
        let c = normalizeConf(conf(start));
        const voters = new Set(start);
        const learners = new Set<number>();
        for (const cc of changes) {
          const voter = voters.has(cc.node);
          const learner = learners.has(cc.node);
          const allowed =
            cc.type === 'addVoter' ? !voter : cc.type === 'addLearner' ? !voter && !learner : (voter || learner) && !(voter && voters.size === 1);
          const next = applyConfChange(c, cc);
          expect(typeof next === 'string', `${cc.type} ${cc.node} on ${JSON.stringify(c)}`).toBe(!allowed);
          if (typeof next === 'string') continue;
          if (cc.type === 'addVoter') {
            voters.add(cc.node);
            learners.delete(cc.node);
          } else if (cc.type === 'addLearner') {
            learners.add(cc.node);
          } else {
            voters.delete(cc.node);
            learners.delete(cc.node);
          }
          c = next;
          expect(c).toEqual(conf([...voters].sort((a, b) => a - b), [...learners].sort((a, b) => a - b)));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('normalizeConf', () => {
  it('sorts numerically and drops duplicates', () => {
    expect(normalizeConf(conf([10, 3, 9, 3, 1], [12, 4, 12]))).toEqual(conf([1, 3, 9, 10], [4, 12]));
  });

  it('a node listed as both voter and learner is a voter', () => {
    expect(normalizeConf(conf([2, 1], [3, 2, 1]))).toEqual(conf([1, 2], [3]));
  });

  it('refuses a joint configuration and accepts an empty outgoing set', () => {
    expect(() => normalizeConf({ voters: [1, 2, 3], learners: [], votersOutgoing: [1, 2] })).toThrow(/joint consensus/);
    expect(() => normalizeConf({ voters: [1, 2, 3], learners: [], votersOutgoing: [4] })).toThrow(/not supported/);
    expect(normalizeConf({ voters: [2, 1], learners: [], votersOutgoing: [] })).toEqual(conf([1, 2]));
  });
});

describe('conf entry codec', () => {
  it('round-trips every change type, node 0 included', () => {
    for (const cc of [
      { type: 'addVoter', node: 0 },
      { type: 'addLearner', node: 7 },
      { type: 'removeNode', node: Number.MAX_SAFE_INTEGER },
    ] as ConfChange[]) {
      expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    }
  });

  it('decodes only the two fields of a change, whatever else the entry holds', () => {
    expect(decodeConfChange('{"node":3,"type":"removeNode","extra":true}')).toEqual({ type: 'removeNode', node: 3 });
    expect(JSON.parse(encodeConfChange({ type: 'addVoter', node: 3, extra: 1 } as ConfChange))).toEqual({ type: 'addVoter', node: 3 });
  });

  it('decodes malformed data to null (applied as a no-op) instead of throwing', () => {
    const malformed = [
      '',
      'not json',
      'null',
      '5',
      '"addVoter"',
      'true',
      '[]',
      '{}',
      '{"type":"addVoter"}',
      '{"node":1}',
      '{"type":"promote","node":1}',
      '{"type":"","node":1}',
      '{"type":3,"node":1}',
      '{"type":["addVoter"],"node":1}',
      '{"type":"addVoter","node":"1"}',
      '{"type":"addVoter","node":null}',
      '{"type":"addVoter","node":-1}',
      '{"type":"addVoter","node":1.5}',
      '{"type":"addVoter","node":-1.5}',
      '{"type":"addVoter","node":9007199254740993}',
      '{"type":"addVoter","node":1e400}',
    ];
    for (const data of malformed) expect(decodeConfChange(data), data).toBeNull();
  });
});

describe('committed conf entries', () => {
  it('a restarted node replays them in order; malformed and refused ones are no-ops', () => {
    const data = [
      'garbage',
      encodeConfChange({ type: 'addLearner', node: 4 }),
      '{"type":"removeNode","node":-2}',
      encodeConfChange({ type: 'addLearner', node: 4 }),
      encodeConfChange({ type: 'removeNode', node: 9 }),
      encodeConfChange({ type: 'addVoter', node: 4 }),
      encodeConfChange({ type: 'addLearner', node: 5 }),
      encodeConfChange({ type: 'removeNode', node: 2 }),
    ];
    const entries: Entry[] = data.map((d, i) => ({ term: 1, index: i + 1, type: 'conf', data: d }));
    const n = newNode(1, { voters: [1, 2, 3], entries, term: 1, commit: entries.length });
    expect(n.status().conf).toEqual(conf([1, 3, 4], [5]));
    // Only what is committed counts: the same log committed to index 4 stops at the learner.
    const early = newNode(1, { voters: [1, 2, 3], entries, term: 1, commit: 4 });
    expect(early.status().conf).toEqual(conf([1, 2, 3], [4]));
  });
});
