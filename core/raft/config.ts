// Configuration of one Raft node, validated at construction with clear messages.
//
// Contract: validateConfig throws an Error naming the offending field; a config that passes
// is used unchanged. Limits that bound every internal queue live here in one place.

import type { Random } from '../env.ts';

/** Test-only switches that deliberately break safety, so tests can show the checks catch them. */
export interface RaftBugs {
  /** Leader commits entries of earlier terms by counting replicas (the Figure 8 mistake). */
  commitOldTermByCounting?: boolean;
  /** Voters grant votes without the §5.4.1 up-to-date log check. */
  voteWithoutLogCheck?: boolean;
  /**
   * The lease of 'lease' reads is CheckQuorum alone, as before issue 13: the leader answers
   * reads whenever it believes it leads, so one cut off from its followers keeps answering
   * for up to two election timeouts while the others elect a new leader after about one.
   */
  leaseWithoutQuorumRound?: boolean;
  /** A restarted node forgets whom it voted for in its current term (votedFor not durable). */
  forgetVoteOnRestart?: boolean;
  /** A follower takes the commit index a heartbeat carries even when it is below its own. */
  commitRegress?: boolean;
  /** The leader takes a follower's acknowledged index as its match even when it is lower (a stale ack). */
  matchRegress?: boolean;
  /** A follower acknowledges its whole log's last index, not the last entry the MsgApp proved matching. */
  ackLastIndex?: boolean;
  /** A follower does not restart its election timer on a heartbeat, only on appends. */
  heartbeatNoTimerReset?: boolean;
  /**
   * A leader handing over leadership keeps its read lease: it tells the target to campaign
   * (MsgTimeoutNow, whose forced election overrides the followers' CheckQuorum protection)
   * and goes on answering lease reads until it hears of the new term.
   */
  leaseKeptOnTransfer?: boolean;
  /** The leader counts learners' replicas toward the commit quorum, as if they were voters. */
  learnersInQuorum?: boolean;
  /**
   * A new leader serves reads before it has committed an entry of its own term: its commit
   * index may still lag what its predecessor committed (thesis §6.4, step 1 of ReadIndex).
   */
  readBeforeTermCommit?: boolean;
  /**
   * A candidate that campaigns again keeps the votes of its last campaign (its vote tally is
   * reset only when it was not a candidate), so a grant from an earlier term, or a refusal,
   * counts in the new one.
   */
  votesKeptAcrossCampaigns?: boolean;
  /** A node that receives a pre-vote request moves to the term it asks about, as a real vote request would make it. */
  preVoteMovesTerm?: boolean;
  /** The leader accepts a configuration change while the previous one is still uncommitted (thesis §4.1). */
  confChangeWhilePending?: boolean;
  /**
   * A write's completion marks entries durable up to its last index without checking that
   * the entry there is still the one written (etcd's stableTo checks the term): entries a new
   * leader put in place of a write in flight are then taken as durable and never written.
   */
  stableWithoutTermCheck?: boolean;
  /**
   * Under CheckQuorum, a node that hears from its leader still takes a vote request's higher
   * term (and may grant it): the guard of thesis §4.2.3 removed, so a node cut off from the
   * leader alone deposes it, and a lease read can outlive the leadership it rests on.
   */
  votesWhileLed?: boolean;
  /** The lease lasts electionTicks - 1 ticks of the leader's clock, not shortened for the clock drift bound (clockDriftMax). */
  leaseIgnoresDrift?: boolean;
  /** A learner counts as promotable: it campaigns when it stops hearing a leader, as a voter does. */
  learnersCampaign?: boolean;
  /** The leader never clears its followers' recent-activity marks, so CheckQuorum never finds a quorum missing and a cut-off leader keeps leading. */
  checkQuorumNeverResets?: boolean;
  /** A snapshot taken exactly at a conf entry records the configuration before that entry: a node restored from it is one change behind. */
  snapshotConfBehind?: boolean;
  /**
   * Every election timeout is exactly electionTicks, not drawn from [electionTicks,
   * 2 * electionTicks) (§5.2): followers that lost their leader at the same moment time out
   * together, all campaign, split the vote, and do it again, for ever when nothing else
   * tells them apart (links of one fixed latency).
   */
  electionNotRandomized?: boolean;
  /**
   * A candidate wins only with the grants of every voter, not a majority (a quorum off by
   * its meaning): safe, but a cluster with one voter down or cut off elects no leader until
   * that voter is back.
   */
  electionNeedsEveryVoter?: boolean;
  /**
   * The lease runs from the tick at which a quorum's answer to a round arrived, not from the
   * tick the round was sent: a heartbeat's delay in flight is added to the lease, so with
   * links slow against the tick a lease outlasts the followers' promise not to vote.
   */
  leaseFromAnswer?: boolean;
  /**
   * A restarted node's lease guard (it ignores vote requests for its first election timeout,
   * since it may have answered the round a lease rests on just before it went down) lasts
   * only heartbeatTicks: it may vote for a candidate while that lease still runs.
   */
  restartGuardShort?: boolean;
  /**
   * The up-to-date test (§5.4.1) asks that both the candidate's last term and its last index
   * be at least the voter's: stricter than the paper, so safe, but a candidate with a newer
   * last term and a shorter log is refused, and an election may be lost that was due.
   */
  upToDateNeedsBoth?: boolean;
  /**
   * A transfer's target campaigns on MsgTimeoutNow as on an election timeout (PreVote first
   * when it is on), without the transfer's context: under CheckQuorum the followers, who
   * still hear the leader, ignore it, and the transfer is abandoned.
   */
  transferWithoutContext?: boolean;
  /**
   * A snapshot taken by compaction names the node's current term for its last entry instead
   * of that entry's own term: when the entry is older than the term (a compaction soon after
   * an election), the log that continues the snapshot, the node's own or a follower's that
   * installs it, takes a wrong term for its previous entry.
   */
  snapshotTermFromNode?: boolean;
  /**
   * A new leader appends no empty entry of its term (§8): safe, since ReadIndex and conf
   * changes wait for the term's first commit, but the leader commits nothing, and so learns
   * nothing of what is committed, until a client proposes.
   */
  noEmptyEntryOnElection?: boolean;
  /**
   * A pre-vote is granted without the up-to-date test (thesis §9.6 asks the same test as a
   * vote): a node with a stale log passes PreVote, and its election, which it cannot win,
   * moves the voters' terms and deposes a leader PreVote should have protected.
   */
  preVoteWithoutLogCheck?: boolean;
  /**
   * A leader that steps down under CheckQuorum keeps itself as the leader it knows: it
   * redirects clients to itself, and for an election timeout ignores vote requests as if it
   * still heard a leader.
   */
  stepDownNamesSelf?: boolean;
  /**
   * A transfer that has not completed within an election timeout is not abandoned: the
   * leader refuses proposals until its target catches up and wins, which a target that is
   * down or cut off never does.
   */
  transferNeverAbandoned?: boolean;
  /**
   * A heartbeat's answer never frees a slot of a full in-flight window (etcd-io/raft frees
   * the oldest, since the follower is alive and an append must have been lost): appends a
   * partition or a crash swallowed keep the window full for good, and the leader never sends
   * that follower anything again while it leads.
   */
  inflightNeverFreed?: boolean;
  /**
   * A follower in the snapshot state is never probed again: the leader does not count the
   * ticks since it sent the snapshot, so a snapshot lost on the way (the follower cut off or
   * down as it went) is waited for as long as the leader leads, and the follower gets nothing.
   */
  snapshotNeverRetried?: boolean;
  /**
   * A voter restarts its election timer when it refuses a vote or a pre-vote, as when it
   * grants one (Figure 2 restarts it only for the leader's appends and a vote granted): a
   * stale node that keeps asking keeps the others from campaigning, and a cluster that lost
   * its leader may elect none for a long time.
   */
  refusalResetsTimer?: boolean;
}

