// Goal: the leader-commits-term check has teeth and never passes what it could not decide: a
// new leader with a calm quorum of its voters must commit an entry of its term within the
// bound; one that does not fails; one deposed, crashed, cut off from a quorum, near a
// membership change or too close to the end is skipped, and a run in which every leader was
// skipped says "not applicable", never "pass". Then a whole run: the flag
// noEmptyEntryOnElection fails raft-membership seed 1, which the correct Raft passes.
// Method: a stand-in world (telemetry, status changes and fault reaches fed by hand, three
// servers 0..2), then runScenario on the catalogue scenario.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { CheckWorld } from '../../test/support/checkWorld.ts';
import type { RaftKvScenario } from '../workloads/raftKv.ts';
import { baseIndexOf, LeaderCommitsTermCheck } from './leaderCommitsTerm.ts';

const MS = 1_000;

class StandIn extends CheckWorld {
  constructor() {
    super(3);
  }
  /** Node `node` wins term `term` at `t` with a log of `lastIndex` entries of term 1 (plus its empty entry unless `bare`). */
  elect(t: number, node: number, term: number, lastIndex = 5, bare = false): void {
    this.emit(t, node, 'raft.role', { role: 'leader', term });
    const logTerms = bare ? `0|1:1` : `0|1:1,${lastIndex + 1}:${term}`;
    this.emit(t, node, 'raft.leader', { term, lastIndex: bare ? lastIndex : lastIndex + 1, logTerms, voters: '0,1,2' });
  }
  commit(t: number, node: number, term: number, commit: number): void {
    this.emit(t, node, 'raft.hardstate', { term, vote: node, commit, lastIndex: commit });
  }
}

/** Three servers up from 0; the check over a 10 s run (election timeout 300 ms, links up to 5 ms). */
function setUp(link: { latencyMaxUs: number | undefined } = { latencyMaxUs: 5 * MS }): { w: StandIn; check: LeaderCommitsTermCheck; end(): string } {
  const w = new StandIn();
  const check = new LeaderCommitsTermCheck(w as unknown as World, { faults: [], durationUs: 10_000 * MS, electionTimeoutMaxUs: 300 * MS, latencyMaxUs: link.latencyMaxUs, fsyncMaxUs: 0, servers: 3 });
  for (let n = 0; n < 3; n++) w.set(0, n, 'up');
  return {
    w,
    check,
    end: () => {
      w.nowUs = 10_000 * MS;
      check.conclude();
      return check.state;
    },
  };
}

