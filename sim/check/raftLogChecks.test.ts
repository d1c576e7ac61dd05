// Goal: every invariant of raftLogChecks.ts has teeth: a telemetry sequence that a broken
// Raft would produce (the broken variant) is reported under the right check, and the same
// sequence done right passes. Method: a one-process world with two or three idle servers;
// the test emits the servers' telemetry itself, in the order KvServer emits it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base36 } from '../../core/hash/digits.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import { World } from '../world/world.ts';
import { hashCode, MIRROR_ENTRIES_MAX, RaftLogChecks, termsGoBack } from './raftLogChecks.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

type Tel = (node: number, name: string, f: Record<string, string | number | boolean>, t?: number) => void;

function setup(nodes = 3, faults: FaultSpec[] = [], leaseClocksBroken: string | null = null): { world: World; checks: RaftLogChecks; tel: Tel } {
  const world = new World({ seed: 'log-checks', nodes: Array.from({ length: nodes }, () => ({ role: 'server', factory: () => idle })) });
  const checks = new RaftLogChecks(world, faults, leaseClocksBroken);
  const tel: Tel = (node, name, f, t = 0) => world.telemetry(t, node, name, f);
  for (let n = 0; n < nodes; n++) tel(n, 'raft.recovered', { applied: 0, torn: false, term: 0, vote: -1, commit: 0, lastIndex: 0, logTerms: '0|' });
  return { world, checks, tel };
}

const append = (lo: number, terms: number[], hashes: string[], nodeTerm = Math.max(...terms)): Record<string, string | number> => ({ lo, hi: lo + terms.length - 1, term: terms[terms.length - 1], terms: terms.join(','), hashes: hashes.join(','), nodeTerm });
const hard = (term: number, vote: number, commit: number, lastIndex: number): Record<string, number> => ({ term, vote, commit, lastIndex });
const checksOf = (w: World): string[] => w.violations.map((v) => v.check);

describe('log matching on every pair of logs, committed or not', () => {
  it('the same index and term holding different commands is caught; identical logs pass', () => {
    const bad = setup();
    bad.tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    bad.tel(1, 'raft.append', append(1, [1, 1], ['a', 'x']));
    expect(checksOf(bad.world)).toEqual(['log-matching']);
    const good = setup();
    good.tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    good.tel(1, 'raft.append', append(1, [1, 1], ['a', 'b']));
    good.tel(2, 'raft.append', append(1, [1], ['a']));
    expect(good.world.violations).toEqual([]);
  });

  it('the same index and term after a different previous term is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 2], ['a', 'b']));
    tel(1, 'raft.append', append(1, [3, 2], ['c', 'b']));
    expect(checksOf(world)).toEqual(['log-matching']);
  });
});

describe('committed entries', () => {
  it('an entry committed on one node and overwritten on another is caught; a conflict above the commit is fine', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(1, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(0, 'raft.hardstate', hard(1, 0, 1, 2));
    tel(1, 'raft.append', append(2, [2], ['c'])); // Index 2 was not committed: legal.
    tel(0, 'raft.hardstate', hard(1, 0, 2, 2)); // Node 0 commits its entry 2 of term 1 (by counting, say).
    tel(2, 'raft.append', append(1, [1, 1], ['a', 'b']));
    expect(world.violations).toEqual([]);
    tel(2, 'raft.hardstate', hard(3, 4, 0, 2));
    tel(2, 'raft.append', append(2, [3], ['d'])); // Figure 8: a later leader overwrites it.
    expect(checksOf(world)).toEqual(['committed-entries']);
  });

  it('a node still in an older term may take a stale leader\'s entry over one committed later', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [3], ['a'], 3));
    tel(0, 'raft.hardstate', hard(3, 0, 1, 1));
    tel(1, 'raft.append', append(1, [2], ['x'], 2));
    tel(2, 'raft.leader', { term: 3, lastIndex: 0, logTerms: '0|' }); // Elected by votes cast before the commit.
    tel(2, 'raft.hardstate', hard(2, -1, 0, 0));
    tel(2, 'raft.append', append(1, [2], ['x'], 3)); // Taken in term 2, persisted in a term-3 Ready.
    expect(world.violations).toEqual([]);
    tel(2, 'raft.hardstate', hard(3, -1, 0, 1));
    tel(2, 'raft.append', append(1, [2], ['x'], 3));
    expect(checksOf(world)).toEqual(['committed-entries']);
  });

  it('a new leader without a committed entry is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(0, 'raft.hardstate', hard(1, 0, 2, 2));
    tel(1, 'raft.leader', { term: 2, lastIndex: 2, logTerms: '0|1:1' });
    expect(world.violations).toEqual([]);
    tel(2, 'raft.leader', { term: 3, lastIndex: 1, logTerms: '0|1:1' });
    expect(checksOf(world)).toEqual(['committed-entries']);
  });
});

