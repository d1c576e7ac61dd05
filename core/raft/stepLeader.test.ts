// Goal: the leader's handling of replication feedback (core/raft/stepLeader.ts), message by
// message: how a rejection moves next (back off by one, the follower's hint, the term it
// names), how an acknowledgement moves match and the progress state (probe, replicate,
// snapshot) and refills the in-flight window, when a commit is announced, what a heartbeat
// response releases, and leadership transfer (thesis §3.10). These are the behaviours
// `npm run mutation` showed no test pinned down (docs/mutation.md); the expectations follow
// etcd-io/raft (raft.go stepLeader, tracker/progress.go) where this code follows it.
// Method: one RawNode leader of voters {1, 2, 3}, elected by hand from a given log; the
// tests step hand-made responses into it and compare the exact messages it sends (in a
// short text form) and the progress its status() reports.
import { describe, expect, it } from 'vitest';
import { drain, electedLeader, newNode, type UnitNodeOptions } from '../../test/support/raft/testUtil.ts';
import type { RawNode } from './rawNode.ts';
import type { Entry, Message } from './types.ts';

/** Entries 1..n whose terms are `terms`, in order. */
function log(terms: number[]): Entry[] {
  return terms.map((term, i) => ({ term, index: i + 1, type: 'normal', data: `e${i + 1}` }));
}

/**
 * Node 1, restored with a log of the given terms, elected leader (with 2's vote) in the term
 * after its last entry's; it has appended its empty entry and sent each follower one probe.
 */
function leaderOf(terms: number[], opts: UnitNodeOptions = {}): RawNode {
  const n = electedLeader(log(terms), opts);
  expect(n.lastIndex()).toBe(terms.length + 1);
  return n;
}

/** The messages `n` sends next, in a short text form (drains `n`). */
function sent(n: RawNode): string[] {
  return drain(n).messages.map(brief);
}

function brief(m: Message): string {
  switch (m.type) {
    case 'MsgApp':
      return `app>${m.to} prev=${m.index}/${m.logTerm} ents=${(m.entries ?? []).map((e) => e.index).join(',')} commit=${m.commit}`;
    case 'MsgSnap':
      return `snap>${m.to} at=${m.snapshot?.meta.index}`;
    case 'MsgHeartbeat':
      return `hb>${m.to} commit=${m.commit}${m.context === undefined ? '' : ` ctx=${m.context}`}`;
    default:
      return `${m.type}>${m.to}`;
  }
}

function appResp(n: RawNode, from: number, fields: Partial<Message>): void {
  n.step({ type: 'MsgAppResp', from, to: 1, term: n.currentTerm(), ...fields });
}

function hbResp(n: RawNode, from: number, fields: Partial<Message> = {}): void {
  n.step({ type: 'MsgHeartbeatResp', from, to: 1, term: n.currentTerm(), ...fields });
}

function progressOf(n: RawNode, id: number) {
  const pr = n.status().progress?.[id];
  if (pr === undefined) throw new Error(`no progress for ${id}`);
  return pr;
}

/** Leader of log terms [1, 1, 3, 3, 3] (term 4, its empty entry at 6) whose follower 2 acknowledged everything. */
function replicating(opts: UnitNodeOptions = {}): RawNode {
  const n = leaderOf([1, 1, 3, 3, 3], opts);
  appResp(n, 2, { index: 6 });
  drain(n);
  expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', match: 6, next: 7, inflightCount: 0 });
  return n;
}