/** Every RaftBugs flag, for hosts that pass them through. */
export const RAFT_BUG_NAMES = ['commitOldTermByCounting', 'voteWithoutLogCheck', 'leaseWithoutQuorumRound', 'forgetVoteOnRestart', 'commitRegress', 'matchRegress', 'ackLastIndex', 'heartbeatNoTimerReset', 'leaseKeptOnTransfer', 'learnersInQuorum', 'readBeforeTermCommit', 'votesKeptAcrossCampaigns', 'preVoteMovesTerm', 'confChangeWhilePending', 'stableWithoutTermCheck', 'votesWhileLed', 'leaseIgnoresDrift', 'learnersCampaign', 'checkQuorumNeverResets', 'snapshotConfBehind', 'electionNotRandomized', 'electionNeedsEveryVoter', 'leaseFromAnswer', 'restartGuardShort', 'upToDateNeedsBoth', 'transferWithoutContext', 'snapshotTermFromNode', 'noEmptyEntryOnElection', 'preVoteWithoutLogCheck', 'stepDownNamesSelf', 'transferNeverAbandoned', 'inflightNeverFreed', 'snapshotNeverRetried', 'refusalResetsTimer'] as const satisfies readonly (keyof RaftBugs)[];

/**
 * The default clock drift bound for lease reads: any clock runs at most 10% faster than any
 * other. Real quartz clocks differ by well under 0.1% (NTP slews at most 500 ppm), so this
 * leaves a wide margin while costing a lease only a tenth of its length; a simulated drift
 * beyond the bound (the catalogue drifts clocks by up to 30%) needs a larger setting or
 * 'safe' reads.
 */