describe('commit index', () => {
  it('going back within a process, or beyond the log, is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1, 1], ['a', 'b', 'c']));
    tel(0, 'raft.hardstate', hard(1, 0, 3, 3));
    tel(0, 'raft.hardstate', hard(1, 0, 3, 3));
    expect(world.violations).toEqual([]);
    tel(0, 'raft.hardstate', hard(1, 0, 2, 3));
    tel(1, 'raft.hardstate', hard(1, 0, 4, 3));
    expect(checksOf(world)).toEqual(['commit-monotonic', 'commit-within-log']);
  });

  it('going back across a restart is caught, from what was persisted', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(0, 'raft.hardstate', hard(1, 0, 2, 2));
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 1, vote: 0, commit: 2, lastIndex: 2, logTerms: '0|1:1' });
    expect(world.violations).toEqual([]);
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 1, vote: 0, commit: 1, lastIndex: 2, logTerms: '0|1:1' });
    expect(checksOf(world)).toEqual(['commit-monotonic']);
  });
});

describe('match indexes', () => {
  it('a leader\'s match going back in its term is caught; a new term starts afresh', () => {
    const { world, tel } = setup();
    tel(0, 'raft.match', { term: 2, to: 1, match: 5 });
    tel(0, 'raft.match', { term: 3, to: 1, match: 1 });
    expect(world.violations).toEqual([]);
    tel(0, 'raft.match', { term: 3, to: 1, match: 0 });
    expect(checksOf(world)).toEqual(['match-monotonic']);
  });

  it('a match the follower does not hold is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [2, 2, 2], ['a', 'b', 'c']));
    tel(1, 'raft.hardstate', hard(2, 0, 0, 0));
    tel(1, 'raft.append', append(1, [2, 2], ['a', 'b']));
    tel(0, 'raft.match', { term: 2, to: 1, match: 2 });
    expect(world.violations).toEqual([]);
    tel(0, 'raft.match', { term: 2, to: 1, match: 3 });
    expect(checksOf(world)).toEqual(['match-sound']);
  });

  it('an acknowledgement beyond what the answered append proved is caught; up to it passes', () => {
    const { world, tel } = setup();
    tel(1, 'raft.ack', { to: 0, term: 2, index: 7, proved: 7 });
    tel(1, 'raft.ack', { to: 0, term: 2, index: 3, proved: 7 });
    expect(world.violations).toEqual([]);
    tel(1, 'raft.ack', { to: 0, term: 2, index: 9, proved: 7 });
    expect(checksOf(world)).toEqual(['ack-sound']);
  });
});

describe('reads', () => {
  const asked = (ctx: string): Record<string, string | number> => ({ client: 5, rid: 1, ctx });
  const served = (ctx: string, readIndex: number): Record<string, string | number> => ({ client: 5, rid: 1, outcome: 'ok', readIndexUs: 10, readIndex, readCtx: ctx });

  it('a read served below what some node had committed when it arrived is caught; at or above it, or a commit after it arrived, passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1, 1], ['a', 'b', 'c']));
    tel(0, 'raft.hardstate', hard(1, 0, 3, 3)); // The old leader committed 3.
    tel(1, 'kv.read', asked('1:0')); // A new leader takes a read...
    tel(1, 'kv.read', asked('1:1'));
    tel(1, 'kv.reply', served('1:1', 3)); // ...served at 3: fine.
    tel(1, 'kv.reply', { client: 5, rid: 2, outcome: 'ok', readIndexUs: -1, readIndex: -1, readCtx: '' }); // A write's answer.
    expect(world.violations).toEqual([]);
    tel(1, 'kv.reply', served('1:0', 2)); // Served at 2 < 3, before its own term's first commit.
    expect(checksOf(world)).toEqual(['read-index-sound']);
    expect(world.violations[0].message).toMatch(/node 1 served a read of node 5 \(request 1\) at read index 2, but when the read reached it node 0 had already committed up to index 3/);
  });

  it('the bar is the commit when the read was taken: later commits, or the same context seen again in one process, do not raise it', () => {
    const { world, tel } = setup();
    tel(0, 'raft.hardstate', hard(1, 0, 2, 3));
    tel(1, 'kv.read', asked('1:0'));
    tel(0, 'raft.hardstate', hard(1, 0, 3, 3));
    tel(1, 'kv.read', asked('1:0')); // Seen again without a restart: the earlier bar stays.
    tel(1, 'kv.reply', served('1:0', 2));
    tel(2, 'kv.reply', served('2:9', 1)); // A read the checker never saw taken: not judged.
    expect(world.violations).toEqual([]);
  });

  it('a restarted server numbers its reads afresh: its read is judged by the bar when it was taken, not by the last process\'s', () => {
    const { world, tel } = setup();
    tel(0, 'raft.hardstate', hard(1, 0, 2, 3));
    tel(1, 'kv.read', asked('1:0')); // Never answered: the process crashes.
    tel(0, 'raft.hardstate', hard(1, 0, 3, 3));
    tel(1, 'raft.recovered', { applied: 0, torn: false, term: 1, vote: 0, commit: 0, lastIndex: 0, logTerms: '0|' });
    tel(1, 'kv.read', asked('1:0')); // The new process's first read, after commit 3.
    tel(1, 'kv.reply', served('1:0', 2));
    expect(checksOf(world)).toEqual(['read-index-sound']);
  });
});