describe('§5.3 a rejected append moves next back (etcd: maybeDecrTo and the fast backtracking)', () => {
  // The leader of log terms [1, 1, 3, 3, 3] in term 4 probed each follower at index 5 (term 3).

  it('a rejection without a hint backs off one entry', () => {
    const n = leaderOf([1, 1, 3, 3, 3]);
    appResp(n, 2, { index: 5, reject: true });
    expect(sent(n)).toEqual(['app>2 prev=4/3 ents=5,6 commit=0']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'probe', match: 0, next: 5, paused: true });
  });

  it("a rejection with the follower's hint and the term it holds there resumes just after the hint", () => {
    const n = leaderOf([1, 1, 3, 3, 3]);
    appResp(n, 2, { index: 5, reject: true, rejectHint: 2, logTerm: 1 });
    expect(sent(n)).toEqual(['app>2 prev=2/1 ents=3,4,5,6 commit=0']);
  });

  it('the term the follower names skips every leader entry of a later term', () => {
    // The follower holds term 2 at index 5; the leader's entries 3..5 are of term 3, so the
    // first index that can match is 2, the last one of a term up to 2.
    const n = leaderOf([1, 1, 3, 3, 3]);
    appResp(n, 2, { index: 5, reject: true, rejectHint: 5, logTerm: 2 });
    expect(sent(n)).toEqual(['app>2 prev=2/1 ents=3,4,5,6 commit=0']);
  });

  it('a hint without a term is taken as it is', () => {
    const n = leaderOf([1, 1, 3, 3, 3]);
    appResp(n, 2, { index: 5, reject: true, rejectHint: 3 });
    expect(sent(n)).toEqual(['app>2 prev=3/3 ents=4,5,6 commit=0']);
  });

  it('a rejection of an append other than the current probe is stale: nothing moves, nothing is sent', () => {
    const n = leaderOf([1, 1, 3, 3, 3]);
    appResp(n, 2, { index: 3, reject: true, rejectHint: 0 });
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 2)).toMatchObject({ state: 'probe', next: 6 });
  });

  it('in replicate, a rejection at or below match is stale and the stream goes on', () => {
    const n = replicating();
    appResp(n, 2, { index: 4, reject: true, rejectHint: 4, logTerm: 3 });
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', match: 6, next: 7 });
  });

  it('in replicate, a rejection past match falls back to probing from match + 1', () => {
    const n = replicating();
    n.propose('a');
    n.propose('b');
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents=7 commit=6', 'app>2 prev=7/4 ents=8 commit=6']);
    // The first append was lost: the follower refuses the second.
    appResp(n, 2, { index: 7, reject: true, rejectHint: 6, logTerm: 4 });
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents=7,8 commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'probe', match: 6, next: 7, paused: true, inflightCount: 0 });
  });

  it('a rejection, like an acknowledgement, shows the follower is alive (CheckQuorum)', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { electionTicks: 10 });
    // A CheckQuorum round clears every follower's mark.
    for (let t = 0; t < 10; t++) n.tick();
    drain(n);
    expect(progressOf(n, 2).recentActive).toBe(false);
    expect(progressOf(n, 3).recentActive).toBe(false);
    appResp(n, 2, { index: 5, reject: true, rejectHint: 2, logTerm: 1 });
    hbResp(n, 3);
    expect(progressOf(n, 2).recentActive).toBe(true);
    expect(progressOf(n, 3).recentActive).toBe(true);
  });
});

