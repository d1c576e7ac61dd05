// The Raft state machine: roles, terms, the log and the leader's view of its followers.
//
// Contract: synchronous and sans-IO. Inputs are tick(), step(message) and the local
// requests; outputs accumulate in `msgs` and `readStates` and in the log's unstable part,
// and RawNode turns them into Ready batches. Message handling per role lives in
// stepLeader.ts, stepFollower.ts and election.ts; this file owns state and transitions.
//
// Membership: a conf entry takes effect on a node when that node learns it is committed
// (etcd applies on apply; we apply on commit, which is the same point for this synchronous
// core). Only one conf change may be uncommitted at a time, and a new leader may not
// propose one before an entry of its own term is committed (the fix for the single-server
// change bug in the Raft thesis errata).

import { CLOCK_DRIFT_MAX_DEFAULT, LIMITS, validateConfig, type RaftBugs, type RaftConfig } from './config.ts';
import { applyConfChange, decodeConfChange, encodeConfChange, normalizeConf, type ConfChange } from './confChange.ts';
import { campaign, TRANSFER_CONTEXT } from './election.ts';
import { RaftCounters } from './counters.ts';
import { LeaderLease, leaseDurationTicks } from './lease.ts';
import { RaftLog } from './raftLog.ts';
import { ReadOnly } from './readOnly.ts';
import { releasePendingReads } from './readIndex.ts';
import { bcastAppend, bcastHeartbeat } from './replication.ts';
import { stepFollower, stepCandidate } from './stepFollower.ts';
import { stepLeader } from './stepLeader.ts';
import { ProgressTracker } from './tracker.ts';
import {
  NONE,
  type ConfState,
  type Entry,
  type EntryType,
  type HardState,
  type LogIndex,
  type Message,
  type ReadState,
  type Ready,
  type Role,
  type Snapshot,
  type SoftState,
  type Term,
} from './types.ts';

/** What a node starts from: the durable state recovered from disk, or a fresh cluster's config. */
export interface RaftRestore {
  hardState: HardState;
  snapshot?: Snapshot;
  entries: Entry[];
  /** The initial configuration, used when there is no snapshot. */
  conf: ConfState;
  /** The index the application has already applied durably; defaults to the snapshot index. */
  applied?: LogIndex;
}

/** Messages that forward a request to the leader carry term 0 and skip term checks. */
const FORWARD_TYPES = new Set(['MsgProp', 'MsgReadIndex', 'MsgTransferLeader']);

type Outgoing = Omit<Message, 'from' | 'term'> & { term?: Term };

interface ConfPoint {
  index: LogIndex;
  conf: ConfState;
}