describe('read-leader-sound: a leader serves no read that reached it after a newer leader was elected', () => {
  const asked = (ctx: string): Record<string, string | number> => ({ client: 5, rid: 1, ctx });
  const served = (ctx: string): Record<string, string | number> => ({ client: 5, rid: 1, outcome: 'ok', readIndexUs: 0, readIndex: 0, readCtx: ctx });
  const leader = (term: number): Record<string, string | number> => ({ term, lastIndex: 0, logTerms: '0|' });

  it('a read taken by the old leader once a newer one is elected is caught (a lease held too long); one taken before it, served later, passes', () => {
    const { world, tel } = setup();
    tel(1, 'raft.leader', leader(2));
    tel(1, 'kv.read', asked('1:0')); // Before anyone newer: fine even if served later.
    tel(2, 'raft.leader', leader(3));
    tel(1, 'kv.reply', served('1:0'));
    expect(world.violations).toEqual([]);
    tel(1, 'kv.read', asked('1:1')); // Node 1 still believes it leads term 2.
    tel(1, 'kv.reply', served('1:1'));
    expect(checksOf(world)).toEqual(['read-leader-sound']);
    expect(world.violations[0].message).toMatch(/node 1, leader of term 2, served a read of node 5 \(request 1\), but when the read reached it node 2 had already been elected leader of term 3/);
  });

  it('the newest leader serves reads; a server that stepped down or restarted is not judged by an old term', () => {
    const { world, tel } = setup();
    tel(1, 'raft.leader', leader(2));
    tel(2, 'raft.leader', leader(3));
    tel(2, 'kv.read', asked('2:0'));
    tel(2, 'kv.reply', served('2:0'));
    tel(1, 'raft.role', { role: 'follower', term: 3 });
    tel(1, 'raft.leader', leader(4)); // Elected again, newer than node 2.
    tel(1, 'kv.read', asked('1:0'));
    tel(1, 'kv.reply', served('1:0'));
    expect(world.violations).toEqual([]);
  });

  it('is not judged when the scenario moves clocks beyond the lease\'s drift bound, and the stats say why', () => {
    const { world, tel, checks } = setup(3, [], 'a clock fault steps node 1\'s clock');
    tel(1, 'raft.leader', leader(2));
    tel(2, 'raft.leader', leader(3));
    tel(1, 'kv.read', asked('1:0'));
    tel(1, 'kv.reply', served('1:0'));
    expect(world.violations).toEqual([]);
    expect(checks.stats()).toEqual({ readLeaderSound: "not applicable: a clock fault steps node 1's clock" });
    expect(setup().checks.stats()).toEqual({});
  });
});

describe('term-adopt: a node that steps a higher term moves to it', () => {
  it('a leader that stays in its term after a higher-term response is caught; ignored vote requests and pre-votes are exempt', () => {
    const { world, tel } = setup();
    tel(0, 'raft.higher_term', { from: 1, type: 'MsgHeartbeat', term: 3, after: 3 });
    tel(0, 'raft.higher_term', { from: 2, type: 'MsgVote', term: 5, after: 3, sticky: true }); // Ignored under CheckQuorum: fine.
    tel(2, 'raft.higher_term', { from: 1, type: 'MsgVote', term: 5, after: 3, timerFresh: true }); // Its timer restarted lately (a re-grant): fine.
    tel(0, 'raft.higher_term', { from: 2, type: 'MsgPreVote', term: 5, after: 3 });
    tel(0, 'raft.higher_term', { from: 2, type: 'MsgPreVoteResp', term: 5, after: 3 });
    expect(world.violations).toEqual([]);
    tel(1, 'raft.higher_term', { from: 2, type: 'MsgAppResp', term: 4, after: 3 }); // A stale leader ignoring it.
    expect(checksOf(world)).toEqual(['term-adopt']);
    expect(world.violations[0].message).toMatch(/node 1 stepped a MsgAppResp of term 4 from node 2 and stayed in term 3/);
  });

  it('a stale leader\'s append or heartbeat left unanswered (under PreVote or CheckQuorum) is caught', () => {
    const { world, tel } = setup();
    tel(2, 'raft.stale_unanswered', { from: 0, type: 'MsgHeartbeat', term: 3, own: 5 });
    expect(checksOf(world)).toEqual(['term-adopt']);
    expect(world.violations[0].message).toMatch(/node 2, in term 5, stepped a MsgHeartbeat of term 3 from node 0 and did not answer it with its own term/);
  });

  it('a vote request ignored though CheckQuorum did not bind the node (no leader heard within the timeout) is caught', () => {
    const { world, tel } = setup();
    tel(3, 'raft.higher_term', { from: 1, type: 'MsgVote', term: 6, after: 4, sticky: false, timerFresh: false });
    expect(checksOf(world)).toEqual(['term-adopt']);
    expect(world.violations[0].message).toMatch(/node 3 stepped a MsgVote of term 6 from node 1 and stayed in term 4: .* so CheckQuorum did not bind it to ignore the request/);
  });
});

