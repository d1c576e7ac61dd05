// Goal: behaviour of the Raft state machine (core/raft/raft.ts, stepLeader.ts) that the
// section-by-section tests did not reach and `npm run mutation` showed unguarded
// (docs/mutation.md): the vote survives a restart within its term; messages of a stale
// term are answered so a stale leader or pre-candidate learns the term; forwarded requests
// (term 0) reach the leader whatever its term; ticksUntilAction tells a host when a tick
// can act; the telemetry counters count what was sent and refused; a leader refuses
// proposals past the uncommitted-entries bound.
// Method: single RawNodes driven with hand-made messages, inspecting their Ready.
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';
import { LIMITS } from './config.ts';
import type { RawNode } from './rawNode.ts';
import type { Message } from './types.ts';

function msg(m: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return m;
}

/** Node 1 of voters [1, 2, 3], leader of term 1 with its empty entry replicated to nobody yet. */
function leader(opts: Parameters<typeof newNode>[1] = {}): RawNode {
  const n = newNode(1, { voters: [1, 2, 3], ...opts });
  n.campaign();
  drain(n);
  const term = n.currentTerm();
  n.step(msg({ type: opts.preVote === true ? 'MsgPreVoteResp' : 'MsgVoteResp', from: 2, to: 1, term: opts.preVote === true ? term + 1 : term, reject: false }));
  drain(n);
  if (opts.preVote === true) {
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: n.currentTerm(), reject: false }));
    drain(n);
  }
  expect(n.isLeader()).toBe(true);
  return n;
}

function voteAnswer(n: RawNode, from: number, term: number): Message | undefined {
  n.step(msg({ type: 'MsgVote', from, to: n.status().id, term, index: 0, logTerm: 0 }));
  return drain(n).messages.find((m) => m.type === 'MsgVoteResp' && m.to === from);
}

describe('restart: the vote is durable within its term (§5.2, Figure 2 votedFor)', () => {
  it('a node restarted with a vote in its term refuses another candidate of that term and re-grants its own', () => {
    expect(voteAnswer(newNode(1, { term: 3, vote: 2 }), 3, 3)).toMatchObject({ term: 3, reject: true });
    expect(voteAnswer(newNode(1, { term: 3, vote: 2 }), 2, 3)).toMatchObject({ term: 3, reject: false });
    expect(newNode(1, { term: 3, vote: 2 }).status()).toMatchObject({ term: 3, vote: 2 });
  });

  it('a vote recorded for an older term than the log last term is not carried into that term', () => {
    const n = newNode(1, { term: 3, vote: 2, entries: [{ term: 4, index: 1, type: 'normal', data: '' }] });
    expect(n.status()).toMatchObject({ term: 4, vote: -1 });
  });

  it('the forgetVoteOnRestart bug flag forgets it (so the flag is real)', () => {
    expect(voteAnswer(newNode(1, { term: 3, vote: 2, bugs: { forgetVoteOnRestart: true } }), 3, 3)).toMatchObject({ reject: false });
  });
});

describe('stale messages are answered so the sender learns the term', () => {
  for (const [name, opts] of [['PreVote', { preVote: true }], ['CheckQuorum', { checkQuorum: true }]] as const) {
    it(`with ${name}, a stale heartbeat or append gets an empty MsgAppResp in the current term`, () => {
      const n = newNode(1, { term: 5, ...opts });
      n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 3 }));
      n.step(msg({ type: 'MsgApp', from: 3, to: 1, term: 4, index: 0, logTerm: 0, entries: [] }));
      const out = drain(n).messages.map((m) => [m.type, m.to, m.term, m.reject]);
      expect(out).toEqual([['MsgAppResp', 2, 5, undefined], ['MsgAppResp', 3, 5, undefined]]);
      expect(n.counters.heartbeatsRejected).toBe(1);
      expect(n.status()).toMatchObject({ term: 5, role: 'follower' });
    });
  }

  it('without either, a stale heartbeat is only counted, and a stale pre-vote is refused', () => {
    const n = newNode(1, { term: 5, preVote: false, checkQuorum: false });
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 3 }));
    n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 3, index: 0, logTerm: 0, entries: [] }));
    expect(drain(n).messages).toEqual([]);
    expect(n.counters.heartbeatsRejected).toBe(1);
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 }));
    expect(drain(n).messages.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgPreVoteResp', 3, 5, true]]);
    // Other stale messages are dropped silently.
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 }));
    expect(drain(n).messages).toEqual([]);
  });
});