describe('§5.3 an acknowledgement moves match and the progress state (etcd: tracker/progress.go)', () => {
  it('a probe answered turns to streaming: up to maxInflight appends of maxEntriesPerMsg entries each', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { maxEntriesPerMsg: 1, maxInflight: 2 });
    appResp(n, 2, { index: 5, reject: true, rejectHint: 2, logTerm: 1 });
    expect(sent(n)).toEqual(['app>2 prev=2/1 ents=3 commit=0']);
    appResp(n, 2, { index: 3 });
    expect(sent(n)).toEqual(['app>2 prev=3/3 ents=4 commit=0', 'app>2 prev=4/3 ents=5 commit=0']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', match: 3, next: 6, paused: true, inflightCount: 2 });

    // Each acknowledgement frees the window up to it, and the window is refilled.
    appResp(n, 2, { index: 4 });
    expect(sent(n)).toEqual(['app>2 prev=5/3 ents=6 commit=0']);
    expect(progressOf(n, 2)).toMatchObject({ match: 4, next: 7, inflightCount: 2 });
    // The entry of the current term on a quorum (1 and 2) commits everything, and every
    // follower not paused hears the new commit index at once (3 still waits for its probe).
    appResp(n, 2, { index: 6 });
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents= commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ match: 6, next: 7, paused: false, inflightCount: 0 });
    expect(n.commitIndex()).toBe(6);
  });

  it('the window is filled in one go: an acknowledgement sends as many appends as it frees room for', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { maxEntriesPerMsg: 1, maxInflight: 3 });
    appResp(n, 2, { index: 5, reject: true, rejectHint: 2, logTerm: 1 });
    drain(n);
    appResp(n, 2, { index: 3 });
    expect(sent(n)).toEqual(['app>2 prev=3/3 ents=4 commit=0', 'app>2 prev=4/3 ents=5 commit=0', 'app>2 prev=5/3 ents=6 commit=0']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', next: 7, paused: true, inflightCount: 3 });
  });

  it('an acknowledgement frees only the appends up to it: later ones stay in flight', () => {
    const n = replicating({ maxInflight: 3 });
    for (const data of ['a', 'b', 'c']) n.propose(data);
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents=7 commit=6', 'app>2 prev=7/4 ents=8 commit=6', 'app>2 prev=8/4 ents=9 commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ paused: true, inflightCount: 3 });
    appResp(n, 2, { index: 7 });
    // The commit of 7 is announced to 2 (3 is still paused); nothing is sent twice.
    expect(sent(n)).toEqual(['app>2 prev=9/4 ents= commit=7']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', match: 7, next: 10, inflightCount: 2 });
  });

  it('a follower that was paused learns the commit index from the next append, even an empty one', () => {
    // etcd: "If we were paused before, this node may be missing the latest commit index, so send it."
    const n = leaderOf([]);
    appResp(n, 3, { index: 1 });
    expect(sent(n)).toEqual(['app>3 prev=1/1 ents= commit=1']);
    expect(progressOf(n, 2).paused).toBe(true);
    appResp(n, 2, { index: 1 });
    expect(sent(n)).toEqual(['app>2 prev=1/1 ents= commit=1']);
  });

  it('an acknowledgement that commits nothing, from a follower not paused, sends nothing when it is caught up', () => {
    const n = newNode(1, { voters: [1, 2, 3, 4, 5] });
    n.campaign();
    drain(n);
    for (const from of [2, 3]) n.step({ type: 'MsgVoteResp', from, to: 1, term: 1 });
    drain(n);
    appResp(n, 2, { index: 1 });
    appResp(n, 3, { index: 1 });
    drain(n);
    n.propose('a');
    expect(sent(n)).toEqual(['app>2 prev=1/1 ents=2 commit=1', 'app>3 prev=1/1 ents=2 commit=1']);
    appResp(n, 2, { index: 2 });
    expect(sent(n)).toEqual([]);
    expect(n.commitIndex()).toBe(1);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', match: 2, inflightCount: 0 });
  });

  it('a stale acknowledgement to a probing follower leaves it probing', () => {
    const n = replicating();
    n.reportUnreachable(2);
    expect(progressOf(n, 2)).toMatchObject({ state: 'probe', match: 6, next: 7, paused: false });
    appResp(n, 2, { index: 4 });
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 2)).toMatchObject({ state: 'probe', match: 6, next: 7 });
  });

  it('a leader whose own removal commits steps down at once and sends no more appends', () => {
    const n = newNode(1, { voters: [1, 2] });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 });
    drain(n);
    appResp(n, 2, { index: 1 });
    drain(n);
    expect(n.proposeConfChange({ type: 'removeNode', node: 1 })).toBe(true);
    expect(sent(n)).toEqual(['app>2 prev=1/1 ents=2 commit=1']);
    appResp(n, 2, { index: 2 });
    // The removed leader tells the others the commit index by heartbeat, then follows.
    expect(sent(n)).toEqual(['hb>2 commit=2']);
    expect(n.status()).toMatchObject({ role: 'follower', commit: 2, conf: { voters: [2] } });
  });
});