describe('leader-sticky: under CheckQuorum a node that hears its leader ignores vote requests', () => {
  it('a node bound to its leader that moves to a vote request\'s term is caught; one that ignores it, or was free to take it, passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.higher_term', { from: 2, type: 'MsgVote', term: 5, after: 3, sticky: true }); // Ignored, as it must be.
    tel(1, 'raft.higher_term', { from: 2, type: 'MsgVote', term: 5, after: 5, sticky: false }); // Had not heard a leader lately.
    tel(1, 'raft.higher_term', { from: 2, type: 'MsgPreVote', term: 6, after: 5, sticky: true }); // Dropped: no term moved.
    tel(3, 'raft.higher_term', { from: 2, type: 'MsgHeartbeat', term: 6, after: 6 }); // Older telemetry without the field.
    expect(world.violations).toEqual([]);
    tel(4, 'raft.higher_term', { from: 2, type: 'MsgVote', term: 7, after: 7, sticky: true });
    expect(checksOf(world)).toEqual(['leader-sticky']);
    expect(world.violations[0].message).toMatch(/node 4 stepped a MsgVote of term 7 from node 2 and moved to it, though under CheckQuorum it had to ignore it: it led or had heard from its leader/);
    // Bound by the restart guard of lease reads: the message says so.
    tel(2, 'raft.higher_term', { from: 0, type: 'MsgVote', term: 8, after: 8, sticky: true, restarted: true });
    expect(world.violations[1].message).toMatch(/node 2 stepped a MsgVote of term 8 .*: it had restarted with lease reads less than an election timeout before/);
  });
});

describe('vote-up-to-date: a vote goes only to a log at least as up-to-date (§5.4.1)', () => {
  it('grants to a later last term, or the same term and as long, pass; a grant to a shorter log of the same term, or an older last term, is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.granted', { to: 1, term: 4, index: 5, logTerm: 3, ownIndex: 9, ownTerm: 2 }); // A later last term wins, shorter or not.
    tel(0, 'raft.granted', { to: 1, term: 5, index: 9, logTerm: 2, ownIndex: 9, ownTerm: 2 }); // Equal.
    expect(world.violations).toEqual([]);
    tel(2, 'raft.granted', { to: 1, term: 6, index: 8, logTerm: 2, ownIndex: 9, ownTerm: 2 });
    tel(3, 'raft.granted', { to: 1, term: 6, index: 20, logTerm: 1, ownIndex: 9, ownTerm: 2 });
    expect(checksOf(world)).toEqual(['vote-up-to-date', 'vote-up-to-date']);
    expect(world.violations.map((v) => v.node)).toEqual([2, 3]);
    expect(world.violations[0].message).toMatch(/node 2 granted its vote in term 6 to node 1, whose log ends at index 8 of term 2, while its own ends at index 9 of term 2/);
  });
});

describe('vote-up-to-date for pre-votes (thesis §9.6)', () => {
  it('a pre-vote granted to a log behind is caught, and named a pre-vote; one to an up-to-date log passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.granted', { to: 1, term: 4, index: 9, logTerm: 2, ownIndex: 9, ownTerm: 2, pre: true });
    expect(world.violations).toEqual([]);
    tel(2, 'raft.granted', { to: 1, term: 4, index: 3, logTerm: 2, ownIndex: 9, ownTerm: 2, pre: true });
    expect(checksOf(world)).toEqual(['vote-up-to-date']);
    expect(world.violations[0].message).toMatch(/node 2 granted its pre-vote in term 4 to node 1, whose log ends at index 3 of term 2/);
  });
});

describe('lead-sound: a node that stops leading does not name itself leader', () => {
  it('a leader stepping down to no leader, or to another, passes; one that keeps itself is caught; a restart forgets', () => {
    const { world, tel } = setup();
    tel(0, 'raft.lead', { lead: 0, term: 2 });
    tel(0, 'raft.role', { role: 'leader', term: 2 });
    tel(0, 'raft.lead', { lead: -1, term: 2 });
    tel(0, 'raft.role', { role: 'follower', term: 2 });
    tel(1, 'raft.lead', { lead: 1, term: 3 });
    tel(1, 'raft.role', { role: 'leader', term: 3 });
    tel(1, 'raft.recovered', { term: 3, vote: 1, commit: 0, lastIndex: 0, logTerms: '0|' });
    tel(1, 'raft.role', { role: 'follower', term: 3 });
    expect(world.violations).toEqual([]);
    tel(2, 'raft.lead', { lead: 2, term: 4 });
    tel(2, 'raft.role', { role: 'leader', term: 4 });
    tel(2, 'raft.role', { role: 'follower', term: 4 });
    expect(checksOf(world)).toEqual(['lead-sound']);
    expect(world.violations[0].message).toMatch(/node 2 became follower in term 4 and still names itself the leader it knows/);
  });
});

describe('transfer-bounded: a transfer holds proposals up for an election timeout at most', () => {
  it('a refusal within two election timeouts of a transfer, or with the log full, passes; one later, or with no transfer, is caught', () => {
    const { world, tel } = setup();
    tel(0, 'kv.write_refused', { sinceTransfer: 3, electionTicks: 15, full: false, term: 2 });
    tel(0, 'kv.write_refused', { sinceTransfer: 30, electionTicks: 15, full: false, term: 2 });
    tel(0, 'kv.write_refused', { sinceTransfer: -1, electionTicks: 15, full: true, term: 2 });
    expect(world.violations).toEqual([]);
    tel(1, 'kv.write_refused', { sinceTransfer: 31, electionTicks: 15, full: false, term: 3 });
    tel(2, 'kv.write_refused', { sinceTransfer: -1, electionTicks: 15, full: false, term: 3 });
    expect(checksOf(world)).toEqual(['transfer-bounded', 'transfer-bounded']);
    expect(world.violations[0].message).toMatch(/node 1, leader of term 3, refused a client's write though its uncommitted log had room and its last accepted transfer was 31 ticks old/);
  });
});

describe('check-quorum: a leader out of touch with a quorum steps down', () => {
  it('a stranded leader the server reports is a violation naming the ticks and the timeout', () => {
    const { world, tel } = setup();
    tel(1, 'raft.stranded', { term: 3, ticks: 33, electionTicks: 15 });
    expect(checksOf(world)).toEqual(['check-quorum']);
    expect(world.violations[0].message).toMatch(/node 1 still leads term 3 though a quorum of its voters has not answered it for 33 ticks, more than twice its election timeout of 15/);
  });
});

describe('campaign-voter: only a voter campaigns', () => {
  it('a voter\'s campaigns, and older telemetry without the field, pass; a learner\'s pre-vote round or election is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.campaign', { term: 1, pre: true, voter: true });
    tel(0, 'raft.campaign', { term: 1, pre: false, voter: true });
    tel(1, 'raft.campaign', { term: 2, pre: false });
    expect(world.violations).toEqual([]);
    tel(5, 'raft.campaign', { term: 2, pre: true, voter: false });
    expect(checksOf(world)).toEqual(['campaign-voter']);
    expect(world.violations[0].message).toMatch(/node 5 started a pre-vote round for term 2, but it is no voter of its configuration/);
  });
});

