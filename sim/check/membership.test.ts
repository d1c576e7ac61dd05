// Goal: the membership check has teeth: a node whose configuration is not the one its
// committed conf entries imply (a stale snapshot, a skipped conf entry, a change applied
// before it commits, a wrong fold) is reported, and the same telemetry done right passes.
// Method: a one-process world of idle servers; the test emits the servers' telemetry in
// the order KvServer emits it ('raft.conf' before 'raft.hardstate', applies after), and a
// property test compares the check's fold with core/raft's applyConfChange.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfChange, encodeConfChange, type ConfChange } from '../../core/raft/confChange.ts';
import { World } from '../world/world.ts';
import { decodeChange, foldChange, MembershipCheck, membersKey } from './membership.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

function setup(nodes = 4): { world: World; check: MembershipCheck; tel: (node: number, name: string, f: Record<string, string | number | boolean>) => void } {
  const world = new World({ seed: 'membership', nodes: Array.from({ length: nodes }, () => ({ role: 'server', factory: () => idle })) });
  const check = new MembershipCheck(world);
  const tel = (node: number, name: string, f: Record<string, string | number | boolean>): void => world.telemetry(0, node, name, f);
  return { world, check, tel };
}

const conf = (voters: string, learners: string, commit: number) => ({ voters, learners, commit });
const hard = (commit: number) => ({ term: 1, vote: 0, commit, lastIndex: commit });
const apply = (index: number, change: ConfChange | null) => ({ index, term: 1, type: change === null ? 'normal' : 'conf', data: change === null ? '' : encodeConfChange(change) });
const checksOf = (w: World): string[] => w.violations.map((v) => v.check);

/** Three voters start; index 2 adds learner 3, index 4 promotes it. `node` reports as told. */
function history(tel: ReturnType<typeof setup>['tel'], reportsOf3: () => void): void {
  for (const n of [0, 1, 2, 3]) tel(n, 'raft.conf', conf('0,1,2', '', 0));
  tel(0, 'raft.hardstate', hard(1));
  tel(0, 'raft.apply', apply(1, null));
  tel(0, 'raft.conf', conf('0,1,2', '3', 2));
  tel(0, 'raft.hardstate', hard(2));
  tel(0, 'raft.apply', apply(2, { type: 'addLearner', node: 3 }));
  tel(0, 'raft.hardstate', hard(3));
  tel(0, 'raft.apply', apply(3, null));
  tel(0, 'raft.conf', conf('0,1,2,3', '', 4));
  tel(0, 'raft.hardstate', hard(4));
  tel(0, 'raft.apply', apply(4, { type: 'addVoter', node: 3 }));
  reportsOf3();
}

describe('membership: a snapshot records the configuration its last index implies', () => {
  const compacted = (index: number, voters: string, learners: string) => ({ index, term: 1, voters, learners });

  it('compactions at, before and after a conf entry that record the right members pass; one recording the members before the snapshot it installed is caught', () => {
    const { world, check, tel } = setup();
    history(tel, () => {
      tel(0, 'raft.compacted', compacted(1, '0,1,2', ''));
      tel(0, 'raft.compacted', compacted(2, '0,1,2', '3')); // At the conf entry: the change counts.
      tel(0, 'raft.compacted', compacted(4, '0,1,2,3', ''));
      tel(1, 'raft.compacted', { index: 3, term: 1 }); // Older telemetry without the members: not judged.
    });
    expect(world.violations).toEqual([]);
    expect(check.snapshotsJudged).toBe(3);
    // Node 3 installed a snapshot at index 3 and then took its own at 4 with the first configuration.
    tel(3, 'raft.compacted', compacted(4, '0,1,2', ''));
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].message).toMatch(/node 3 took a snapshot ending at index 4 that records voters \{0,1,2\}, but the conf entries committed up to index 4 imply voters \{0,1,2,3\}: the last committed conf entry up to it is index 4 \(addVoter 3\)/);
  });

  it('a compaction beyond every applied index waits for the entries, then is judged', () => {
    const { world, check, tel } = setup();
    history(tel, () => undefined);
    tel(1, 'raft.compacted', compacted(6, '0,1,2,3', '')); // Index 5 and 6 not applied anywhere yet.
    expect(check.snapshotsJudged).toBe(0);
    tel(0, 'raft.apply', apply(5, { type: 'removeNode', node: 1 }));
    tel(0, 'raft.apply', apply(6, null));
    expect(check.snapshotsJudged).toBe(1);
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].message).toMatch(/imply voters \{0,2,3\}/);
  });
});