export const CLOCK_DRIFT_MAX_DEFAULT = 0.1;

export interface RaftConfig {
  id: number;
  /** Followers campaign after a randomized timeout in [electionTicks, 2*electionTicks). */
  electionTicks: number;
  /** The leader sends heartbeats every heartbeatTicks; must be below electionTicks. */
  heartbeatTicks: number;
  random: Random;
  preVote: boolean;
  checkQuorum: boolean;
  /** Maximum MsgApp in flight to one follower in the replicate state. */
  maxInflight: number;
  /** Maximum entries carried by one MsgApp. */
  maxEntriesPerMsg: number;
  /**
   * 'safe': every read takes a heartbeat round (ReadIndex). 'lease': reads are answered
   * from the leader's lease (lease.ts) while it holds, by ReadIndex otherwise; requires
   * checkQuorum.
   */
  readOnly: 'safe' | 'lease';
  /**
   * The clock drift bound of lease reads (thesis §6.4.1): how much faster, as a fraction,
   * any node's clock may run than any other's (0.1: at most 10% faster). The lease is
   * shortened by the factor 1 + clockDriftMax. Default CLOCK_DRIFT_MAX_DEFAULT.
   */
  clockDriftMax?: number;
  bugs?: RaftBugs;
}

/** Upper bounds on every queue the state machine keeps. */
export const LIMITS = {
  /** Outbound messages buffered between two Ready calls; more are dropped like a full NIC. */
  messagesMax: 8192,
  /** Uncommitted entries a leader accepts before refusing proposals. */
  uncommittedEntriesMax: 10_000,
  /** Pending ReadIndex requests on a leader. */
  pendingReadsMax: 1024,
  /** ReadStates buffered for the application between two Ready calls. */
  readStatesMax: 1024,
  /** Committed entries handed out in one Ready. */
  committedPerReadyMax: 4096,
} as const;

function positiveInt(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) {
    throw new Error(`raft config: ${name} must be a positive integer, got ${String(v)}`);
  }
}

export function validateConfig(cfg: RaftConfig): void {
  if (!Number.isSafeInteger(cfg.id) || cfg.id < 0) {
    throw new Error(`raft config: id must be a non-negative integer, got ${String(cfg.id)}`);
  }
  positiveInt('electionTicks', cfg.electionTicks);
  positiveInt('heartbeatTicks', cfg.heartbeatTicks);
  positiveInt('maxInflight', cfg.maxInflight);
  positiveInt('maxEntriesPerMsg', cfg.maxEntriesPerMsg);
  if (cfg.heartbeatTicks >= cfg.electionTicks) {
    throw new Error('raft config: heartbeatTicks must be below electionTicks');
  }
  if (cfg.readOnly !== 'safe' && cfg.readOnly !== 'lease') {
    throw new Error(`raft config: readOnly must be 'safe' or 'lease', got ${String(cfg.readOnly)}`);
  }
  const drift = cfg.clockDriftMax ?? CLOCK_DRIFT_MAX_DEFAULT;
  if (!(Number.isFinite(drift) && drift >= 0 && drift <= 10)) {
    throw new Error(`raft config: clockDriftMax must be a number in [0, 10], got ${String(cfg.clockDriftMax)}`);
  }
  if (cfg.readOnly === 'lease' && !cfg.checkQuorum) {
    throw new Error("raft config: readOnly 'lease' requires checkQuorum");
  }
}