describe('term-sound: every term begins with a campaign', () => {
  it('terms that some node campaigned for pass, on the candidate and on those who adopt it; a term nobody campaigned for is caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.term', { term: 0 });
    tel(0, 'raft.campaign', { term: 0, pre: true }); // A pre-vote round moves no term.
    tel(0, 'raft.campaign', { term: 1, pre: false });
    tel(0, 'raft.term', { term: 1 });
    tel(1, 'raft.term', { term: 1 });
    expect(world.violations).toEqual([]);
    tel(2, 'raft.term', { term: 2 }); // Node 2 took term 2 from a pre-vote for it.
    expect(checksOf(world)).toEqual(['term-sound']);
    expect(world.violations[0].message).toMatch(/node 2 entered term 2, but the newest campaign was node 0's for term 1/);
  });
});

describe('conf-one-at-a-time: a leader starts a configuration change only once the last one committed', () => {
  const leader = (term: number): Record<string, string | number> => ({ term, lastIndex: 0, logTerms: '0|' });
  const appendConf = (lo: number, terms: number[], confs: number[], readyCommit = -1): Record<string, string | number> => ({ ...append(lo, terms, terms.map((_, k) => `h${lo + k}`)), confs: confs.join(','), readyCommit });

  it('a second change appended by the leader while the first is uncommitted is caught; after its commit, or from a follower, it passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.leader', leader(2));
    tel(0, 'raft.append', appendConf(1, [2, 2], [2])); // A change at 2.
    tel(0, 'raft.hardstate', hard(2, 0, 2, 2)); // ...committed.
    tel(0, 'raft.append', appendConf(3, [2], [3])); // The next one: fine.
    tel(1, 'raft.append', appendConf(1, [2, 2, 2, 2], [2, 3, 4])); // A follower copies what it is sent.
    expect(world.violations).toEqual([]);
    tel(0, 'raft.append', appendConf(4, [2], [4])); // 3 is not committed yet.
    expect(checksOf(world)).toEqual(['conf-one-at-a-time']);
    expect(world.violations[0].message).toMatch(/node 0, leader of term 2, appended a configuration change at index 4 while the one at index 3 was not committed \(its commit index was 2\)/);
  });

  it('the commit of the Ready that carried the change counts, and a change a new leader inherited uncommitted blocks its own', () => {
    const { world, tel } = setup();
    tel(0, 'raft.leader', leader(2));
    tel(0, 'raft.append', appendConf(1, [2], [1]));
    tel(0, 'raft.append', appendConf(2, [2], [2], 1)); // Its Ready committed 1 first: fine.
    expect(world.violations).toEqual([]);
    tel(1, 'raft.append', appendConf(1, [2, 2], [1, 2]));
    tel(1, 'raft.hardstate', hard(3, 1, 1, 2));
    tel(1, 'raft.leader', { term: 3, lastIndex: 2, logTerms: '0|2:2' }); // Inherits the uncommitted change at 2...
    tel(1, 'raft.append', appendConf(3, [3], [3])); // ...and starts another before committing it.
    expect(checksOf(world)).toEqual(['conf-one-at-a-time']);
    expect(world.violations[0].message).toMatch(/node 1, leader of term 3, appended a configuration change at index 3 while the one at index 2 was not committed \(its commit index was 1\)/);
  });
});

