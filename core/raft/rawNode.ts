// RawNode: the synchronous API a host drives (after etcd-io/raft's rawnode.go).
//
// Contract: the host calls tick() on a fixed cadence and step() for every validated
// message, then drains effects with hasReady()/ready(), carries them out in the order the
// Ready type documents, and calls advance(rd). A Ready that could not be persisted is simply
// not advanced: the next ready() carries the same durable effects again. Nothing here reads
// a clock or does I/O.

import type { ConfChange } from './confChange.ts';
import { LIMITS, type RaftConfig } from './config.ts';
import type { RaftCounters } from './counters.ts';
import { campaign } from './election.ts';
import type { ProgressState } from './progress.ts';
import { Raft, type RaftRestore } from './raft.ts';
import { requestRead } from './readIndex.ts';
import { bcastAppend } from './replication.ts';
import { transferLeadership } from './stepLeader.ts';
import {
  NONE,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type Message,
  type Ready,
  type Role,
  type SoftState,
  type Term,
} from './types.ts';

export interface ProgressStatus {
  match: LogIndex;
  next: LogIndex;
  state: ProgressState;
  paused: boolean;
  recentActive: boolean;
  inflightCount: number;
}

export interface RaftStatus {
  id: number;
  term: Term;
  vote: number;
  commit: LogIndex;
  applied: LogIndex;
  lead: number;
  role: Role;
  lastIndex: LogIndex;
  firstIndex: LogIndex;
  snapshotIndex: LogIndex;
  conf: ConfState;
  /** Present on the leader only, keyed by member id. */
  progress?: Record<number, ProgressStatus>;
  /** Outbound messages dropped because the host did not drain Ready often enough. */
  droppedMessageCount: number;
  /** Ticks counted toward the election timeout (a leader: toward its CheckQuorum round). */
  electionElapsed: number;
  /** The ticks at which the election timeout fires (randomized per term; a leader: electionTicks). */
  electionTimeout: number;
  /** A candidate's or pre-candidate's votes so far, by voter: granted or refused. */
  votes?: Record<number, boolean>;
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export class RawNode {
  private readonly r: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;

  constructor(cfg: RaftConfig, restore: RaftRestore) {
    this.r = new Raft(cfg, restore);
    this.prevSoft = this.r.softState();
    this.prevHard = { ...restore.hardState };
  }

  tick(): void {
    this.r.tick();
  }

  /** Entries held in the log (after any snapshot), without building a full status. */
  logLength(): number {
    return this.r.log.lastIndex() - this.r.log.firstIndex() + 1;
  }

  /** Ticks until one can act; earlier ticks may be batched by the host (see Raft.ticksUntilAction). */
  ticksUntilAction(): number {
    return this.r.ticksUntilAction();
  }

  /** Feeds one message addressed to this node; call validateMessage on untrusted input first. */
  step(m: Message): void {
    this.r.step(m);
  }

  /** Starts an election now (as if the election timeout fired). */
  campaign(): void {
    if (this.r.role !== 'leader') campaign(this.r, this.r.cfg.preVote ? 'pre' : 'election');
  }

  /** Appends a command; false if not leader, a transfer is pending, or too much is uncommitted. */
  propose(data: string): boolean {
    const r = this.r;
    if (r.role !== 'leader' || r.leadTransferee !== NONE || !r.appendEntries([{ type: 'normal', data }])) {
      r.counters.proposalsDropped++;
      return false;
    }
    bcastAppend(r);
    return true;
  }

  proposeConfChange(cc: ConfChange): boolean {
    return this.r.proposeConfChange(cc);
  }

  /** Requests a linearizable read point; the answer arrives as a ReadState in a later Ready. */
  readIndex(requestCtx: string): void {
    requestRead(this.r, requestCtx);
  }

  transferLeadership(to: number): void {
    const r = this.r;
    if (r.role === 'leader') transferLeadership(r, to);
    else if (r.lead !== NONE && r.lead !== to) r.send({ type: 'MsgTransferLeader', to: r.lead, transferee: to });
  }

  /** The host could not reach `id`: stop streaming to it and probe instead. */
  reportUnreachable(id: number): void {
    const pr = this.r.role === 'leader' ? this.r.tracker.progress.get(id) : undefined;
    if (pr?.state === 'replicate') pr.becomeProbe();
  }

  /** The host learned whether a MsgSnap to `id` was delivered; on failure retry by probing. */
  reportSnapshot(id: number, ok: boolean): void {
    const pr = this.r.role === 'leader' ? this.r.tracker.progress.get(id) : undefined;
    if (pr?.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the next heartbeat response before probing, as a delivered snapshot may still apply.
    pr.probeSent = true;
  }

  /** The messages queued for the next Ready, so far (read-only: a host may watch what a step answered). */
  queued(): readonly Message[] {
    return this.r.msgs;
  }

  hasReady(): boolean {
    const r = this.r;
    const soft = r.softState();
    return (
      soft.leader !== this.prevSoft.leader ||
      soft.role !== this.prevSoft.role ||
      !sameHard(r.hardState(), this.prevHard) ||
      r.log.stabled < r.log.lastIndex() ||
      r.log.pendingSnapshot !== undefined ||
      r.log.pendingCompaction !== undefined ||
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      r.log.hasNextCommitted()
    );
  }

  ready(): Ready {
    const r = this.r;
    const soft = r.softState();
    const hard = r.hardState();
    const rd: Ready = {
      entries: r.log.unstableEntries(),
      committedEntries: r.log.nextCommitted(LIMITS.committedPerReadyMax),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: false,
    };
    r.msgs = [];
    r.readStates = [];
    if (soft.leader !== this.prevSoft.leader || soft.role !== this.prevSoft.role) rd.softState = soft;
    if (!sameHard(hard, this.prevHard)) rd.hardState = hard;
    if (r.log.pendingSnapshot !== undefined) rd.snapshot = r.log.pendingSnapshot;
    if (r.log.pendingCompaction !== undefined) rd.compaction = r.log.pendingCompaction;
    rd.mustSync =
      rd.entries.length > 0 ||
      rd.snapshot !== undefined ||
      rd.compaction !== undefined ||
      hard.term !== this.prevHard.term ||
      hard.vote !== this.prevHard.vote;
    return rd;
  }

  /** The host persisted and applied `rd` (and sent its messages). */
  advance(rd: Ready): void {
    if (rd.hardState !== undefined) this.prevHard = { ...rd.hardState };
    if (rd.softState !== undefined) this.prevSoft = rd.softState;
    this.r.onPersisted(rd);
  }

  /**
   * The application imaged its state at `index` (<= applied) as `snapshotData`. The log
   * prefix is dropped and the snapshot is kept for lagging followers; the next Ready carries
   * it as `compaction` so the host persists it. Returns false if `index` is already compacted.
   */
  compact(index: LogIndex, snapshotData: string): boolean {
    return this.r.compact(index, snapshotData);
  }

  /** The term of the entry at `index`, or undefined if compacted or beyond the end. */
  term(index: LogIndex): Term | undefined {
    return this.r.log.term(index);
  }

  /** Entries in [lo, hi) within [firstIndex, lastIndex + 1]; shared, do not mutate. */
  entries(lo: LogIndex, hi: LogIndex): Entry[] {
    return this.r.log.slice(lo, hi);
  }

  /** What this node did so far (live counters; read them, never change them). */
  get counters(): Readonly<RaftCounters> {
    return this.r.counters;
  }

  /** The current term, without building a full status. */
  currentTerm(): Term {
    return this.r.term;
  }

  /** Whom this node voted for in the current term (-1: nobody), without building a full status. */
  votedFor(): number {
    return this.r.vote;
  }

  /** The commit index, without building a full status. */
  commitIndex(): LogIndex {
    return this.r.log.committed;
  }

  /** The index of the last log entry, without building a full status. */
  lastIndex(): LogIndex {
    return this.r.log.lastIndex();
  }

  /** The leader this node knows (NONE, -1, if none), without building a full status. */
  leader(): number {
    return this.r.lead;
  }

  /** Whether this node leads, without building a full status. */
  isLeader(): boolean {
    return this.r.role === 'leader';
  }

  /** This node's role, without building a full status. */
  role(): Role {
    return this.r.role;
  }

  /** The members of the current configuration (voters and learners), sorted; shared, do not mutate. */
  memberIds(): readonly number[] {
    return this.r.tracker.ids();
  }

  /** The configuration in force: shared and never edited in place (a change brings a new object). */
  confState(): ConfState {
    return this.r.tracker.conf;
  }

  /** The voters of the current configuration; shared, never edited in place (a change brings a new array). */
  voterIds(): readonly number[] {
    return this.r.tracker.conf.voters;
  }

  /** Whether `id` is a voter of the current configuration (a set lookup). */
  isVoter(id: number): boolean {
    return this.r.tracker.isVoter(id);
  }

  /** The leader's match index for member `id` (undefined when not leading or not a member). */
  matchOf(id: number): LogIndex | undefined {
    return this.r.role === 'leader' ? this.r.tracker.progress.get(id)?.match : undefined;
  }

  status(): RaftStatus {
    const r = this.r;
    const s: RaftStatus = {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lead: r.lead,
      role: r.role,
      lastIndex: r.log.lastIndex(),
      firstIndex: r.log.firstIndex(),
      snapshotIndex: r.log.snapshotIndex(),
      conf: { voters: [...r.tracker.conf.voters], learners: [...r.tracker.conf.learners] },
      droppedMessageCount: r.droppedMessageCount,
      electionElapsed: r.electionElapsed,
      electionTimeout: r.role === 'leader' ? r.cfg.electionTicks : r.randomizedElectionTimeout,
    };
    if (r.role === 'leader') s.progress = progressStatus(r);
    if (r.role === 'candidate' || r.role === 'precandidate') s.votes = r.tracker.votesByVoter();
    return s;
  }
}

function progressStatus(r: Raft): Record<number, ProgressStatus> {
  const out: Record<number, ProgressStatus> = {};
  for (const id of r.tracker.ids()) {
    const pr = r.tracker.progress.get(id);
    if (pr === undefined) continue;
    out[id] = {
      match: pr.match,
      next: pr.next,
      state: pr.state,
      paused: pr.isPaused(),
      recentActive: pr.recentActive,
      inflightCount: pr.inflights.count,
    };
  }
  return out;
}