describe('a snapshot in flight (§7; etcd: StateSnapshot)', () => {
  /** A leader of {1, 2, 3} that compacted through 4 and has just sent member 3 a snapshot. */
  function snapshotting(opts?: Parameters<typeof leaderOf>[1]): RawNode {
    const n = leaderOf([], opts);
    for (const data of ['a', 'b', 'c']) n.propose(data);
    drain(n);
    appResp(n, 2, { index: 4 });
    drain(n);
    expect(n.compact(4, 'image')).toBe(true);
    drain(n);
    hbResp(n, 3);
    expect(sent(n)).toEqual(['snap>3 at=4']);
    expect(progressOf(n, 3)).toMatchObject({ state: 'snapshot', match: 0, paused: true });
    return n;
  }

  it('an acknowledgement below the snapshot keeps waiting; one at its index streams from after it', () => {
    const n = snapshotting();
    appResp(n, 3, { index: 3 });
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 3)).toMatchObject({ state: 'snapshot', match: 3, paused: true });
    appResp(n, 3, { index: 4 });
    // It was paused, so it hears the commit index at once (etcd sends it the same way).
    expect(sent(n)).toEqual(['app>3 prev=4/1 ents= commit=4']);
    expect(progressOf(n, 3)).toMatchObject({ state: 'replicate', match: 4, next: 5 });
    n.propose('d');
    expect(sent(n)).toEqual(['app>2 prev=4/1 ents=5 commit=4', 'app>3 prev=4/1 ents=5 commit=4']);
  });

  it('a snapshot unanswered for an election timeout is given up: the leader probes from after it', () => {
    const n = snapshotting();
    for (let t = 0; t < 9; t++) n.tick();
    drain(n);
    hbResp(n, 3);
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 3).state).toBe('snapshot');
    n.tick();
    drain(n);
    hbResp(n, 3);
    expect(sent(n)).toEqual(['app>3 prev=4/1 ents= commit=4']);
    expect(progressOf(n, 3)).toMatchObject({ state: 'probe', next: 5, paused: true });
    // The snapshot had arrived after all: 3 answers the probe and streams; the long wait
    // behind it is no reason to fall back to probing on the next heartbeat answers.
    appResp(n, 3, { index: 4 });
    drain(n);
    expect(progressOf(n, 3)).toMatchObject({ state: 'replicate', match: 4 });
    for (let t = 0; t < 3; t++) {
      n.tick();
      drain(n);
      hbResp(n, 3);
    }
    expect(sent(n)).toEqual([]);
    expect(progressOf(n, 3)).toMatchObject({ state: 'replicate', match: 4, next: 5 });
  });

  it('snapshotNeverRetried: with the flag a lost snapshot is never given up, however long the leader waits', () => {
    const n = snapshotting({ bugs: { snapshotNeverRetried: true } });
    for (let t = 0; t < 40; t++) {
      n.tick();
      drain(n);
      hbResp(n, 3);
      expect(sent(n)).toEqual([]);
    }
    expect(progressOf(n, 3)).toMatchObject({ state: 'snapshot', match: 0, paused: true });
  });
});

describe('heartbeat responses (etcd: MsgHeartbeatResp)', () => {
  it('a probe still waiting for its answer is sent again', () => {
    const n = leaderOf([]);
    expect(progressOf(n, 2).paused).toBe(true);
    hbResp(n, 2);
    expect(sent(n)).toEqual(['app>2 prev=0/0 ents=1 commit=0']);
  });

  it('a follower caught up and streaming gets nothing; a caught-up one that is probing gets an empty probe', () => {
    const n = replicating();
    hbResp(n, 2);
    expect(sent(n)).toEqual([]);
    n.reportUnreachable(2);
    hbResp(n, 2);
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents= commit=6']);
    // Its answer, at the match the leader knew, returns it to streaming.
    appResp(n, 2, { index: 6 });
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', paused: false });
  });

  it('a full window with the follower alive lets one more append through', () => {
    const n = replicating({ maxInflight: 1 });
    n.propose('a');
    n.propose('b');
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents=7 commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ paused: true, inflightCount: 1 });
    hbResp(n, 2);
    expect(sent(n)).toEqual(['app>2 prev=7/4 ents=8 commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ state: 'replicate', next: 9, inflightCount: 1 });
  });

  it('inflightNeverFreed: with the flag the full window stays full and nothing more is sent, heartbeat after heartbeat', () => {
    const n = replicating({ maxInflight: 1, bugs: { inflightNeverFreed: true } });
    n.propose('a');
    n.propose('b');
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents=7 commit=6']);
    for (let i = 0; i < 3; i++) {
      hbResp(n, 2);
      expect(sent(n)).toEqual([]);
    }
    expect(progressOf(n, 2)).toMatchObject({ paused: true, inflightCount: 1, next: 8 });
  });

  it('a window not full keeps its appends in flight', () => {
    const n = replicating({ maxInflight: 2 });
    n.propose('a');
    drain(n);
    hbResp(n, 2);
    // Nothing new to send but the follower is behind: an empty append, nothing freed.
    expect(sent(n)).toEqual(['app>2 prev=7/4 ents= commit=6']);
    expect(progressOf(n, 2)).toMatchObject({ inflightCount: 1, next: 8 });
  });
});