export class Raft {
  readonly id: number;
  readonly cfg: RaftConfig;
  readonly bugs: RaftBugs;
  /** Invariant: term >= log.lastTerm(). */
  term: Term;
  /** Invariant: vote is NONE or the node this node voted for in `term`. */
  vote: number;
  lead: number = NONE;
  role: Role = 'follower';
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly readOnly: ReadOnly;
  /** The read lease while leading in 'lease' mode; reset with every role change. */
  readonly lease: LeaderLease;
  /**
   * tick() calls since this node started: the node's clock as Raft sees it, driven by the
   * host (core/kv/server.ts maps its clock to ticks). The lease is measured on it.
   */
  tickCount = 0;
  /** Started with a term on disk: this node may have answered some leader before (re)starting. */
  private readonly restarted: boolean;
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Reads that arrived before the leader committed an entry of its term. Bounded. */
  pendingReads: { from: number; ctx: string }[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: number = NONE;
  /** A conf change may be proposed only once `committed >= pendingConfIndex`. */
  pendingConfIndex: LogIndex = 0;
  droppedMessageCount = 0;
  /** What this node did, for telemetry; counting never changes behaviour. */
  readonly counters = new RaftCounters();
  /** Conf entries up to this index have been applied to `tracker`. */
  private confAppliedIndex: LogIndex;
  /** The configuration in force after each applied conf entry since the last snapshot. */
  private confHistory: ConfPoint[];

  constructor(cfg: RaftConfig, restore: RaftRestore) {
    validateConfig(cfg);
    this.id = cfg.id;
    this.cfg = cfg;
    this.bugs = cfg.bugs ?? {};
    const base = normalizeConf(restore.snapshot?.meta.conf ?? restore.conf);
    const hs = restore.hardState;
    this.log = new RaftLog(restore.snapshot, restore.entries, hs.commit, restore.applied ?? 0);
    this.tracker = new ProgressTracker(base, this.log.lastIndex() + 1, cfg.maxInflight);
    this.tracker.learnersInQuorum = this.bugs.learnersInQuorum === true;
    this.tracker.everyVoterToWin = this.bugs.electionNeedsEveryVoter === true;
    this.readOnly = new ReadOnly(LIMITS.pendingReadsMax);
    const driftMax = this.bugs.leaseIgnoresDrift === true ? 0 : cfg.clockDriftMax ?? CLOCK_DRIFT_MAX_DEFAULT;
    this.lease = new LeaderLease(leaseDurationTicks(cfg.electionTicks, driftMax));
    this.confAppliedIndex = this.log.snapshotIndex();
    this.confHistory = [{ index: this.log.snapshotIndex(), conf: base }];
    this.term = Math.max(hs.term, this.log.lastTerm());
    this.restarted = this.term > 0;
    this.vote = hs.term === this.term && this.bugs.forgetVoteOnRestart !== true ? hs.vote : NONE;
    this.applyCommittedConf();
    this.becomeFollower(this.term, NONE);
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  promotable(): boolean {
    const member = this.bugs.learnersCampaign === true ? this.tracker.progress.has(this.id) : this.tracker.isVoter(this.id);
    return member && this.log.pendingSnapshot === undefined;
  }

  send(m: Outgoing): void {
    if (m.to === this.id) throw new Error('raft: a node never sends to itself');
    if (this.msgs.length >= LIMITS.messagesMax) {
      this.droppedMessageCount++;
      return;
    }
    const term = m.term ?? (FORWARD_TYPES.has(m.type) ? 0 : this.term);
    // Every caller builds a fresh literal, so completing it in place is safe, and much
    // cheaper than a spread over objects of many shapes (this was the hottest line of an
    // idle cluster). Key order matches what `{ ...m, from, term }` would give.
    const out = m as Message;
    out.from = this.id;
    out.term = term;
    this.msgs.push(out);
    const c = this.counters;
    if (out.type === 'MsgApp') c.appendsSent++;
    else if (out.type === 'MsgHeartbeat') c.heartbeatsSent++;
    else if (out.type === 'MsgSnap') c.snapshotsSent++;
    else if (out.type === 'MsgAppResp' && out.reject === true) c.appendsRejected++;
  }

  pushReadState(rs: ReadState): void {
    if (this.readStates.length < LIMITS.readStatesMax) this.readStates.push(rs);
  }

  // ---- role transitions ----

  private reset(term: Term): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    if (!(this.bugs.votesKeptAcrossCampaigns === true && this.role === 'candidate')) this.tracker.resetVotes();
    const next = this.log.lastIndex() + 1;
    for (const [id, pr] of this.tracker.progress) {
      pr.reset(next, id === this.id ? this.log.stabled : 0);
      pr.recentActive = id === this.id;
    }
    this.readOnly.reset();
    this.lease.reset();
    this.pendingReads = [];
  }

  private resetRandomizedElectionTimeout(): void {
    const e = this.cfg.electionTicks;
    const spread = this.cfg.random.int(e);
    this.randomizedElectionTimeout = this.bugs.electionNotRandomized === true ? e : e + spread;
  }

  becomeFollower(term: Term, lead: number): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  becomePreCandidate(): void {
    if (this.role === 'leader') throw new Error('raft: leader cannot become pre-candidate');
    // A pre-candidate keeps its term and vote; it only asks whether it could win.
    this.tracker.resetVotes();
    this.lead = NONE;
    this.role = 'precandidate';
    this.resetRandomizedElectionTimeout();
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw new Error('raft: leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomeLeader(): void {
    if (this.role !== 'candidate') throw new Error(`raft: ${this.role} cannot become leader`);
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.tracker.progress.get(this.id)?.becomeReplicate();
    // The empty entry lets the leader commit (and so learn the commit index of) its term.
    if (this.bugs.noEmptyEntryOnElection !== true) this.appendEntries([{ type: 'normal', data: '' }], true);
    this.pendingConfIndex = this.log.lastIndex();
  }

  // ---- inputs ----

  tick(): void {
    this.tickCount++;
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /**
   * How many more tick() calls until one of them can act (campaign, heartbeat, a
   * CheckQuorum round). Ticks before that only advance counters, so a host may deliver them
   * late and in a batch, just before the next input, without changing behaviour. Always
   * at least 1.
   */
  ticksUntilAction(): number {
    if (this.role === 'leader') {
      return Math.max(1, Math.min(this.cfg.heartbeatTicks - this.heartbeatElapsed, this.cfg.electionTicks - this.electionElapsed));
    }
    if (!this.promotable()) return this.cfg.electionTicks;
    return Math.max(1, this.randomizedElectionTimeout - this.electionElapsed);
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      campaign(this, this.cfg.preVote ? 'pre' : 'election');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.tracker.quorumActive(this.id)) {
        this.becomeFollower(this.term, this.bugs.stepDownNamesSelf === true ? this.id : NONE);
        return;
      }
      if (this.bugs.checkQuorumNeverResets !== true) for (const [id, pr] of this.tracker.progress) pr.recentActive = id === this.id;
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.bugs.transferNeverAbandoned !== true) this.leadTransferee = NONE;
    }
    for (const pr of this.tracker.progress.values()) {
      if (pr.state === 'snapshot' && this.bugs.snapshotNeverRetried !== true) pr.snapshotWaitTicks++;
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this, this.readOnly.lastPendingCtx());
    }
  }

  step(m: Message): void {
    if (m.to !== this.id || m.from === this.id) return;
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.term && !(m.term === 0 && FORWARD_TYPES.has(m.type))) {
      this.answerStale(m);
      return;
    }
    if (this.role === 'leader') stepLeader(this, m);
    else if (this.role === 'follower') stepFollower(this, m);
    else stepCandidate(this, m);
  }

  /** Returns false when a higher-term message must be ignored. */
  private acceptHigherTerm(m: Message): boolean {
    const isVoteRequest = m.type === 'MsgVote' || m.type === 'MsgPreVote';
    if (isVoteRequest) {
      const force = m.context === TRANSFER_CONTEXT;
      // CheckQuorum: while we hear from a leader, a disruptive candidate is ignored.
      if (this.cfg.checkQuorum && !force && ((this.bugs.votesWhileLed !== true && this.hearsLeader()) || this.justStarted())) return false;
    }
    if (m.type === 'MsgPreVote') {
      if (this.bugs.preVoteMovesTerm === true) this.becomeFollower(m.term, NONE);
      return true;
    }
    if (m.type === 'MsgPreVoteResp' && m.reject !== true) return true;
    const fromLeader = m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
    this.becomeFollower(m.term, fromLeader ? m.from : NONE);
    return true;
  }

  private hearsLeader(): boolean {
    return this.lead !== NONE && this.electionElapsed < this.cfg.electionTicks;
  }

  /**
   * With lease reads, a restarted node may have answered a leader's heartbeat just before it
   * went down, and so be part of the quorum behind that leader's lease; it forgot when, so
   * for its first election timeout it acts as if it still heard from a leader. (A node that
   * answered any leader has a term on disk: the term is persisted before the answer is sent.
   * A brand-new cluster has none, so its first election is not delayed.)
   */
  private justStarted(): boolean {
    if (this.cfg.readOnly !== 'lease' || this.bugs.leaseWithoutQuorumRound === true) return false;
    return this.restarted && this.tickCount < (this.bugs.restartGuardShort === true ? this.cfg.heartbeatTicks : this.cfg.electionTicks);
  }

  private answerStale(m: Message): void {
    if (m.type === 'MsgHeartbeat') this.counters.heartbeatsRejected++;
    if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
      // A stale leader learns our term from this and steps down, instead of lingering.
      this.send({ type: 'MsgAppResp', to: m.from });
    } else if (m.type === 'MsgPreVote') {
      this.send({ type: 'MsgPreVoteResp', to: m.from, reject: true });
    }
  }

  // ---- log and commit ----

  /** Appends entries of the current term; refuses when too many are uncommitted. */
  appendEntries(items: readonly { type: EntryType; data: string }[], force = false): boolean {
    const last = this.log.lastIndex();
    if (!force && last - this.log.committed + items.length > LIMITS.uncommittedEntriesMax) return false;
    const ents = items.map((it, i): Entry => ({ term: this.term, index: last + 1 + i, type: it.type, data: it.data }));
    this.log.append(ents);
    return true;
  }

  commitTo(i: LogIndex): void {
    if (this.log.commitTo(i)) this.applyCommittedConf();
  }

  /** Leader: commits the quorum index if it is of the current term (§5.4.2). */
  maybeCommit(): boolean {
    let advanced = false;
    while (this.role === 'leader') {
      const mci = this.tracker.committedIndex();
      if (mci <= this.log.committed) break;
      if (this.bugs.commitOldTermByCounting !== true && this.log.term(mci) !== this.term) break;
      this.commitTo(mci);
      advanced = true;
    }
    if (advanced && this.role === 'leader') releasePendingReads(this);
    return advanced;
  }

  committedInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  /** Called when entries up to (index, term) are durable on this node. */
  onStable(index: LogIndex, term: Term): void {
    if (!this.log.stableTo(index, term, this.bugs.stableWithoutTermCheck !== true) || this.role !== 'leader') return;
    // The leader counts itself toward a quorum only for what it has persisted.
    this.tracker.progress.get(this.id)?.maybeUpdate(this.log.stabled);
    if (this.maybeCommit() && this.role === 'leader') bcastAppend(this);
  }

  // ---- membership ----

  proposeConfChange(cc: ConfChange): boolean {
    if (this.role !== 'leader' || this.leadTransferee !== NONE) return false;
    if (this.bugs.confChangeWhilePending !== true && this.log.committed < this.pendingConfIndex) return false;
    if (typeof applyConfChange(this.tracker.conf, cc) === 'string') return false;
    if (!this.appendEntries([{ type: 'conf', data: encodeConfChange(cc) }])) return false;
    this.pendingConfIndex = this.log.lastIndex();
    bcastAppend(this);
    return true;
  }

  private applyCommittedConf(): void {
    const to = this.log.committed;
    if (to <= this.confAppliedIndex) return;
    const from = Math.max(this.confAppliedIndex + 1, this.log.firstIndex());
    this.confAppliedIndex = to;
    for (const e of this.log.slice(from, to + 1)) {
      if (e.type === 'conf') this.applyConfEntry(e);
    }
  }

  private applyConfEntry(e: Entry): void {
    const cc = decodeConfChange(e.data);
    if (cc === null) return;
    const next = applyConfChange(this.tracker.conf, cc);
    if (typeof next === 'string') return;
    this.tracker.setConf(next, this.log.lastIndex() + 1);
    this.confHistory.push({ index: e.index, conf: next });
    if (this.role !== 'leader') return;
    if (!this.tracker.isVoter(this.id)) {
      // A removed leader tells the others the commit index, then steps down.
      bcastHeartbeat(this, undefined);
      this.becomeFollower(this.term, NONE);
      return;
    }
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NONE;
    const self = this.tracker.progress.get(this.id);
    self?.maybeUpdate(this.log.stabled);
    self?.becomeReplicate();
  }

  /**
   * Installs a snapshot from the leader (etcd's `restore`); returns false, changing nothing
   * but perhaps the commit index, when the snapshot is not newer than our commit, when its
   * configuration does not include this node, or when our log already holds its last entry.
   */
  restoreSnapshot(s: Snapshot): boolean {
    if (s.meta.index <= this.log.committed) return false;
    // Only a follower restores: a leader or candidate is reached here only by a bug.
    if (this.role !== 'follower') throw new Error(`raft: a ${this.role} cannot restore a snapshot`);
    // A snapshot that leaves this node out would make it forget it is a member (lots of code
    // assumes it is in its own tracker); such a snapshot is a bug or a forgery: refuse it.
    const members = [...s.meta.conf.voters, ...s.meta.conf.learners];
    if (!members.includes(this.id)) return false;
    if (this.log.matchTerm(s.meta.index, s.meta.term)) {
      // Our log already holds the snapshot's last entry: just fast-forward the commit.
      this.commitTo(s.meta.index);
      return false;
    }
    const conf = normalizeConf(s.meta.conf);
    this.log.restore(s);
    this.tracker.setConf(conf, this.log.lastIndex() + 1);
    this.confAppliedIndex = s.meta.index;
    this.confHistory = [{ index: s.meta.index, conf }];
    return true;
  }

  // ---- application feedback ----

  compact(index: LogIndex, data: string): boolean {
    if (index <= this.log.snapshotIndex()) return false;
    const term = this.log.term(index);
    if (term === undefined || index > this.log.applied) {
      throw new Error(`raft: compact(${index}) beyond applied index ${this.log.applied}`);
    }
    let at = 0;
    const behind = this.bugs.snapshotConfBehind === true ? 1 : 0;
    for (let i = 0; i < this.confHistory.length; i++) if (this.confHistory[i].index <= index - behind) at = i;
    const conf = this.confHistory[at].conf;
    const named = this.bugs.snapshotTermFromNode === true ? Math.max(term, this.term) : term;
    this.log.compact({ meta: { index, term: named, conf }, data });
    this.confHistory = [{ index, conf }, ...this.confHistory.slice(at + 1)];
    return true;
  }

  onPersisted(rd: Ready): void {
    if (rd.snapshot !== undefined) this.log.stableSnapshotTo(rd.snapshot.meta.index);
    if (rd.compaction !== undefined) this.log.stableCompactionTo(rd.compaction.meta.index);
    let applied = rd.snapshot?.meta.index ?? 0;
    const n = rd.committedEntries.length;
    if (n > 0) applied = Math.max(applied, rd.committedEntries[n - 1].index);
    if (applied > 0) this.log.appliedTo(Math.min(applied, this.log.committed));
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      this.onStable(last.index, last.term);
    }
  }
}

