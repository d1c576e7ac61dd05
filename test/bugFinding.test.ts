// Goal: the invariants checked as the run goes catch real Raft bugs end to end, from a
// catalogue scenario and a seed, and pass the same run with the correct Raft. Each built-in
// bug flag below breaks one rule the new checks guard (sim/check/raftLogChecks.ts,
// sim/check/leaderChurn.ts); the seeds are the first failing ones that `npm run bughunt`
// found (docs/bugfinding.md). Method: runScenario in-process, as `faultline run` does.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { RaftKvScenario } from '../sim/workloads/raftKv.ts';
import type { RaftSpec } from '../sim/workloads/kvSections.ts';

function withBug(name: string, bug: RaftSpec['bugs'][number] | null): Scenario {
  const s = catalogScenario(name) as RaftKvScenario;
  return { ...s, raft: { ...s.raft, bugs: bug === null ? [] : [bug] } } as Scenario;
}

function checksOf(name: string, seed: number, bug: RaftSpec['bugs'][number] | null): string[] {
  const r = runScenario(materialize(withBug(name, bug), seed), seed).report;
  return [...new Set(r.violations.map((v) => v.check))];
}

describe('bugs the catalogue finds with the new checks', () => {
  const cases: [RaftSpec['bugs'][number], string, number, string][] = [
    ['forgetVoteOnRestart', 'node-crash-leader', 1, 'durability'],
    ['commitRegress', 'node-crash-leader', 1, 'commit-monotonic'],
    ['matchRegress', 'node-crash-leader', 3, 'match-monotonic'],
    ['heartbeatNoTimerReset', 'node-crash-leader', 1, 'leader-churn'],
    // A deposed leader that keeps its lease serves stale reads once deafenOn cuts it off at the handover.
    ['leaseKeptOnTransfer', 'raft-transfer-lease', 1, 'linearizability'],
    // Learners counted toward the commit quorum: an entry "committed" on a minority of voters is lost to the next leader.
    ['learnersInQuorum', 'raft-membership', 23, 'committed-entries'],
    // The protocol swarm's step-by-step replication with the Figure 8 nemesis (raftSwarm.ts).
    ['commitOldTermByCounting', 'swarm-raft-aimed', 15, 'committed-entries'],
    // A follower acknowledging its whole log instead of what the append proved.
    ['ackLastIndex', 'swarm-raft-aimed', 1, 'ack-sound'],
    // A new leader serving reads before its first commit: no stale value showed in 100 seeds,
    // but the read index falls below what the old leader had committed.
    ['readBeforeTermCommit', 'swarm-raft-aimed', 3, 'read-index-sound'],
    // A candidate counting a grant from its previous campaign: no second leader showed in
    // 100 seeds, but a leader was elected without a quorum of its own term's votes.
    ['votesKeptAcrossCampaigns', 'swarm-raft-aimed', 10, 'vote-sound'],
    // A pre-vote that moves its receivers' terms: terms nobody campaigned for, from seed 1 on.
    ['preVoteMovesTerm', 'raft-kv-basic', 1, 'term-sound'],
    // A leader taking a conf change while the last one is uncommitted: only an operator
    // faster than a commit (on a slow disk) asks for one then.
    ['confChangeWhilePending', 'raft-membership-rapid', 1, 'conf-one-at-a-time'],
    // A write's completion taken as durable for entries a new leader put in its place.
    ['stableWithoutTermCheck', 'node-stale-write', 1, 'match-sound'],
    // CheckQuorum's guard removed: a node that hears its leader takes a candidate's term.
    ['votesWhileLed', 'swarm-raft-aimed', 4, 'leader-sticky'],
    // A lease not shortened for the drift bound: a wide bound makes the excess long.
    ['leaseIgnoresDrift', 'swarm-raft-lease-drift', 2, 'read-leader-sound'],
    // The election restriction checked at the grant itself, before any entry is lost.
    ['voteWithoutLogCheck', 'swarm-raft-aimed', 2, 'vote-up-to-date'],
    // A learner that campaigns.
    ['learnersCampaign', 'raft-membership', 1, 'campaign-voter'],
    // A leader that never finds its quorum missing: cut off, it leads on.
    ['checkQuorumNeverResets', 'net-leader-isolated', 1, 'check-quorum'],
    // A snapshot taken at a conf entry that records the configuration before it.
    ['snapshotConfBehind', 'raft-membership', 1, 'membership'],
    // Each lease bug, at the read it serves without a basis (read-basis), before any stale value shows.
    ['leaseIgnoresDrift', 'swarm-raft-lease', 1, 'read-basis'],
    ['leaseWithoutQuorumRound', 'swarm-raft-lease', 1, 'read-basis'],
    ['leaseKeptOnTransfer', 'raft-transfer-lease', 1, 'read-basis'],
    // The same election timeout everywhere: over links of one fixed latency the followers
    // time out together and split the vote for ever (liveness; 100 of seeds 1..100).
    ['electionNotRandomized', 'net-wan-leader-crash', 1, 'liveness'],
    // An election that needs every voter: safe, and after the faults heal as live as the
    // correct Raft, but no leader while one voter is cut off (50 of seeds 1..50).
    ['electionNeedsEveryVoter', 'net-leader-isolated', 1, 'quorum-liveness'],
    // A lease counted from the answer's arrival, not the round's sending: on links slow
    // against the tick it outlasts its basis (14 of seeds 1..20; 0 of 60 on fast links).
    ['leaseFromAnswer', 'swarm-raft-lease-slowlink', 2, 'read-basis'],
    // A restarted server's lease guard that lasts heartbeatTicks, not an election timeout:
    // it adopts a candidate's term while a lease may still count on it (8 of seeds 1..25).
    ['restartGuardShort', 'swarm-raft-lease', 3, 'leader-sticky'],
    // A raft.log replay in which an entry record replaces only its own index: a crash the
    // instant an append overwrote an old leader's tail (crashOn truncate) brings the rest of
    // that tail back behind the new entries, terms going back (10 of seeds 1..20).
    ['replayKeepsTail', 'node-crash-truncate', 2, 'durability'],
    // A snapshot restore that loses the sessions' order of use: with fewer sessions than
    // clients the restored replica evicts another client than the others (17 of seeds 1..20).
    ['restoreSessionsById', 'raft-kv-sessions', 1, 'state-agreement'],
    // An up-to-date test that needs both the last term and the last index: safe, so no safety
    // check sees it; refused at the (pre-)vote a free voter owed a newer, shorter log
    // (vote-due; 14 of seeds 1..20 of raft-vote-due, 1 of 20 of node-figure8).
    ['upToDateNeedsBoth', 'raft-vote-due', 1, 'vote-due'],
    ['upToDateNeedsBoth', 'node-figure8', 13, 'vote-due'],
    // A transfer's target that campaigns without the transfer's context: the followers, who
    // still hear the leader, ignore it and the transfer is abandoned (15 of seeds 1..20 of
    // raft-membership, 16 of raft-transfer-lease).
    ['transferWithoutContext', 'raft-membership', 1, 'transfer-completes'],
    // A compaction that names the node's term for an older entry: no check compared a
    // snapshot's term with its entry's, and none failed in 100 runs of five scenarios (4 of seeds 1..10 now).
    ['snapshotTermFromNode', 'swarm-raft-aimed', 3, 'snapshot-sound'],
    // A state machine that opens an unknown session instead of answering session-expired: a
    // late duplicate of a write applied before its session was evicted is applied again
    // (6 of seeds 1..20 of raft-kv-sessions-chaos; 0 of 80 of the older session scenarios).
    ['unknownSessionApplied', 'raft-kv-sessions-chaos', 4, 'exactly-once'],
    // A leader that files waiting writes under the session alone answers a write with the
    // result of an earlier one's duplicate: the server half of answer-sound (6 of seeds 1..20).
    ['waitingBySession', 'net-client-chaos', 3, 'answer-sound'],
    // A new leader that appends no empty entry of its term: safe, and the clients' writes
    // commit the term soon after, but a leader with a calm quorum commits nothing of its term
    // until they come (20 of seeds 1..20 of raft-membership; quorum-liveness 1 of 100 before).
    ['noEmptyEntryOnElection', 'raft-membership', 1, 'leader-commits-term'],
    ['noEmptyEntryOnElection', 'node-crash-leader', 2, 'leader-commits-term'],
    // A pre-vote granted without the up-to-date test: a stale node passes PreVote; no check
    // judged pre-vote grants (0 of 100 with the outside patch; vote-up-to-date 9 of 20 now).
    ['preVoteWithoutLogCheck', 'swarm-raft-aimed', 2, 'vote-up-to-date'],
    // A client that takes a session-expired answer as a failure: a write applied before its
    // session was evicted is reported failed (fail-sound; 3 of seeds 1..20; 0 of 80 before).
    ['expiredAsFailure', 'raft-kv-sessions', 10, 'fail-sound'],
    // A leader stepping down under CheckQuorum that keeps itself as the leader it knows
    // (lead-sound; 20 of seeds 1..20 of net-leader-isolated; 0 of 100 before).
    ['stepDownNamesSelf', 'net-leader-isolated', 1, 'lead-sound'],
    // A transfer never abandoned: a leader whose target is down or cut off refuses writes
    // until it returns (transfer-bounded; 6 of seeds 1..20 of raft-membership; 0 of 80 before).
    ['transferNeverAbandoned', 'raft-membership', 3, 'transfer-bounded'],
    // A full in-flight window a heartbeat's answer never frees: appends lost while a follower
    // was down keep it full, and the leader sends that follower nothing again (replication-
    // progress; 17 of seeds 1..20 of node-crash-follower; 0 of 100 before).
    ['inflightNeverFreed', 'node-crash-follower', 1, 'replication-progress'],
    // A snapshot in the snapshot state never retried: a follower whose snapshot was lost is
    // left behind while the leader leads (replication-progress; 8 of seeds 1..20 of
    // raft-membership-snapshots; 0 of 100 before).
    ['snapshotNeverRetried', 'raft-membership-snapshots', 2, 'replication-progress'],
    // A voter that restarts its election timer when it refuses a vote or pre-vote: it campaigns
    // late, or never while a stale node keeps asking (campaign-due; 13 of seeds 1..20 of
    // raft-vote-due with the outside patch; check-quorum 1 of 100 before).
    ['refusalResetsTimer', 'raft-vote-due', 1, 'campaign-due'],
    // A client that keeps a session the servers expired: its writes all end unknown while its
    // reads succeed (quorum-liveness per client; 20 of seeds 1..20 of raft-kv-sessions; 0 of 80 before).
    ['keepsExpiredSession', 'raft-kv-sessions', 1, 'quorum-liveness'],
  ];
  for (const [bug, scenario, seed, check] of cases) {
    it(`${bug}: ${scenario} seed ${seed} fails ${check}; the correct Raft passes it`, () => {
      expect(checksOf(scenario, seed, bug)).toContain(check);
      expect(checksOf(scenario, seed, null)).toEqual([]);
    });
  }
});