describe('thesis §3.10 leadership transfer', () => {
  it('to itself or to a non-voter is ignored', () => {
    const n = leaderOf([], { voters: [1, 2, 3], learners: [4] });
    n.transferLeadership(1);
    n.transferLeadership(4);
    n.transferLeadership(9);
    expect(sent(n)).toEqual([]);
    expect(n.propose('x')).toBe(true);
  });

  it('to a voter that is up to date: MsgTimeoutNow at once, and only once when asked again', () => {
    const n = leaderOf([]);
    appResp(n, 2, { index: 1 });
    drain(n);
    n.transferLeadership(2);
    expect(sent(n)).toEqual(['MsgTimeoutNow>2']);
    n.transferLeadership(2);
    n.step({ type: 'MsgTransferLeader', from: 3, to: 1, term: 0, transferee: 2 });
    expect(sent(n)).toEqual([]);
    expect(n.propose('x')).toBe(false);
  });

  it('to a lagging voter: it is caught up first, and MsgTimeoutNow follows its acknowledgement of the whole log', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { maxEntriesPerMsg: 2 });
    appResp(n, 3, { index: 5, reject: true, rejectHint: 2, logTerm: 1 });
    expect(sent(n)).toEqual(['app>3 prev=2/1 ents=3,4 commit=0']);
    n.transferLeadership(3);
    // 3 is paused (its probe is outstanding): nothing more yet.
    expect(sent(n)).toEqual([]);
    // Another follower catching up is no reason to hand over.
    appResp(n, 2, { index: 6 });
    expect(sent(n)).toEqual(['app>2 prev=6/4 ents= commit=6']);
    appResp(n, 3, { index: 4 });
    expect(sent(n)).toEqual(['app>3 prev=4/3 ents=5,6 commit=6']);
    appResp(n, 3, { index: 6 });
    expect(sent(n)).toEqual(['MsgTimeoutNow>3']);
    // A duplicated acknowledgement moves nothing and asks nothing again.
    appResp(n, 3, { index: 6 });
    expect(sent(n)).toEqual([]);
  });

  it('a transfer back to the leader abandons the pending one, so proposals flow again at once (etcd: TestLeaderTransferBack); a learner target leaves it pending', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { voters: [1, 2, 3], learners: [4] });
    n.transferLeadership(3); // 3 lags: the transfer stays pending
    drain(n);
    expect(n.propose('during')).toBe(false);
    n.transferLeadership(4); // a learner cannot take over: ignored, the transfer to 3 still pending
    expect(n.propose('still during')).toBe(false);
    n.transferLeadership(1);
    expect(sent(n)).toEqual([]);
    expect(n.propose('after')).toBe(true);
    // 3 catching up later is no longer a reason to hand over.
    appResp(n, 3, { index: n.status().lastIndex });
    expect(sent(n).filter((m) => m.startsWith('MsgTimeoutNow'))).toEqual([]);
  });

  it('the transfer must finish within an election timeout of the request', () => {
    const n = leaderOf([], { electionTicks: 10, heartbeatTicks: 1 });
    for (let t = 0; t < 5; t++) n.tick();
    drain(n);
    expect(n.status().electionElapsed).toBe(5);
    n.transferLeadership(3);
    expect(n.status().electionElapsed).toBe(0);
    for (let t = 0; t < 9; t++) n.tick();
    expect(n.propose('during')).toBe(false);
    n.tick();
    expect(n.propose('after')).toBe(true);
  });
});

