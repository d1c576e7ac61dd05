// Goal: the replication-progress check has teeth and never passes what it could not decide: a
// follower whose match stands still below its leader's commit while both are calm and linked
// fails once that lasts longer than the bound; a stall that a fault (a cut, a crash, a disk
// the follower cannot read) explains is judged only on its calm part; a member that leaves the
// configuration, or a leader that stops leading, ends the stretch; a lossy link, or a run in
// which no member ever lagged, says "not applicable", never "pass".
// Method: a stand-in world (telemetry, status changes and fault reaches fed by hand, three
// servers 0..3, the fourth a spare, bound 2 * 300 ms + 8 * 5 ms = 640 ms).
import { describe, expect, it } from 'vitest';
import type { World } from '../world/world.ts';
import { CheckWorld } from '../../test/support/checkWorld.ts';
import { ReplicationProgressCheck } from './replicationProgress.ts';

const MS = 1_000;

class StandIn extends CheckWorld {
  constructor() {
    super(4);
  }
  /** Node 0 leads term 2 of the voters 0, 1, 2 from `t`, with commit `commit`. */
  elect(t: number, commit: number): void {
    this.emit(t, 0, 'raft.conf', { voters: '0,1,2', learners: '', commit });
    this.emit(t, 0, 'raft.role', { role: 'leader', term: 2 });
    this.emit(t, 0, 'raft.leader', { term: 2, lastIndex: commit + 1, logTerms: '0|1:1', voters: '0,1,2' });
    this.emit(t, 0, 'raft.hardstate', { term: 2, vote: 0, commit, lastIndex: commit + 1 });
  }
  match(t: number, to: number, match: number): void {
    this.emit(t, 0, 'raft.match', { term: 2, to, match });
  }
}

function setUp(link: { latencyMaxUs: number | undefined } = { latencyMaxUs: 5 * MS }): { w: StandIn; end(): string } {
  const w = new StandIn();
  const check = new ReplicationProgressCheck(w as unknown as World, { faults: [], durationUs: 10_000 * MS, electionTimeoutMaxUs: 300 * MS, latencyMaxUs: link.latencyMaxUs, fsyncMaxUs: 0, servers: 4 });
  for (let n = 0; n < 4; n++) w.set(0, n, 'up');
  return {
    w,
    end: () => {
      w.nowUs = 10_000 * MS;
      check.conclude();
      return check.state;
    },
  };
}

describe('replication-progress on a stand-in world', () => {
  it('passes followers that keep up and fails one left behind while calm', () => {
    const ok = setUp();
    ok.w.elect(1_000 * MS, 10);
    ok.w.match(1_002 * MS, 1, 11);
    ok.w.match(1_003 * MS, 2, 11);
    expect(ok.end()).toMatch(/^pass \(2 stretches of a member behind its leader's commit, the longest 3ms; 0 longer than 640ms/);
    expect(ok.w.violations).toEqual([]);
    const stuck = setUp();
    stuck.w.elect(1_000 * MS, 10);
    stuck.w.match(1_002 * MS, 1, 11);
    // Node 2 answers nothing the leader counts for 5 s, then catches up.
    stuck.w.match(6_000 * MS, 2, 11);
    expect(stuck.end()).toMatch(/^fail \(1 of 1 stalls/);
    expect(stuck.w.violations.map((v) => v.check)).toEqual(['replication-progress']);
    expect(stuck.w.violations[0].message).toContain('held node 2 at match 0 below its commit index 10 from 1s to 6s, and for 5s of that (from 1s)');
  });

  it('judges only the calm part of a stall: a cut, a crash or an unreadable disk explains the rest', () => {
    const run = (act: (w: StandIn) => void, caughtUpUs: number): { state: string; w: StandIn } => {
      const c = setUp();
      c.w.elect(1_000 * MS, 10);
      c.w.match(1_002 * MS, 1, 11);
      act(c.w);
      c.w.match(caughtUpUs, 2, 11);
      return { state: c.end(), w: c.w };
    };
    // Cut off until 3 s, caught up 400 ms after the heal: passes.
    const healed = run((w) => w.fault({ fromUs: 900 * MS, toUs: 3_000 * MS, cuts: [[0, 2], [2, 0]] }), 3_400 * MS);
    expect(healed.state).toMatch(/^pass/);
    expect(healed.state).toContain('1 longer than 640ms, none calm that long, the longest calm 400ms');
    // The same cut, but the follower waits 2 s after the heal: fails on the calm part.
    const late = run((w) => w.fault({ fromUs: 900 * MS, toUs: 3_000 * MS, cuts: [[0, 2], [2, 0]] }), 5_000 * MS);
    expect(late.state).toMatch(/^fail/);
    expect(late.w.violations[0].message).toContain('for 2s of that (from 3s)');
    // Down, then unable to read its disk until 4 s: neither part is calm.
    const unread = run((w) => {
      w.set(1_100 * MS, 2, 'down');
      w.set(2_000 * MS, 2, 'up');
      w.emit(2_000 * MS, 2, 'raft.recover_failed', { error: 'corrupt' });
      w.emit(4_000 * MS, 2, 'raft.recovered', { applied: 0, torn: false, term: 2, vote: 0, commit: 0, lastIndex: 0, logTerms: '0|' });
    }, 4_300 * MS);
    expect(unread.state).toMatch(/^pass/);
    // A link fault (latency, loss) on the pair is no calm either.
    expect(run((w) => w.fault({ fromUs: 1_000 * MS, toUs: 5_000 * MS, links: [[0, 2]] }), 5_200 * MS).state).toMatch(/^pass/);
  });

  it('a member that leaves, or a leader that stops leading, ends the stretch', () => {
    const removed = setUp();
    removed.w.elect(1_000 * MS, 10);
    removed.w.match(1_002 * MS, 1, 11);
    removed.w.emit(1_300 * MS, 0, 'raft.conf', { voters: '0,1', learners: '', commit: 12 });
    expect(removed.end()).toMatch(/^pass/);
    expect(removed.w.violations).toEqual([]);
    const deposed = setUp();
    deposed.w.elect(1_000 * MS, 10);
    deposed.w.emit(1_500 * MS, 0, 'raft.role', { role: 'follower', term: 3 });
    expect(deposed.end()).toMatch(/^pass/);
    const crashed = setUp();
    crashed.w.elect(1_000 * MS, 10);
    crashed.w.set(1_500 * MS, 0, 'down');
    expect(crashed.end()).toMatch(/^pass/);
    expect(crashed.w.violations).toEqual([]);
  });

  it('a learner added later starts behind and is held to the same bound', () => {
    const c = setUp();
    c.w.elect(1_000 * MS, 10);
    c.w.match(1_002 * MS, 1, 11);
    c.w.match(1_002 * MS, 2, 11);
    c.w.emit(2_000 * MS, 0, 'raft.conf', { voters: '0,1,2', learners: '3', commit: 12 });
    expect(c.end()).toMatch(/^fail/);
    expect(c.w.violations[0].message).toContain('held node 3 at match 0');
  });

  it('a lossy link, or no member ever behind, leaves nothing to decide', () => {
    const lossy = setUp({ latencyMaxUs: undefined });
    lossy.w.elect(1_000 * MS, 10);
    expect(lossy.end()).toMatch(/^not applicable: the link itself loses/);
    expect(lossy.w.violations).toEqual([]);
    expect(setUp().end()).toBe('not applicable: no member ever lagged a leader\'s commit index');
  });
});