describe('membership: a configuration is the one the committed log implies', () => {
  it('a leader and a follower that change as the entries commit pass', () => {
    const { world, tel } = setup();
    history(tel, () => {
      tel(3, 'raft.conf', conf('0,1,2', '3', 3));
      tel(3, 'raft.hardstate', hard(3));
      tel(3, 'raft.conf', conf('0,1,2,3', '', 5));
      tel(3, 'raft.hardstate', hard(5));
    });
    expect(world.violations).toEqual([]);
    world.concludeChecks();
    expect(world.violations).toEqual([]);
  });

  it('a node restored from a snapshot one change behind is caught (reported at its commit)', () => {
    const { world, tel } = setup();
    history(tel, () => {
      tel(3, 'raft.conf', conf('0,1,2', '3', 4)); // A snapshot at index 4 that carries index 3's configuration.
      tel(3, 'raft.hardstate', hard(4));
    });
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].message).toContain('node 3 has voters {0,1,2} and learners {3} (reported at commit 4)');
    expect(world.violations[0].message).toContain('imply voters {0,1,2,3}');
    expect(world.violations[0].message).toContain('index 4 (addVoter 3)');
  });

  it('a node that commits past a conf entry without applying it is caught at that entry', () => {
    const { world, tel } = setup();
    history(tel, () => {
      tel(3, 'raft.conf', conf('0,1,2', '3', 3));
      tel(3, 'raft.hardstate', hard(3));
      tel(3, 'raft.hardstate', hard(6)); // Its configuration never changed: index 4 was skipped.
    });
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].message).toContain('kept from commit 3 past the conf entry at 4');
  });

  it('a change taken before it commits is caught; a node judged only once some node applied that far', () => {
    const { world, tel } = setup();
    for (const n of [0, 1, 2]) tel(n, 'raft.conf', conf('0,1,2', '', 0));
    tel(1, 'raft.conf', conf('0,1,2', '3', 1)); // Node 1 took the learner at commit 1, before index 2 committed.
    tel(1, 'raft.hardstate', hard(1));
    expect(world.violations).toEqual([]); // Nothing is applied yet: index 1 may still be a conf entry.
    tel(0, 'raft.hardstate', hard(2));
    tel(0, 'raft.apply', apply(1, null));
    tel(1, 'raft.hardstate', hard(2)); // A node's open segment is judged at its next commit (or at the end).
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].message).toContain('no conf entry is committed up to it');
  });

  it('a fresh start with another first configuration is caught; the check waits for a fresh start to learn it', () => {
    const { world, tel } = setup();
    tel(0, 'raft.conf', conf('0,1,2', '', 3)); // A restart reported before any fresh start: not judged yet.
    tel(1, 'raft.conf', conf('0,1,2', '', 0));
    tel(2, 'raft.conf', conf('0,1', '', 0));
    tel(0, 'raft.hardstate', hard(3));
    tel(0, 'raft.apply', apply(3, null));
    expect(checksOf(world)).toEqual(['membership']);
    expect(world.violations[0].node).toBe(2);
  });

  it('segments whose commits were never applied anywhere are not judged; the rest are, at the end', () => {
    const { world, tel } = setup();
    for (const n of [0, 1, 2]) tel(n, 'raft.conf', conf('0,1,2', '', 0));
    tel(0, 'raft.apply', apply(2, { type: 'removeNode', node: 2 }));
    tel(1, 'raft.hardstate', hard(5)); // Kept {0,1,2} past the removal at 2 (applied by node 0).
    tel(2, 'raft.hardstate', hard(9)); // Beyond anything applied: nothing known above 2.
    world.concludeChecks();
    expect(world.violations.map((v) => v.node)).toEqual([1, 2]);
  });
});

describe('the check folds changes by the protocol, independently of core/raft', () => {
  const change = fc.record({ type: fc.constantFrom('addVoter' as const, 'addLearner' as const, 'removeNode' as const), node: fc.integer({ min: 0, max: 6 }) });

  it('agrees with applyConfChange on every sequence (a refused change is a no-op)', () => {
    fc.assert(fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
      let core = { voters: [0, 1, 2], learners: [] as number[] };
      let ours: { voters: readonly number[]; learners: readonly number[] } = core;
      for (const c of changes) {
        const next = applyConfChange(core, c);
        if (typeof next !== 'string') core = next;
        ours = foldChange(ours, decodeChange(encodeConfChange(c)));
        expect(membersKey(ours)).toBe(membersKey(core));
      }
    }));
  });

  it('an entry that does not decode changes nothing', () => {
    for (const data of ['', '{', 'null', '{"type":"addVoter"}', '{"type":"promote","node":1}', '{"type":"addVoter","node":-1}', '{"type":"addVoter","node":1.5}']) {
      expect(decodeChange(data)).toBeNull();
    }
    expect(foldChange({ voters: [0], learners: [] }, { type: 'removeNode', node: 0 })).toEqual({ voters: [0], learners: [] });
  });
});