describe('forwarded requests (term 0) reach the leader in any term', () => {
  it('a member forwarding a proposal gets its normal entries appended and replicated; conf entries are dropped', () => {
    const n = leader({ term: 6 });
    const last = n.lastIndex();
    // Follower 2 acknowledges the leader's empty entry, so the leader streams to it.
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: n.currentTerm(), index: last }));
    drain(n);
    n.step(msg({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [{ term: 0, index: 0, type: 'normal', data: 'a' }, { term: 0, index: 0, type: 'conf', data: 'x' }] }));
    expect(n.lastIndex()).toBe(last + 1);
    expect(n.entries(last + 1, last + 2)).toMatchObject([{ term: n.currentTerm(), type: 'normal', data: 'a' }]);
    const apps = drain(n).messages.filter((m) => m.type === 'MsgApp');
    expect(apps.map((m) => [m.to, m.entries?.map((e) => e.data)])).toEqual([[2, ['a']]]);
  });

  it('a proposal from a non-member, or during a transfer, is ignored', () => {
    const n = leader();
    const last = n.lastIndex();
    n.step(msg({ type: 'MsgProp', from: 9, to: 1, term: 0, entries: [{ term: 0, index: 0, type: 'normal', data: 'a' }] }));
    n.step(msg({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [] }));
    expect(n.lastIndex()).toBe(last);
    n.transferLeadership(3);
    n.step(msg({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [{ term: 0, index: 0, type: 'normal', data: 'a' }] }));
    expect(n.lastIndex()).toBe(last);
  });

  it('a forwarded transfer request names its target; one without a target is ignored', () => {
    const n = leader();
    drain(n);
    // A pending transfer makes the leader refuse proposals.
    n.step(msg({ type: 'MsgTransferLeader', from: 2, to: 1, term: 0 }));
    expect(n.propose('before')).toBe(true);
    n.step(msg({ type: 'MsgTransferLeader', from: 2, to: 1, term: 0, transferee: 2 }));
    expect(n.propose('during')).toBe(false);
  });
});

describe('ticksUntilAction', () => {
  it('counts down to the randomized election timeout on a follower, to the next heartbeat on a leader', () => {
    const f = newNode(1, { electionTicks: 10, heartbeatTicks: 3 });
    const first = f.ticksUntilAction();
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThan(20);
    f.tick();
    f.tick();
    expect(f.ticksUntilAction()).toBe(first - 2);
    for (let i = 0; i < first - 3; i++) f.tick();
    expect(f.status().role).toBe('follower');
    expect(f.ticksUntilAction()).toBe(1);
    f.tick();
    expect(f.status().role).not.toBe('follower');

    const l = leader({ electionTicks: 10, heartbeatTicks: 3 });
    expect(l.ticksUntilAction()).toBe(3);
    l.tick();
    expect(l.ticksUntilAction()).toBe(2);
  });

  it('is the election timeout on a node that cannot campaign (a learner)', () => {
    const n = newNode(4, { voters: [1, 2, 3], learners: [4], electionTicks: 7 });
    expect(n.ticksUntilAction()).toBe(7);
    n.tick();
    expect(n.ticksUntilAction()).toBe(7);
  });
});

describe('telemetry counters and the uncommitted bound', () => {
  it('count appends and heartbeats sent, and appends rejected', () => {
    const l = leader({ heartbeatTicks: 1 });
    expect(l.counters.appendsSent).toBe(2);
    expect(l.counters.heartbeatsSent).toBe(0);
    l.tick();
    expect(drain(l).messages.filter((m) => m.type === 'MsgHeartbeat')).toHaveLength(2);
    expect(l.counters.heartbeatsSent).toBe(2);
    expect(l.counters.snapshotsSent).toBe(0);
    expect(l.counters.appendsRejected).toBe(0);

    const f = newNode(2, { term: 1 });
    f.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 5, logTerm: 1, entries: [] }));
    expect(drain(f).messages.map((m) => [m.type, m.reject])).toEqual([['MsgAppResp', true]]);
    expect(f.counters.appendsRejected).toBe(1);
    f.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: [] }));
    expect(drain(f).messages.map((m) => [m.type, m.reject])).toEqual([['MsgAppResp', undefined]]);
    expect(f.counters.appendsRejected).toBe(1);
  });

  it('a leader refuses a proposal once LIMITS.uncommittedEntriesMax entries are uncommitted', () => {
    const l = leader();
    let accepted = 0;
    while (accepted <= LIMITS.uncommittedEntriesMax && l.propose('x')) accepted++;
    // The leader's own empty entry is uncommitted too.
    expect(accepted).toBe(LIMITS.uncommittedEntriesMax - 1);
    expect(l.counters.proposalsDropped).toBe(1);
  });
});