describe('leader-commits-term on a stand-in world', () => {
  it('passes a leader that commits its empty entry at once, and fails one that commits nothing of its term', () => {
    const ok = setUp();
    ok.w.elect(1_000 * MS, 0, 2);
    ok.w.commit(1_004 * MS, 0, 2, 6);
    expect(ok.end()).toBe('pass (1 of 1 leaders judged, each committed an entry of its term within 320ms, the slowest in 4ms)');
    expect(ok.w.violations).toEqual([]);
    // Its commit index moving over the previous term's entries is no commit of its own term.
    const bare = setUp();
    bare.w.elect(1_000 * MS, 0, 2, 5, true);
    bare.w.commit(1_004 * MS, 0, 2, 5);
    expect(bare.end()).toBe('fail (1 of 1 judged leaders committed no entry of their term in time)');
    expect(bare.w.violations.map((v) => v.check)).toEqual(['leader-commits-term']);
    expect(bare.w.violations[0].message).toContain('node 0 became leader of term 2 at 1s');
    expect(bare.w.violations[0].message).toContain('it never did while it led');
  });

  it('fails a commit of its term that comes after the bound', () => {
    const late = setUp();
    late.w.elect(1_000 * MS, 0, 2, 5, true);
    late.w.commit(1_500 * MS, 0, 2, 6);
    expect(late.end()).toMatch(/^fail/);
    expect(late.w.violations[0].message).toContain('it did only at 1.5s');
  });

  it('skips a leader deposed, crashed or cut off from its quorum before the bound, one near a membership change or the end', () => {
    const skipped = (act: (w: StandIn) => void): string => {
      const c = setUp();
      c.w.elect(1_000 * MS, 0, 2, 5, true);
      act(c.w);
      const state = c.end();
      expect(c.w.violations).toEqual([]);
      return state;
    };
    expect(skipped((w) => w.emit(1_100 * MS, 0, 'raft.role', { role: 'follower', term: 3 }))).toBe('not applicable: none of the 1 leaders could be judged (deposed 1): nothing to decide');
    expect(skipped((w) => w.set(1_100 * MS, 0, 'down'))).toContain('(deposed 1)');
    // Both followers cut off from the leader for a while within the bound.
    expect(skipped((w) => w.fault({ fromUs: 1_200 * MS, toUs: 1_250 * MS, cuts: [[0, 1], [1, 0], [0, 2], [2, 0]] }))).toContain('(fault 1)');
    // One follower paused from before the election: the other is still a quorum with the leader, so it is judged.
    const paused = setUp();
    paused.w.set(900 * MS, 2, 'paused');
    paused.w.elect(1_000 * MS, 0, 2, 5, true);
    expect(paused.end()).toMatch(/^fail/);
    // A fault on the leader's own host.
    expect(skipped((w) => w.fault({ fromUs: 500 * MS, toUs: 1_100 * MS, nodes: [0] }))).toContain('(fault 1)');
    expect(skipped((w) => w.emit(1_050 * MS, 3, 'kv.admin', { op: 'addVoter', node: 1, ok: true, reason: '' }))).toContain('(membership 1)');
    const end = setUp();
    end.w.elect(9_800 * MS, 0, 2, 5, true);
    expect(end.end()).toContain('(late 1)');
    expect(end.w.violations).toEqual([]);
  });

  it('a leader that committed before it was deposed is judged and passes', () => {
    const c = setUp();
    c.w.elect(1_000 * MS, 0, 2);
    c.w.commit(1_005 * MS, 0, 2, 6);
    c.w.emit(1_100 * MS, 0, 'raft.role', { role: 'follower', term: 3 });
    expect(c.end()).toMatch(/^pass \(1 of 1/);
  });

  it('no leader, or a link that loses messages, leaves nothing to decide', () => {
    expect(setUp().end()).toBe('not applicable: no leader was elected');
    const lossy = setUp({ latencyMaxUs: undefined });
    lossy.w.elect(1_000 * MS, 0, 2, 5, true);
    expect(lossy.end()).toMatch(/^not applicable: the link itself loses/);
    expect(lossy.w.violations).toEqual([]);
  });

  it('reads the index before the term\'s first entry from the leader\'s log terms', () => {
    expect(baseIndexOf(6, '0|1:1,6:2', 2)).toBe(5);
    expect(baseIndexOf(5, '0|1:1', 2)).toBe(5);
    expect(baseIndexOf(7, '4|5:1', 3)).toBe(7);
    expect(baseIndexOf(0, '0|', 1)).toBe(0);
  });
});

describe('leader-commits-term in a run', () => {
  const withBug = (bug: 'noEmptyEntryOnElection' | null): Scenario => {
    const s = catalogScenario('raft-membership') as RaftKvScenario;
    return { ...s, raft: { ...s.raft, bugs: bug === null ? [] : [bug] } } as Scenario;
  };

  it('fails raft-membership seed 1 when a new leader appends no empty entry, and passes the correct Raft', () => {
    const bad = runScenario(withBug('noEmptyEntryOnElection'), 1).report;
    expect(bad.violations.map((v) => v.check)).toContain('leader-commits-term');
    const good = runScenario(withBug(null), 1).report;
    expect(good.violations).toEqual([]);
    expect(String(good.stats.leaderCommitsTerm)).toMatch(/^pass \(\d+ of \d+ leaders judged/);
  });
});