describe('vote-sound: a leader was granted a quorum of votes in its own term', () => {
  const vote = (from: number, term: number, granted = true, pre = false): Record<string, string | number | boolean> => ({ from, term, granted, pre });
  const leader = (term: number, voters = '0,1,2'): Record<string, string | number> => ({ term, lastIndex: 0, logTerms: '0|', voters });

  it('a leader backed by its own vote and one grant of its term (of three voters) passes', () => {
    const { world, tel } = setup();
    tel(1, 'raft.hardstate', hard(3, 0, 0, 0));
    tel(0, 'raft.vote', vote(1, 3));
    tel(0, 'raft.leader', leader(3));
    expect(world.violations).toEqual([]);
  });

  it('a grant from an earlier campaign, a refusal or a pre-vote does not count', () => {
    const { world, tel } = setup();
    tel(1, 'raft.hardstate', hard(3, 0, 0, 0));
    tel(0, 'raft.vote', vote(1, 3)); // Term 3's campaign: a split vote.
    tel(0, 'raft.vote', vote(2, 4, false)); // Term 4: node 2 refuses.
    tel(0, 'raft.vote', vote(2, 4, true, true)); // A pre-vote is not a vote.
    tel(0, 'raft.leader', leader(4)); // Counted node 1's vote of term 3.
    expect(checksOf(world)).toEqual(['vote-sound']);
    expect(world.violations[0].message).toMatch(/node 0 became leader of term 4, but only 1 of its 3 voters \(0 \(itself\)\) had granted it a vote in that term/);
  });

  it('counts only the voters of the configuration it reports, and a single voter elects itself', () => {
    const five = setup(5);
    five.tel(1, 'raft.hardstate', hard(2, 0, 0, 0));
    five.tel(4, 'raft.hardstate', hard(2, 0, 0, 0));
    five.tel(0, 'raft.vote', vote(1, 2));
    five.tel(0, 'raft.vote', vote(4, 2)); // Node 4 is not a voter of this configuration.
    five.tel(0, 'raft.leader', leader(2, '0,1,2,3'));
    expect(checksOf(five.world)).toEqual(['vote-sound']);
    const alone = setup(1);
    alone.tel(0, 'raft.leader', leader(1, '0'));
    expect(alone.world.violations).toEqual([]);
  });
});