describe('votes and elections: rules the paper tests did not pin down', () => {
  it('a follower that knows the leader of its term does not vote for another candidate of that term', () => {
    const n = newNode(1, { term: 2 });
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 2 }));
    drain(n);
    expect(voteAnswer(n, 3, 2)).toMatchObject({ term: 2, reject: true });
  });

  it('a pre-vote is granted for a later term only, whoever we voted for', () => {
    const n = newNode(1, { term: 2, vote: 2 });
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 2, index: 0, logTerm: 0 }));
    expect(drain(n).messages.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgPreVoteResp', 3, 2, true]]);
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 3, index: 0, logTerm: 0 }));
    expect(drain(n).messages.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgPreVoteResp', 3, 3, false]]);
    // A pre-vote changes neither term nor vote.
    expect(n.status()).toMatchObject({ term: 2, vote: 2 });
  });

  it('a learner never campaigns, and a candidate counts only responses of its own kind', () => {
    const learner = newNode(4, { voters: [1, 2, 3], learners: [4] });
    learner.campaign();
    expect(drain(learner).messages).toEqual([]);
    expect(learner.status().role).toBe('follower');
    expect(learner.counters.campaigns + learner.counters.preCampaigns).toBe(0);

    const c = newNode(1, { voters: [1, 2, 3] });
    c.campaign();
    drain(c);
    c.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 1, reject: false }));
    expect(c.status().role).toBe('candidate');
    c.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false }));
    expect(c.status().role).toBe('leader');
    expect(c.counters).toMatchObject({ campaigns: 1, preCampaigns: 0, won: 1 });

    const p = newNode(1, { voters: [1, 2, 3], preVote: true });
    p.campaign();
    drain(p);
    expect(p.status().role).toBe('precandidate');
    // A real vote response in the pre-candidate's own term is not a pre-vote grant.
    p.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 0, reject: false }));
    expect(p.status().role).toBe('precandidate');
    p.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 1, reject: false }));
    expect(p.status()).toMatchObject({ role: 'candidate', term: 1 });
    expect(p.counters).toMatchObject({ campaigns: 1, preCampaigns: 1, won: 0 });
  });

  it('a message from the leader restarts the follower election timer; the heartbeatNoTimerReset flag breaks that for heartbeats', () => {
    for (const [bugs, campaignsAfter] of [[{}, false], [{ heartbeatNoTimerReset: true }, true]] as const) {
      const n = newNode(1, { term: 1, electionTicks: 10, bugs });
      const first = n.ticksUntilAction();
      for (let i = 0; i < first - 1; i++) n.tick();
      n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 1 }));
      drain(n);
      n.tick();
      expect(n.status().role !== 'follower', JSON.stringify(bugs)).toBe(campaignsAfter);
    }
  });
});

describe('forwarding between followers and read answers', () => {
  it('a follower passes a read or transfer request on to the leader it knows, and drops it when it knows none', () => {
    const lost = newNode(2, { term: 1 });
    lost.step(msg({ type: 'MsgReadIndex', from: 3, to: 2, term: 0, context: 'r1' }));
    expect(drain(lost).messages).toEqual([]);

    const n = newNode(2, { term: 1 });
    n.step(msg({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1 }));
    drain(n);
    n.step(msg({ type: 'MsgReadIndex', from: 3, to: 2, term: 0, context: 'r1' }));
    n.step(msg({ type: 'MsgTransferLeader', from: 3, to: 2, term: 0, transferee: 3 }));
    expect(drain(n).messages.map((m) => [m.type, m.from, m.to, m.term, m.context, m.transferee])).toEqual([
      ['MsgReadIndex', 2, 1, 0, 'r1', undefined],
      ['MsgTransferLeader', 2, 1, 0, undefined, 3],
    ]);
  });

  it('a read answer becomes a ReadState only when it carries both context and index', () => {
    const n = newNode(2, { term: 1 });
    n.step(msg({ type: 'MsgReadIndexResp', from: 1, to: 2, term: 1, context: 'a' }));
    n.step(msg({ type: 'MsgReadIndexResp', from: 1, to: 2, term: 1, index: 4 }));
    n.step(msg({ type: 'MsgReadIndexResp', from: 1, to: 2, term: 1, context: 'b', index: 0 }));
    expect(drain(n).readies.flatMap((rd) => rd.readStates)).toEqual([{ index: 0, requestCtx: 'b' }]);
  });
});