describe('§5.2 vote requests reaching a leader', () => {
  it('a vote request of its own term is refused: the leader voted for itself', () => {
    const n = leaderOf([1]);
    n.step({ type: 'MsgVote', from: 3, to: 1, term: 2, index: 9, logTerm: 2 });
    expect(drain(n).messages).toEqual([{ type: 'MsgVoteResp', from: 1, to: 3, term: 2, reject: true }]);
    expect(n.status()).toMatchObject({ role: 'leader', term: 2, vote: 1 });
  });

  it('without CheckQuorum, a pre-vote for a later term is answered on the log alone, and the leader stays', () => {
    const n = leaderOf([1]);
    const term = n.currentTerm();
    n.step({ type: 'MsgPreVote', from: 3, to: 1, term: term + 1, index: 2, logTerm: term });
    n.step({ type: 'MsgPreVote', from: 3, to: 1, term: term + 1, index: 1, logTerm: 1 });
    expect(drain(n).messages).toEqual([
      { type: 'MsgPreVoteResp', from: 1, to: 3, term: term + 1, reject: false },
      { type: 'MsgPreVoteResp', from: 1, to: 3, term, reject: true },
    ]);
    expect(n.status()).toMatchObject({ role: 'leader', term, vote: 1 });
  });
});

describe('requests forwarded to the leader', () => {
  it("a member's read, with a context, starts a heartbeat round carrying it; others are dropped", () => {
    const n = leaderOf([]);
    appResp(n, 2, { index: 1 });
    drain(n);
    expect(n.commitIndex()).toBe(1);
    n.step({ type: 'MsgReadIndex', from: 9, to: 1, term: 0, context: 'r-foreign' });
    n.step({ type: 'MsgReadIndex', from: 3, to: 1, term: 0 });
    expect(sent(n)).toEqual([]);
    n.step({ type: 'MsgReadIndex', from: 3, to: 1, term: 0, context: 'r1' });
    expect(sent(n)).toEqual(['hb>2 commit=1 ctx=r1', 'hb>3 commit=0 ctx=r1']);
    hbResp(n, 2, { context: 'r1' });
    expect(drain(n).messages).toMatchObject([{ type: 'MsgReadIndexResp', to: 3, index: 1, context: 'r1' }]);
  });

  it('a forwarded proposal with no normal entry appends nothing and sends nothing', () => {
    const n = replicating();
    n.step({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [] });
    n.step({ type: 'MsgProp', from: 2, to: 1, term: 0 });
    n.step({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [{ term: 0, index: 0, type: 'conf', data: 'x' }] });
    expect(sent(n)).toEqual([]);
    expect(n.lastIndex()).toBe(6);
  });
});

describe('test-only bug flags have teeth (config.ts RaftBugs)', () => {
  it('matchRegress: a stale acknowledgement lowers match', () => {
    for (const [bugs, match] of [[{}, 6], [{ matchRegress: true }, 4]] as const) {
      const n = replicating({ bugs });
      appResp(n, 2, { index: 4 });
      expect(progressOf(n, 2).match, JSON.stringify(bugs)).toBe(match);
      // An acknowledgement that moves match forward works as ever, and commits.
      n.propose('x');
      drain(n);
      appResp(n, 2, { index: 7 });
      expect(progressOf(n, 2).match, JSON.stringify(bugs)).toBe(7);
      expect(n.commitIndex(), JSON.stringify(bugs)).toBe(7);
    }
  });

  it('leaseKeptOnTransfer: the leader goes on answering lease reads after sending MsgTimeoutNow', () => {
    for (const [bugs, answered] of [[{}, false], [{ leaseKeptOnTransfer: true }, true]] as const) {
      const n = leaderOf([], { readOnly: 'lease', checkQuorum: true, heartbeatTicks: 1, bugs });
      appResp(n, 2, { index: 1 });
      drain(n);
      n.tick();
      const round = drain(n).messages[0].round;
      hbResp(n, 2, { round });
      n.readIndex('before');
      expect(drain(n).readies.flatMap((rd) => rd.readStates).map((rs) => rs.requestCtx)).toEqual(['before']);
      n.transferLeadership(2);
      expect(sent(n)).toEqual(['MsgTimeoutNow>2']);
      n.readIndex('after');
      const after = drain(n).readies.flatMap((rd) => rd.readStates).map((rs) => rs.requestCtx);
      expect(after, JSON.stringify(bugs)).toEqual(answered ? ['after'] : []);
    }
  });
});