describe('votes and durable state', () => {
  it('two votes in one term are caught', () => {
    const { world, tel } = setup();
    tel(0, 'raft.hardstate', hard(3, 1, 0, 0));
    tel(0, 'raft.hardstate', hard(4, 2, 0, 0));
    expect(world.violations).toEqual([]);
    tel(0, 'raft.hardstate', hard(4, 1, 0, 0));
    expect(checksOf(world)).toEqual(['vote-once']);
  });

  it('a voter granting two candidates in one term, as the candidates received it, is caught; repeats, pre-votes and refusals pass', () => {
    const { world, tel } = setup();
    tel(0, 'raft.hardstate', hard(3, 1, 0, 0));
    tel(1, 'raft.vote', { from: 0, term: 3, granted: true, pre: false });
    tel(1, 'raft.vote', { from: 0, term: 3, granted: true, pre: false }); // a duplicated response
    tel(2, 'raft.vote', { from: 0, term: 3, granted: true, pre: true });
    tel(2, 'raft.vote', { from: 0, term: 3, granted: false, pre: false });
    tel(0, 'raft.hardstate', hard(4, 2, 0, 0));
    tel(2, 'raft.vote', { from: 0, term: 4, granted: true, pre: false });
    expect(world.violations).toEqual([]);
    tel(2, 'raft.vote', { from: 0, term: 3, granted: true, pre: false });
    expect(world.violations.map((v) => `${v.check}: ${v.message}`)).toEqual(['vote-once: node 0 granted its vote in term 3 to node 1, then to node 2 (as the candidates received them)']);
  });

  it('a grant reaches its candidate only after the voter made a vote in that term durable; a voter that moved on passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.hardstate', hard(3, -1, 0, 0)); // Term 3, no vote yet (it refused someone).
    tel(1, 'raft.vote', { from: 0, term: 2, granted: true, pre: false }); // A grant of an older term, delayed: node 0 moved on.
    tel(1, 'raft.vote', { from: 0, term: 3, granted: false, pre: false }); // A refusal needs no vote.
    tel(1, 'raft.vote', { from: 0, term: 4, granted: true, pre: true }); // Nor does a pre-vote.
    expect(world.violations).toEqual([]);
    tel(1, 'raft.vote', { from: 0, term: 3, granted: true, pre: false }); // Granted, never written.
    expect(world.violations.map((v) => `${v.check}: ${v.message}`)).toEqual([
      "durability: node 1 received node 0's vote in term 3, but the last hard state node 0 had made durable was term 3 with no vote: a server persists its vote before it answers the vote request (Figure 2), or a crash makes it forget the grant and vote again in the same term",
    ]);
    tel(2, 'raft.vote', { from: 1, term: 5, granted: true, pre: false }); // Node 1 never wrote term 5.
    expect(checksOf(world)).toEqual(['durability', 'durability']);
    tel(1, 'raft.recovered', { applied: 0, torn: false, term: 6, vote: 2, commit: 0, lastIndex: 0, logTerms: '0|' });
    tel(2, 'raft.vote', { from: 1, term: 6, granted: true, pre: false }); // Recovered with its vote: durable.
    expect(checksOf(world)).toEqual(['durability', 'durability']);
  });

  it('a candidate that gives up its term with a quorum of grants still possible fails; one refused by a majority, or that hears its leader, passes', () => {
    const { world, tel } = setup(5);
    const role = (node: number, r: string, term: number): void => tel(node, 'raft.role', { role: r, term, voters: '0,1,2,3,4' });
    role(0, 'candidate', 3);
    tel(0, 'raft.vote', { from: 1, term: 3, granted: false, pre: false });
    tel(0, 'raft.vote', { from: 2, term: 3, granted: false, pre: false });
    tel(0, 'raft.vote', { from: 2, term: 3, granted: false, pre: false }); // A duplicate counts once.
    tel(0, 'raft.vote', { from: 3, term: 3, granted: false, pre: true }); // A pre-vote is no refusal of this election.
    role(0, 'follower', 3); // Two refusals of five: three grants were still possible.
    expect(world.violations.map((v) => `${v.check}: ${v.message}`)).toEqual([
      'candidate-persists: node 0, a candidate in term 3, returned to follower in that term knowing no leader, with 2 of its 5 voters refusing it: a candidate stays one until it wins, hears its term\'s leader, sees a higher term or its election timeout elapses, and loses early only once more than 2 refusals make a quorum of grants impossible (Figure 2, Rules for Servers)',
    ]);
    role(1, 'candidate', 4);
    for (const from of [0, 2, 3]) tel(1, 'raft.vote', { from, term: 4, granted: false, pre: false });
    role(1, 'follower', 4); // Three refusals: lost.
    role(2, 'candidate', 4);
    tel(2, 'raft.lead', { lead: 1, term: 4 });
    role(2, 'follower', 4); // It heard node 1 lead term 4.
    role(3, 'candidate', 4);
    role(3, 'follower', 5); // A higher term.
    role(1, 'candidate', 5);
    tel(1, 'raft.conf', { voters: '0,1,2', learners: '', commit: 0 });
    tel(1, 'raft.vote', { from: 0, term: 5, granted: false, pre: false });
    role(1, 'follower', 5); // Its voters changed mid-campaign (to three): not judged.
    role(4, 'candidate', 4);
    tel(4, 'raft.recovered', { applied: 0, torn: false, term: 4, vote: 4, commit: 0, lastIndex: 0, logTerms: '0|' });
    role(4, 'follower', 4); // A restart, not a lost election.
    expect(checksOf(world)).toEqual(['candidate-persists']);
  });

  it('a voter whose fsync lied may grant again: the candidates\' side is exempt for it', () => {
    const { world, tel } = setup(3, [{ at: 0, kind: 'fsyncLoss', node: 0, duration: 1_000_000 }]);
    tel(1, 'raft.vote', { from: 0, term: 3, granted: true, pre: false }, 10);
    tel(2, 'raft.vote', { from: 0, term: 3, granted: true, pre: false }, 20);
    expect(world.violations).toEqual([]);
  });

  it('a restart that forgets its vote, its term or a durable entry is caught; one that keeps them passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(0, 'raft.hardstate', hard(3, 1, 1, 2));
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 3, vote: 1, commit: 1, lastIndex: 2, logTerms: '0|1:1' });
    expect(world.violations).toEqual([]);
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 3, vote: -1, commit: 1, lastIndex: 2, logTerms: '0|1:1' });
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 2, vote: -1, commit: 1, lastIndex: 1, logTerms: '0|1:1' });
    expect(world.violations.map((v) => v.message)).toEqual([
      'node 0 restarted in term 3 with vote none, but it had made its vote for node 1 durable',
      'node 0 restarted in term 2, but it had made term 3 durable',
      'node 0 restarted without its durable entry 2 (term 1): its log has nothing there',
    ]);
  });

  it('a restart that brings back a tail an append had replaced (terms that go back) is caught; the replacing log passes', () => {
    const { world, tel } = setup();
    tel(0, 'raft.append', append(1, [1, 1, 1, 1], ['a', 'b', 'c', 'd']));
    tel(0, 'raft.append', append(2, [2], ['e'])); // a new leader's entry overwrote 2..4
    tel(0, 'raft.hardstate', hard(2, 1, 1, 2));
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 2, vote: 1, commit: 1, lastIndex: 2, logTerms: '0|1:1,2:2' });
    expect(world.violations).toEqual([]);
    // Replayed wrongly: the record at 2 replaced entry 2 only, and 3..4 of term 1 came back.
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 2, vote: 1, commit: 1, lastIndex: 4, logTerms: '0|1:1,2:2,3:1' });
    expect(world.violations.map((v) => `${v.check}: ${v.message}`)).toEqual([
      'durability: node 0 restarted with a log whose terms go back: entry 3 has term 1 after term 2 at index 2; a Raft log\'s terms never decrease, so recovery brought back entries an append had replaced (an overwritten tail must stay overwritten on disk)',
    ]);
  });

  it('termsGoBack finds the first run whose term is below the one before it, in any log', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 12 }), (terms) => {
      // Runs of equal terms, as logTerms writes them: a new run wherever the term changes.
      const runs: [number, number][] = [];
      terms.forEach((t, i) => { if (i === 0 || t !== terms[i - 1]) runs.push([i + 1, t]); });
      const k = terms.findIndex((t, i) => i > 0 && t < terms[i - 1]);
      expect(termsGoBack(runs)).toEqual(k < 0 ? null : { index: k + 1, term: terms[k], before: terms[k - 1] });
    }));
  });

  it('what a node wrote while its fsync lied (an fsyncLoss fault) may be lost without a violation', () => {
    const lying = setup(3, [{ at: 100, kind: 'fsyncLoss', node: 0, duration: 100 }]);
    const honest = setup(3, [{ at: 100, kind: 'fsyncLoss', node: 1, duration: 100 }]);
    for (const { tel } of [lying, honest]) {
      tel(0, 'raft.hardstate', hard(1, 1, 0, 0), 50);
      tel(0, 'raft.append', append(1, [2], ['a']), 150);
      tel(0, 'raft.hardstate', hard(2, 2, 0, 1), 150);
      tel(0, 'raft.recovered', { applied: 0, torn: false, term: 1, vote: 1, commit: 0, lastIndex: 0, logTerms: '0|' }, 300);
    }
    expect(lying.world.violations).toEqual([]);
    expect(honest.world.violations.map((v) => v.check)).toEqual(['durability', 'durability']);
  });
});