describe('leader: replication feedback', () => {
  it('ignores an acknowledgement beyond its own log or from a non-member', () => {
    const l = leader();
    const last = l.lastIndex();
    l.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: l.currentTerm(), index: last + 5 }));
    l.step(msg({ type: 'MsgAppResp', from: 9, to: 1, term: l.currentTerm(), index: last }));
    expect(l.matchOf(2)).toBe(0);
    expect(l.matchOf(9)).toBeUndefined();
    expect(l.commitIndex()).toBe(0);
    l.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: l.currentTerm(), index: last }));
    expect(l.matchOf(2)).toBe(last);
  });

  it('with CheckQuorum, append acknowledgements keep a follower active, so the leader stays', () => {
    for (const acked of [true, false]) {
      const l = leader({ checkQuorum: true, electionTicks: 10, heartbeatTicks: 9 });
      for (let t = 0; t < 25; t++) {
        if (acked) l.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: l.currentTerm(), index: 0 }));
        l.tick();
        drain(l);
      }
      expect(l.isLeader(), `acked=${acked}`).toBe(acked);
    }
  });
});

describe('compaction keeps the configuration in force at the compacted index', () => {
  it('a snapshot before a membership change carries the old configuration, one after it the new', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.propose(1, 'a');
    net.run(3);
    const beforeConf = net.raw(1).commitIndex();
    net.addEmptyNode(4, { voters: [1, 2, 3], learners: [] });
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', node: 4 })).toBe(true);
    net.processReady(1);
    net.run(5);
    const confIndex = net.raw(1).commitIndex();
    net.propose(1, 'b');
    net.run(3);
    const n1 = net.raw(1);
    expect(n1.status().conf.learners).toEqual([4]);

    const compactAt = (index: number) => {
      expect(n1.compact(index, `snap-${index}`)).toBe(true);
      const rd = n1.ready();
      n1.advance(rd);
      return rd.compaction?.meta;
    };
    expect(compactAt(beforeConf)).toMatchObject({ index: beforeConf, conf: { voters: [1, 2, 3], learners: [] } });
    expect(n1.compact(beforeConf, 'again')).toBe(false);
    expect(compactAt(confIndex)).toMatchObject({ index: confIndex, conf: { voters: [1, 2, 3], learners: [4] } });
    expect(() => n1.compact(n1.lastIndex() + 1, 'beyond')).toThrow(/beyond applied index/);
  });
});

describe('tracker: votes and members', () => {
  it('counts only the first answer of each voter, so a duplicated or reordered response cannot flip a refusal', () => {
    const c = newNode(1, { voters: [1, 2, 3, 4, 5] });
    c.campaign();
    drain(c);
    c.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: true }));
    c.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false }));
    c.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 1, reject: false }));
    expect(c.status().role).toBe('candidate');
    c.step(msg({ type: 'MsgVoteResp', from: 4, to: 1, term: 1, reject: false }));
    expect(c.status().role).toBe('leader');
  });

  it('a removed member leaves the leader progress: no match is kept for it', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    expect(net.raw(1).matchOf(3)).toBeDefined();
    expect(net.raw(1).proposeConfChange({ type: 'removeNode', node: 3 })).toBe(true);
    net.processReady(1);
    net.run(5);
    expect(net.raw(1).status().conf.voters).toEqual([1, 2]);
    expect(net.raw(1).matchOf(3)).toBeUndefined();
    expect(net.raw(1).memberIds()).toEqual([1, 2]);
  });
});