describe('membership changes', () => {
  it('a retired node (removed and shut down) no longer holds the records back; a lagging member still does', () => {
    const run = (retire: boolean): RaftLogChecks => {
      const { world, checks, tel } = setup();
      for (const n of [0, 1]) {
        tel(n, 'raft.append', append(1, [1, 1, 1], ['a', 'b', 'c']));
        tel(n, 'raft.hardstate', hard(1, 0, 3, 3));
      }
      // Node 2 committed nothing: it was removed from the cluster before it caught up.
      if (retire) world.retire(2);
      tel(0, 'raft.append', append(4, [1], ['d']));
      return checks;
    };
    expect(run(true).recordsFrom).toBe(4);
    expect(run(false).recordsFrom).toBe(1);
  });
});

describe('entry hashes kept as numbers', () => {
  it('two reported hashes get the same code exactly when they are the same text', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz'.split('')), minLength: 0, maxLength: 12 });
    const text = fc.oneof(digits, digits, fc.nat().map((n) => base36(n)), fc.string({ maxLength: 12 }), fc.constant(undefined));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const same = (a ?? '') === (b ?? '');
        expect(hashCode(a) === hashCode(b)).toBe(same);
        expect(Number.isSafeInteger(hashCode(a))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(hashCode('')).toBe(hashCode(undefined));
    expect(hashCode('a')).not.toBe(hashCode('0a'));
  });

  it('a mirror that slid past its window still holds the right terms and hashes for what it commits', () => {
    const n = 2 * MIRROR_ENTRIES_MAX + 10;
    // Entry i (from 1) has term 1 + floor((i - 1) / 7) and its own hash.
    const terms = Array.from({ length: n }, (_, k) => 1 + Math.floor(k / 7));
    const hashes = Array.from({ length: n }, (_, k) => base36(k * 7919));
    const last = terms[n - 1];
    const run = (tailTerms: number[], tail: string[]): string[] => {
      const { world, tel } = setup(2);
      tel(0, 'raft.append', append(1, terms, hashes, last));
      tel(0, 'raft.hardstate', hard(last, 0, n, n));
      // Node 1 took a snapshot up to n - 50, then the last fifty entries: most of them
      // were in node 0's mirror before it slid.
      tel(1, 'raft.snapshot_stored', { index: n - 50, term: terms[n - 51] });
      tel(1, 'raft.append', append(n - 49, tailTerms, tail, last));
      tel(1, 'raft.hardstate', hard(last, 0, n, n));
      return checksOf(world);
    };
    expect(run(terms.slice(n - 50), hashes.slice(n - 50))).toEqual([]);
    const otherHash = hashes.slice(n - 50);
    otherHash[2] = base36(1);
    expect(run(terms.slice(n - 50), otherHash)).toContain('committed-entries');
  });
});

describe('snapshot-sound: a snapshot names the term of the committed entry it ends at', () => {
  it('a compaction that names the node\'s current term for an older-term entry is caught; the entry\'s own term passes', () => {
    const run = (snapTerm: number): string[] => {
      const { world, tel } = setup(2);
      // Entries 1-2 of term 1, entry 3 of term 2; node 0 is in term 2 and has committed all three.
      tel(0, 'raft.append', append(1, [1, 1, 2], ['a', 'b', 'c']));
      tel(0, 'raft.hardstate', hard(2, 0, 3, 3));
      tel(0, 'raft.compacted', { index: 2, term: snapTerm });
      return checksOf(world);
    };
    expect(run(1)).toEqual([]);
    expect(run(2)).toEqual(['snapshot-sound']);
  });

  it('a compaction beyond the commit index is caught', () => {
    const { world, tel } = setup(2);
    tel(0, 'raft.append', append(1, [1, 1], ['a', 'b']));
    tel(0, 'raft.hardstate', hard(1, 0, 1, 2));
    tel(0, 'raft.compacted', { index: 2, term: 1 });
    expect(checksOf(world)).toEqual(['snapshot-sound']);
  });

  it('after a restart the recovered log (terms only) still judges a compaction; one the checker cannot see is inconclusive, not a pass', () => {
    const { world, tel } = setup(2);
    tel(0, 'raft.recovered', { applied: 0, torn: false, term: 3, vote: -1, commit: 4, lastIndex: 4, logTerms: '0|1:1,3:3' });
    tel(0, 'raft.compacted', { index: 3, term: 1 });
    expect(checksOf(world)).toEqual(['snapshot-sound']);
    const blind = setup(2);
    blind.tel(0, 'raft.recovered', { applied: 0, torn: false, term: 3, vote: -1, commit: 4, lastIndex: 4, logTerms: '2|3:3' });
    blind.tel(0, 'raft.compacted', { index: 2, term: 3 });
    blind.world.concludeChecks();
    expect(blind.world.violations).toEqual([]);
    expect(blind.world.inconclusive.map((i) => i.check)).toContain('snapshot-sound');
  });
});
