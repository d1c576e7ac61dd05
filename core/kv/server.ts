// A replicated KV server: a Raft node (core/raft) driving the KV state machine, run as a
// Process through the Env seam.
//
// Contract: the server carries out each Ready in the order Raft requires: persist (and
// fsync) the snapshot, entries and hard state; only then apply, answer clients and send.
// If the disk refuses (full, I/O error) nothing is sent or acknowledged and Raft gets the
// same effects again later. Where the host models disk time (DiskPort.fsyncDelayUs), the
// writes go to the disk at once, the fsync completes that long later ('raft.synced'), and
// everything else of the Ready (apply, answers, sends, advance) waits for it, one step later
// (SEND_AFTER_SYNC_US): a crash before the fsync loses the writes and the messages, a crash
// between the fsync and the sends loses the messages only. Messages that arrive meanwhile
// are stepped; the next Ready is taken once this one is advanced. Writes go through the log; reads use ReadIndex (or a lease,
// when configured), so every answer is linearizable. Clients register a session through
// the log first (thesis §6.3); sessions make a retried command apply at most once, and a
// command on an unknown or evicted session is answered session-expired. Raft messages are validated and their claimed sender checked
// against the network's; anything malformed is counted and dropped, never thrown on.
// State is rebuilt on every start from the disk alone (snapshot + log).
//
// Extension: a subclass may keep derived state beside the KV store (core/rag keeps a vector
// index) through the protected hooks below: it sees every applied change with the key's
// value before and after, adds its own data to snapshots, and receives messages, timers
// and read states the KV protocol does not use. The hooks are no-ops here.
import type { DiskPort, DiskResult, Micros, NodeContext, NodeId, Process, ProcessView } from '../env.ts';
import { LIMITS, RAFT_BUG_NAMES, type RaftBugs } from '../raft/config.ts';
import { NONE, RawNode, TRANSFER_CONTEXT, persistReady, recoverResult, validateDelivered, type ConfState, type Entry, type Message, type Ready } from '../raft/index.ts';
import { parseAdminRequest, REJECTED_FROM_MAX, type AdminAnswer, type AdminRequest, type ServerStatus } from './admin.ts';
import { decodeEntry, encodeCommand, encodeRegister } from './commandCodec.ts';
import { base36 } from '../hash/digits.ts';
import { fnv1a32 } from '../hash/fnv.ts';
import { seal, unseal } from './integrity.ts';
import { parseKvRequest, type KvAnswer, type KvRegisterRequest, type KvRequest } from './protocol.ts';
import { KvStateMachine } from './stateMachine.ts';
import { isRegister, type KvCommand } from './types.ts';
import { canonicalResult } from './validate.ts';

/** Raft's bug flags (passed on to the Raft node) and the KV server's own. */
export interface KvServerBugs extends RaftBugs {
  /** Acknowledge before the disk has the data: fsync is skipped. */
  skipFsync?: boolean;
  /** Serve reads from local state without confirming leadership. */
  readWithoutReadIndex?: boolean;
  /**
   * With disk time: send a Ready's messages (votes, acks, appends) when its writes are
   * issued, before the fsync completes; a crash in between forgets what they promised.
   */
  sendBeforePersist?: boolean;
  /**
   * Replaying raft.log at a restart, an entry record replaces only its own index, not the
   * tail after it: a crash after an append overwrote a conflicting tail brings the rest of
   * that tail back behind the new entries.
   */
  replayKeepsTail?: boolean;
  /**
   * A snapshot restore rebuilds the client sessions in client-id order instead of their
   * order of use, so the next eviction may drop another client than the other replicas do.
   */
  restoreSessionsById?: boolean;
  /**
   * The state machine applies a command on a session it does not know (never registered, or
   * evicted) as the first of a new session instead of answering session-expired: a retry of
   * a write applied before its session was evicted takes effect a second time.
   */
  unknownSessionApplied?: boolean;
  /**
   * The leader files the writes waiting for their apply under the session alone, not the
   * session and seq: when an earlier write of the same session (a retry's duplicate) is
   * applied while a later one waits, its result answers the later request.
   */
  waitingBySession?: boolean;
}

export interface KvServerConfig {
  voters: readonly NodeId[];
  learners: readonly NodeId[];
  tickUs: Micros;
  electionTicks: number;
  heartbeatTicks: number;
  preVote: boolean;
  checkQuorum: boolean;
  readMode: 'safe' | 'lease';
  /** The clock drift bound lease reads assume (RaftConfig.clockDriftMax). */
  clockDriftMax: number;
  maxInflight: number;
  maxEntriesPerMsg: number;
  snapshotEvery: number;
  /** Client sessions the state machine keeps at most (default MAX_SESSIONS_DEFAULT). */
  maxSessions?: number;
  bugs: KvServerBugs;
}

/** Client requests waiting for a commit or a read point, at most. */
export const PENDING_MAX = 4096;
const READY_ROUNDS_MAX = 64;
/** A Ready that answers no append. */
const NOTHING_PROVED: ReadonlyMap<NodeId, number> = new Map();
/** With disk time: local time from an fsync's completion to the Ready's sends (a syscall's worth). */
export const SEND_AFTER_SYNC_US = 1;
const RECOVER_RETRY_US = 100_000;
/** Ticks delivered at most in one catch-up (a node paused for minutes skips the rest). */
const TICK_CATCH_UP_MAX = 10_000;
/** Local time between two 'raft.stats' reports while the node handles events. */
export const STATS_INTERVAL_US = 100_000;

interface PendingRead {
  client: NodeId;
  req: KvRequest;
  /** The read's context for Raft's ReadIndex (unique within this process). */
  ctx: string;
  index: number;
  /** Local time the read point was asked for, and how long confirming it took (-1 until known). */
  askedUs: Micros;
  readIndexUs: Micros;
  /** When it was asked, in the read-basis watch's order (KvServer.basisSeq). */
  askedSeq: number;
}

/** A heartbeat broadcast a leader sent (a lease round or a ReadIndex round), for the read-basis watch. */
interface Broadcast {
  seq: number;
  tick: number;
  /** The members that answered it; null once the current voters among them are a quorum. */
  acks: Set<NodeId> | null;
  /** How many of `voters` (this leader included) answered: counted once per answer, again only when the configuration changes. */
  count: number;
  voters: readonly NodeId[] | null;
}

/** Broadcasts the read-basis watch remembers unanswered, newest kept: Raft's pending reads (1024) and lease rounds (64) fit. */
const BROADCASTS_MAX = 2048;

export class KvServer implements Process {
  protected ctx!: NodeContext;
  private raft: RawNode | null = null;
  private kv = new KvStateMachine();
  private applied = 0;
  private snapshotIndex = 0;
  /** Writes awaiting apply, by "clientId:seq": who asked, under which request id. */
  private readonly pendingWrites = new Map<string, { client: NodeId; rid: number }>();
  /** Registrations awaiting apply, by nonce: who asked, under which request id. */
  private readonly pendingRegisters = new Map<string, { client: NodeId; rid: number }>();
  private readonly pendingReads = new Map<string, PendingRead>();
  private readonly readyReads: PendingRead[] = [];
  private readSeq = 0;
  private disk!: DiskPort;
  /** The disk with fsync left out: a Ready's writes, issued before its fsync (disk time). */
  private writeDisk!: DiskPort;
  /** With disk time: the Ready whose fsync is under way, or whose sends wait; its timers' number. */
  private inFlight: { rd: Ready; proved: ReadonlyMap<NodeId, number>; seq: number; sent: boolean } | null = null;
  private syncSeq = 0;
  private lastRole = '';
  /** Ticks fall on a grid of monotonic time (steps of the wall clock never move it): tickOriginUs + k * tickUs. */
  private tickOriginUs = 0;
  private ticksDone = 0;
  /** The grid tick the one outstanding tick timer aims at, or -1. */
  private armedTick = -1;
  /** What telemetry has already been told (see report()). */
  private statsNextUs = 0;
  private termSeen = -1;
  private leadSeen = -2;
  private campaignsSeen = 0;
  private preCampaignsSeen = 0;
  /** The match index last reported per follower while leading in term matchTerm. */
  private readonly matchSeen = new Map<NodeId, number>();
  /** What the appends stepped since the last answers were sent proved, per leader (noteProved). */
  private provedBy = new Map<NodeId, number>();
  private matchTerm = -1;
  /**
   * While leading (term strandTerm): the ticks Raft was given (ticksGiven), the tick at which
   * the leadership began, and when each voter last answered in that term; what the
   * check-quorum check is told (stranded) once per term.
   */
  private ticksGiven = 0;
  private strandTerm = -1;
  private leaderSinceTick = 0;
  /** By node id: the tick of its last answer to this leader in term strandTerm (-1 or a hole: none). */
  private answeredTick: number[] = [];
  private strandReported = false;
  private strandWatchedTick = -1;
  /** The tick of the last leadership transfer asked of this node (a transfer restarts the leader's election timer). */
  private transferTick = -1;
  /** The voters the watch last saw, and the tick it saw them change (a new quorum is judged from then). */
  private strandVoters: readonly NodeId[] = [];
  /** A snapshot went to a member its configuration leaves out: compact anew after this Ready (maybeCompact). */
  private snapshotLacksMember = false;
  /** The last log index whose command changed the stored data (for 'kv.state' and the exactly-once check). */
  private changedAt = -1;
  /** The log index of the last command the state machine ran (not answered from its cache), for 'kv.state'. */
  private ranAt = -1;
  /** The session count last reported ('kv.sessions'), for the session-bound check. */
  private sessionsSeen = 0;
  /** The configuration last reported ('raft.conf'), by identity: Raft replaces it on every change. */
  private confSeen: ConfState | null = null;
  private votersChangedTick = -1;
  /**
   * The read-basis watch, while leading term basisTerm: the heartbeat broadcasts sent (by
   * round id or read context) with the order (basisSeq) and tick they went in, which voters
   * answered each, and the newest a quorum answered; and whether a leadership transfer
   * ended the lease. Counted from the messages sent and stepped, not from Raft's state.
   */
  private basisTerm = -1;
  private basisSeq = 0;
  private readonly broadcasts = new Map<number | string, Broadcast>();
  private quorateSeq = -1;
  private quorateTick = -1;
  private basisRevoked = false;
  /** The newest broadcast forgotten unanswered (BROADCASTS_MAX): reads asked before it are not judged. */
  private evictedSeq = -1;
  /** The term, and the tick (of those given to Raft), of the last append, heartbeat or snapshot stepped from the leader of that term. */
  private leaderHeardTerm = -1;
  private leaderHeardTick = 0;
  /**
   * The campaign-due watch (Figure 2, "Rules for Servers", followers and candidates): the
   * tick at which this node last had a reason to restart its election timer (it stepped an
   * append, heartbeat or snapshot of the leader of its term, granted an election vote, moved
   * to another term or role, campaigned, started), what Raft's term, role, campaigns and the
   * disk's errors were then, and whether the stretch since was reported overdue. Counted
   * from what the server stepped and the ticks it gave Raft, not from Raft's timer.
   */
  private timerResetTick = 0;
  private timerTerm = -1;
  private timerRole = '';
  private timerCampaigns = 0;
  private timerDiskErrors = 0;
  private overdueReported = false;
  /** The term Raft recovered from disk at this process's start, and the tick count then (restartGuarded). */
  private recoveredTerm = 0;
  private recoveredTick = 0;
  rejected = 0;
  diskErrors = 0;
  /** Refused messages per claimed sender, for the admin status (a peer gone byzantine shows here). */
  private readonly rejectedFrom = new Map<NodeId, number>();

  constructor(private readonly config: KvServerConfig) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.disk = this.config.bugs.skipFsync ? lyingDisk(ctx.disk) : ctx.disk;
    this.writeDisk = lyingDisk(ctx.disk);
    // Each node's tick grid has its own phase, as real nodes' timers do; aligned grids would
    // make candidates time out on the very same tick far more often than in practice.
    this.tickOriginUs = ctx.monotonic() - ctx.random.int(this.config.tickUs);
    this.recover();
    this.armTick();
  }

  /**
   * Delivers the grid ticks that are due. Raft only acts on the tick it reported in
   * ticksUntilAction; the ones before it merely count, so delivering them late, in a batch
   * just before the next input, is the same as delivering them on time. This turns an idle
   * cluster's hundreds of tick events per second into one timer per heartbeat.
   */
  private catchUpTicks(): void {
    const raft = this.raft;
    if (raft === null) return;
    const due = Math.floor((this.ctx.monotonic() - this.tickOriginUs) / this.config.tickUs);
    for (let i = 0; this.ticksDone < due && i < TICK_CATCH_UP_MAX; i++) {
      raft.tick();
      this.ticksDone++;
      this.ticksGiven++;
      this.watchCampaignDue(raft);
    }
    // After a long pause (a stopped process), the backlog beyond the bound is skipped.
    if (this.ticksDone < due) this.ticksDone = due;
  }

  /**
   * Steps a delivered Raft message, and keeps what the checks need to hear from the server
   * itself rather than from Raft's state. Most messages (same term, no vote) take the short
   * way: one step, and a note of who answered or who led (kept small: it runs per message).
   */
  private stepRaft(from: NodeId, m: Message): void {
    const raft = this.raft as RawNode;
    const before = raft.currentTerm();
    if (m.term > before || m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp') this.stepWatched(from, m, before);
    else if (m.term < before && (m.type === 'MsgApp' || m.type === 'MsgHeartbeat')) this.stepStale(from, m, before);
    else raft.step(m);
    this.observeTimer(raft);
    const type = m.type;
    if (type === 'MsgAppResp' || type === 'MsgHeartbeatResp') {
      // Who answered this leader, and when (the check-quorum watch).
      if (m.term === this.strandTerm) this.answeredTick[from] = this.ticksGiven;
      if (type === 'MsgHeartbeatResp' && m.term === this.basisTerm) this.noteBroadcastAck(from, m);
    } else if (type === 'MsgApp' || type === 'MsgHeartbeat' || type === 'MsgSnap') {
      // What this node last heard from the leader of its term (leaderSticky).
      if (m.term === raft.currentTerm()) {
        this.leaderHeardTerm = m.term;
        this.leaderHeardTick = this.ticksGiven;
        this.noteTimerReset(raft);
      }
      if (type !== 'MsgHeartbeat') this.noteProved(from, m);
    } else if (type === 'MsgTransferLeader') this.transferTick = this.ticksGiven;
  }

  /**
   * The step of a message the checks watch closely: a higher term ('raft.higher_term', with
   * whether CheckQuorum bound this node to ignore it), an election vote it may grant
   * ('raft.granted', the voter's side of §5.4.1: its own last entry before the step), an
   * election vote or a pre-vote of a higher term it refused ('raft.refused', for vote-due),
   * and vote responses ('raft.vote').
   */
  private stepWatched(from: NodeId, m: Message, before: number): void {
    const raft = this.raft as RawNode;
    if (m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp') this.ctx.telemetry.emit('raft.vote', { from, term: m.term, granted: m.reject !== true, pre: m.type === 'MsgPreVoteResp' });
    const sticky = m.term > before && this.leaderSticky(m);
    // Raft's own guard runs on its election timer, which a re-granted vote restarts too: a
    // vote request it may ignore though no leader was heard within the timeout (term-adopt).
    const timerFresh = !sticky && m.term > before && this.config.checkQuorum && m.context !== TRANSFER_CONTEXT && raft.leader() !== NONE && this.ticksGiven - this.timerResetTick < this.config.electionTicks;
    const guard = sticky && !raft.isLeader() && this.restartGuarded();
    const vote = m.type === 'MsgVote';
    const ask = vote || m.type === 'MsgPreVote';
    const votedBefore = ask ? raft.votedFor() : NONE;
    const ownIndex = ask ? raft.lastIndex() : 0;
    const ownTerm = ask ? raft.term(ownIndex) ?? 0 : 0;
    const queued = raft.queued().length;
    raft.step(m);
    const after = raft.currentTerm();
    if (m.term > before) this.ctx.telemetry.emit('raft.higher_term', { from, type: m.type, term: m.term, after, sticky, restarted: guard, timerFresh });
    if (!ask) return;
    if (vote && after === m.term && raft.votedFor() === from) {
      // Granting an election vote restarts the voter's timer (a re-grant to the same candidate too).
      this.noteTimerReset(raft);
      if (!(before === m.term && votedBefore === from)) this.ctx.telemetry.emit('raft.granted', { to: from, term: m.term, index: m.index ?? 0, logTerm: m.logTerm ?? 0, ownIndex, ownTerm, pre: false });
      return;
    }
    if (!vote) {
      let granted = false;
      let refused = false;
      const out = raft.queued();
      for (let i = queued; i < out.length; i++) {
        const q = out[i];
        if (q.type !== 'MsgPreVoteResp' || q.to !== from) continue;
        if (q.reject === true) refused = true;
        else granted = true;
      }
      // A pre-vote granted promises the same up-to-date test (thesis §9.6), for vote-up-to-date.
      if (granted) {
        this.ctx.telemetry.emit('raft.granted', { to: from, term: m.term, index: m.index ?? 0, logTerm: m.logTerm ?? 0, ownIndex, ownTerm, pre: true });
        return;
      }
      // A pre-vote is judged only when Raft answered it with a refusal (not when it ignored it).
      if (!refused) return;
    }
    // Refused or ignored: what the node knew, for the vote-due check to judge whether it had
    // to grant (it had not voted in the term, knew no leader of it, and the log was up to date).
    const heardTicks = this.leaderHeardTerm < 0 ? -1 : this.ticksGiven - this.leaderHeardTick;
    this.ctx.telemetry.emit('raft.refused', {
      to: from, term: m.term, index: m.index ?? 0, logTerm: m.logTerm ?? 0, ownIndex, ownTerm, after, voted: before === m.term ? votedBefore : NONE,
      led: this.leaderHeardTerm === m.term, sticky, voter: raft.voterIds().includes(this.ctx.id), pre: !vote, heardTicks, electionTicks: this.config.electionTicks,
    });
  }

  /**
   * An append or heartbeat of an older term: under PreVote or CheckQuorum, Raft answers it
   * with this node's term (Figure 2, AppendEntries receiver rule 1), so that a leader that
   * was cut off learns the newer term and steps down; a node that may neither adopt a vote
   * request's term (CheckQuorum) nor see its own term spread by elections (PreVote) has no
   * other way to tell it. 'raft.stale_unanswered' reports a step that queued no such answer
   * (unless the outbox was full), for the term-adopt check. Stale messages are rare: this
   * runs off the hot path.
   */
  private stepStale(from: NodeId, m: Message, before: number): void {
    const raft = this.raft as RawNode;
    const queued = raft.queued().length;
    raft.step(m);
    if (!this.config.preVote && !this.config.checkQuorum) return;
    if (queued >= LIMITS.messagesMax) return;
    const out = raft.queued();
    for (let i = queued; i < out.length; i++) if (out[i].type === 'MsgAppResp' && out[i].to === from && out[i].term >= before) return;
    this.ctx.telemetry.emit('raft.stale_unanswered', { from, type: m.type, term: m.term, own: before });
  }

  /**
   * Whether CheckQuorum's leader stickiness (thesis §4.2.3) covers vote request `m`: this
   * node leads, or heard from the leader of its current term fewer than electionTicks ticks
   * ago, and `m` is no transfer's forced election. Raft must then ignore it: neither adopt its
   * term nor answer ('raft.higher_term' says so, for the leader-sticky check).
   */
  private leaderSticky(m: Message): boolean {
    if (!this.config.checkQuorum || (m.type !== 'MsgVote' && m.type !== 'MsgPreVote') || m.context === TRANSFER_CONTEXT) return false;
    const raft = this.raft as RawNode;
    if (raft.isLeader() || this.restartGuarded()) return true;
    return this.leaderHeardTerm === raft.currentTerm() && this.ticksGiven - this.leaderHeardTick < this.config.electionTicks;
  }

  /**
   * With lease reads, a server that restarted with a term on disk may have answered a
   * leader's round just before it went down, so the leader's lease may count on it: for its
   * first election timeout (electionTicks ticks given to this Raft) it is bound as if it still
   * heard that leader (docs/lease-reads.md). Counted here from the ticks this server gave
   * Raft since it recovered, not read from Raft.
   */
  private restartGuarded(): boolean {
    return this.config.readMode === 'lease' && this.recoveredTerm > 0 && this.ticksGiven - this.recoveredTick < this.config.electionTicks;
  }

  /** This node had a reason to restart its election timer now (see timerResetTick). */
  private noteTimerReset(raft: RawNode): void {
    const c = raft.counters;
    this.timerResetTick = this.ticksGiven;
    this.timerTerm = raft.currentTerm();
    this.timerRole = raft.role();
    this.timerCampaigns = c.campaigns + c.preCampaigns;
    this.timerDiskErrors = this.diskErrors;
    this.overdueReported = false;
  }

  /** A new term, role or campaign (or a disk error, which may keep Raft from campaigning) restarts the watch; false when none came. */
  private observeTimer(raft: RawNode): boolean {
    const c = raft.counters;
    if (c.campaigns + c.preCampaigns === this.timerCampaigns && raft.currentTerm() === this.timerTerm && raft.role() === this.timerRole && this.diskErrors === this.timerDiskErrors) return false;
    this.noteTimerReset(raft);
    return true;
  }

  /**
   * After each tick given to Raft: a voter that does not lead and had no reason to restart
   * its election timer for more than the longest randomized timeout (2 * electionTicks - 1
   * ticks, plus two of slack) must have campaigned by now (Figure 2: "if election timeout
   * elapses without receiving AppendEntries RPC from current leader or granting vote to
   * candidate: convert to candidate"). 'raft.overdue' reports it once per stretch, for the
   * campaign-due check.
   */
  private watchCampaignDue(raft: RawNode): void {
    if (this.observeTimer(raft) || this.overdueReported) return;
    const ticks = this.ticksGiven - this.timerResetTick;
    if (ticks <= 2 * this.config.electionTicks + 1 || raft.isLeader() || !raft.isVoter(this.ctx.id)) return;
    this.overdueReported = true;
    this.ctx.telemetry.emit('raft.overdue', { term: raft.currentTerm(), role: raft.role(), ticks, electionTicks: this.config.electionTicks });
  }

  /**
   * CheckQuorum's promise (thesis §6.2): a leader that has not heard from a quorum of its
   * voters steps down within two election timeouts (its check runs every electionTicks
   * ticks and looks at who answered since the last one; a leadership transfer restarts that
   * schedule, and a new configuration brings a new quorum, so the two timeouts count from
   * the latest of these). Counted here from the answers the server stepped and the ticks it
   * gave Raft, and reported once per term as 'raft.stranded' if the leader still leads past
   * that (the check-quorum check).
   */
  private watchQuorumContact(): void {
    const raft = this.raft;
    if (raft === null || !this.config.checkQuorum || !raft.isLeader()) return;
    const term = raft.currentTerm();
    const voters = raft.voterIds();
    if (term !== this.strandTerm) {
      this.strandTerm = term;
      this.leaderSinceTick = this.ticksGiven;
      this.answeredTick = [];
      this.strandReported = false;
      this.strandVoters = voters;
      return;
    }
    if (voters !== this.strandVoters) {
      this.strandVoters = voters;
      this.votersChangedTick = this.ticksGiven;
    }
    if (this.strandReported) return;
    const limit = 2 * this.config.electionTicks + 1;
    if (this.ticksGiven - this.leaderSinceTick <= limit || !voters.includes(this.ctx.id)) return;
    // Heard from within the limit: from tick `since` on. The leader is stranded only when the
    // quorum-th most recent answer (a majority's oldest), the last transfer and the last
    // change of voters all came before it: counted without sorting on every tick.
    const since = this.ticksGiven - limit;
    if (this.transferTick >= since || this.votersChangedTick >= since) return;
    let recent = 0;
    for (const v of voters) if ((v === this.ctx.id ? this.ticksGiven : this.answeredTick[v] ?? this.leaderSinceTick) >= since) recent++;
    if (recent > voters.length >> 1) return;
    const heard = voters.map((v) => (v === this.ctx.id ? this.ticksGiven : this.answeredTick[v] ?? this.leaderSinceTick)).sort((a, b) => b - a);
    // A transfer restarts the leader's election timer, and with it the check's schedule; a
    // new configuration is a new quorum, judged from the change on.
    const quorumHeard = Math.max(heard[Math.floor(voters.length / 2)], this.transferTick, this.votersChangedTick);
    if (this.ticksGiven - quorumHeard <= limit) return;
    this.strandReported = true;
    this.ctx.telemetry.emit('raft.stranded', { term, ticks: this.ticksGiven - quorumHeard, electionTicks: this.config.electionTicks });
  }

  /** Keeps one timer aimed at the next grid tick where Raft may act. */
  private armTick(): void {
    if (this.raft === null) return;
    const want = this.ticksDone + this.raft.ticksUntilAction();
    if (this.armedTick !== -1 && this.armedTick <= want) return; // It fires early, then re-arms.
    this.armedTick = want;
    const atUs = this.tickOriginUs + want * this.config.tickUs;
    this.ctx.setTimer(Math.max(0, atUs - this.ctx.monotonic()), `tick:${want}`);
  }

  private recover(): void {
    const conf = { voters: [...this.config.voters], learners: [...this.config.learners] };
    const r = recoverResult(this.disk, conf, { replayKeepsTail: this.config.bugs.replayKeepsTail === true });
    if (!r.ok) {
      // A node that cannot read its past must not vote or serve: it could forget a vote.
      this.ctx.telemetry.emit('raft.recover_failed', { error: r.error });
      this.ctx.setTimer(RECOVER_RETRY_US, 'recover');
      return;
    }
    const snap = r.restore.snapshot;
    this.applied = snap?.meta.index ?? 0;
    if (snap !== undefined) this.restoreData(snap.data, this.applied);
    else this.kv = new KvStateMachine({ maxSessions: this.config.maxSessions, applyUnknownSessions: this.config.bugs.unknownSessionApplied === true });
    this.reportSessions(this.applied, -1);
    this.snapshotIndex = this.applied;
    const c = this.config;
    this.raft = new RawNode({
      id: this.ctx.id, electionTicks: c.electionTicks, heartbeatTicks: c.heartbeatTicks, random: this.ctx.random,
      preVote: c.preVote, checkQuorum: c.checkQuorum, maxInflight: c.maxInflight, maxEntriesPerMsg: c.maxEntriesPerMsg,
      readOnly: c.readMode, clockDriftMax: c.clockDriftMax,
      bugs: Object.fromEntries(RAFT_BUG_NAMES.filter((b) => c.bugs[b] === true).map((b) => [b, true])),
    }, { ...r.restore, applied: this.applied });
    this.campaignsSeen = 0;
    this.preCampaignsSeen = 0;
    this.matchSeen.clear();
    // What Raft itself starts from (not the disk's bytes), so the durability checks see a
    // restart that forgets a vote, a term or a commit however it comes about.
    const st = this.raft.status();
    this.recoveredTerm = st.term;
    this.recoveredTick = this.ticksGiven;
    this.noteTimerReset(this.raft);
    this.ctx.telemetry.emit('raft.recovered', {
      applied: this.applied, torn: r.tornTailRepaired, term: st.term, vote: st.vote, commit: st.commit,
      lastIndex: st.lastIndex, logTerms: this.logTerms(),
    });
    this.confSeen = null;
    this.reportConf();
  }

  onTimer(tag: string): void {
    if (this.onOtherTimer(tag)) {
      this.handleReady();
      this.armTick();
      return;
    }
    if (tag.startsWith('fsync:') || tag.startsWith('sent:')) {
      this.onSyncTimer(tag);
      this.armTick();
      this.report();
      return;
    }
    if (tag === 'recover') {
      if (this.raft === null) {
        this.recover();
        this.armTick();
      }
      return;
    }
    if (!tag.startsWith('tick:') || Number(tag.slice(5)) !== this.armedTick) return;
    this.armedTick = -1;
    this.catchUpTicks();
    this.handleReady();
    this.armTick();
    this.report();
  }

  onMessage(from: NodeId, raw: unknown): void {
    if (this.raft === null) return;
    this.catchUpTicks();
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && type.startsWith('Msg')) {
      const m = validateDelivered(unseal(raw));
      if (m === null || m.from !== from || m.to !== this.ctx.id) return this.reject(from, 'raft');
      this.stepRaft(from, m);
    } else if (type === 'kv.admin') {
      const req = parseAdminRequest(raw);
      if (req === null) return this.reject(from, 'admin');
      this.onAdmin(from, req);
    } else if (this.onOtherMessage(from, raw)) {
      // Taken by a subclass's protocol.
    } else {
      const req = parseKvRequest(raw);
      if (req === null) return this.reject(from, 'kv');
      if (req.type === 'kv.register') this.onRegister(from, req);
      else this.onRequest(from, req);
    }
    this.handleReady();
    this.armTick();
    this.report();
  }

  /**
   * Tells telemetry what changed, cheaply: a new term or campaign at once (rare), and the
   * counters and indexes in one 'raft.stats' event at most every STATS_INTERVAL_US.
   */
  private report(): void {
    const raft = this.raft;
    if (raft === null) return;
    if (this.ticksGiven !== this.strandWatchedTick) {
      this.strandWatchedTick = this.ticksGiven;
      this.watchQuorumContact();
    }
    const tel = this.ctx.telemetry;
    const term = raft.currentTerm();
    // A campaign before the term it started (the term-sound check reads them in that order).
    const c = raft.counters;
    if (c.preCampaigns !== this.preCampaignsSeen) {
      this.preCampaignsSeen = c.preCampaigns;
      tel.emit('raft.campaign', { term, pre: true, voter: raft.voterIds().includes(this.ctx.id) });
    }
    if (c.campaigns !== this.campaignsSeen) {
      this.campaignsSeen = c.campaigns;
      tel.emit('raft.campaign', { term, pre: false, voter: raft.voterIds().includes(this.ctx.id) });
    }
    if (term !== this.termSeen) {
      this.termSeen = term;
      tel.emit('raft.term', { term });
    }
    const now = this.ctx.now();
    if (now < this.statsNextUs) return;
    this.statsNextUs = now + STATS_INTERVAL_US;
    tel.emit('raft.stats', {
      term, commit: raft.commitIndex(), applied: this.applied, lastIndex: raft.lastIndex(), appendsSent: c.appendsSent, heartbeatsSent: c.heartbeatsSent,
      appendsRejected: c.appendsRejected, heartbeatsRejected: c.heartbeatsRejected, proposalsDropped: c.proposalsDropped,
      sessions: this.kv.sessionCount, duplicates: this.kv.duplicatesSuppressed,
    });
  }

  private reject(from: NodeId, what: string): void {
    this.rejected++;
    this.rejectedFrom.set(from, (this.rejectedFrom.get(from) ?? 0) + 1);
    this.ctx.telemetry.emit('msg.rejected', { from, what });
  }

  /** `seq`: the session seq of the command whose result `a` is (-1: not an applied command's result). */
  private answer(to: NodeId, a: KvAnswer, read: PendingRead | null = null, seq = -1): void {
    // A registration answered is not a request (no kv.request was reported for it): no
    // kv.reply. A redirect is reported whatever it answers, a registration included (the
    // client's span of the attempt ends with it).
    if (a.type !== 'kv.registered') {
      const outcome = a.type === 'kv.redirect' ? 'redirect' : a.result.ok ? 'ok' : a.result.error === 'cas-mismatch' ? 'failed' : 'expired';
      this.ctx.telemetry.emit('kv.reply', { client: to, rid: a.rid, outcome, readIndexUs: read === null ? -1 : read.readIndexUs, readIndex: read === null ? -1 : read.index, readCtx: read === null ? '' : read.ctx, output: a.type === 'kv.resp' ? JSON.stringify(canonicalResult(a.result)) : '', seq });
    }
    this.ctx.send(to, seal(a));
  }

  private redirect(to: NodeId, clientId: number, rid: number): void {
    const lead = this.raft?.leader() ?? -1;
    this.answer(to, { type: 'kv.redirect', clientId, rid, leader: lead });
  }

  private pendingCount(): number {
    return this.pendingWrites.size + this.pendingReads.size + this.pendingRegisters.size;
  }

  /** A registration goes through the log; the answer comes when it is applied. */
  private onRegister(from: NodeId, req: KvRegisterRequest): void {
    const raft = this.raft as RawNode;
    if (!raft.isLeader() || this.pendingCount() >= PENDING_MAX || !raft.propose(encodeRegister(req.nonce, req.count))) {
      return this.redirect(from, 0, req.rid);
    }
    this.pendingRegisters.set(req.nonce, { client: from, rid: req.rid });
  }

  private onRequest(from: NodeId, req: KvRequest): void {
    this.ctx.telemetry.emit('kv.request', { client: from, clientId: req.clientId, rid: req.rid, op: req.op.op, seq: req.seq, tp: req.tp ?? '' });
    const raft = this.raft as RawNode;
    // Per request: the role alone, not a full status (which copies the progress of every peer).
    if (!raft.isLeader() || this.pendingCount() >= PENDING_MAX) return this.redirect(from, req.clientId, req.rid);
    if (req.op.op === 'get') {
      if (this.config.bugs.readWithoutReadIndex) {
        this.answer(from, { type: 'kv.resp', clientId: req.clientId, rid: req.rid, result: { ok: true, value: this.kv.read(req.op.key) } });
        return;
      }
      const ctxId = `${this.ctx.id}:${this.readSeq++}`;
      this.ctx.telemetry.emit('kv.read', { client: from, rid: req.rid, ctx: ctxId });
      this.pendingReads.set(ctxId, { client: from, req, ctx: ctxId, index: 0, askedUs: this.ctx.now(), readIndexUs: -1, askedSeq: ++this.basisSeq });
      raft.readIndex(ctxId);
      return;
    }
    if (!raft.propose(encodeCommand({ clientId: req.clientId, seq: req.seq, op: req.op }))) {
      this.noteRefused();
      return this.redirect(from, req.clientId, req.rid);
    }
    this.ctx.telemetry.emit('kv.propose', { client: from, rid: req.rid, index: raft.lastIndex(), term: raft.currentTerm() });
    this.pendingWrites.set(this.waitingKey(req.clientId, req.seq), { client: from, rid: req.rid });
  }

  /**
   * The leader refused a client's write ('kv.write_refused', for the transfer-bounded check):
   * how many ticks since it last accepted a transfer (-1: never in this process), and whether
   * its uncommitted log was full, the only other reason a leader refuses.
   */
  private noteRefused(): void {
    const raft = this.raft as RawNode;
    const uncommitted = raft.lastIndex() - raft.commitIndex();
    this.ctx.telemetry.emit('kv.write_refused', {
      sinceTransfer: this.transferTick < 0 ? -1 : this.ticksGiven - this.transferTick, electionTicks: this.config.electionTicks,
      full: uncommitted + 1 > LIMITS.uncommittedEntriesMax, term: raft.currentTerm(),
    });
  }

  /** The admin API (admin.ts): status, membership changes, leadership transfer, compaction. */
  private onAdmin(from: NodeId, req: AdminRequest): void {
    const raft = this.raft as RawNode;
    const st = raft.status();
    let reason = '';
    switch (req.op) {
      case 'status':
        break;
      case 'addLearner':
      case 'addVoter':
      case 'remove':
        if (st.role !== 'leader') reason = 'not-leader';
        else if (!raft.proposeConfChange({ type: req.op === 'remove' ? 'removeNode' : req.op, node: req.node })) reason = 'refused';
        break;
      case 'transfer':
        if (st.role !== 'leader') reason = 'not-leader';
        else if (!st.conf.voters.includes(req.node) || req.node === this.ctx.id) reason = 'not-a-voter';
        else {
          this.transferTick = this.ticksGiven;
          const pr = st.progress?.[req.node];
          // What the leader knew of the target, for the transfer-completes check.
          this.ctx.telemetry.emit('raft.transfer', { to: req.node, term: st.term, match: pr?.match ?? -1, lastIndex: st.lastIndex, commit: st.commit, state: pr?.state ?? 'none' });
          raft.transferLeadership(req.node);
        }
        break;
      case 'compact':
        if (this.applied <= this.snapshotIndex) reason = 'nothing-to-compact';
        else if (raft.compact(this.applied, this.snapshotData())) this.snapshotIndex = this.applied;
        else reason = 'refused';
        break;
    }
    // Proposals and compactions reach the disk and the peers in handleReady, after this.
    if (req.op !== 'status') this.ctx.telemetry.emit('kv.admin', { op: req.op, node: req.node, ok: reason === '', reason });
    const answer: AdminAnswer = { type: 'kv.admin.resp', rid: req.rid, op: req.op, ok: reason === '', reason, status: this.adminStatus() };
    this.ctx.send(from, seal(answer));
  }

  private adminStatus(): ServerStatus {
    const st = (this.raft as RawNode).status();
    const host = this.ctx.host;
    const progress = st.progress === undefined ? [] : Object.entries(st.progress).map(([id, p]) => ({ node: Number(id), match: p.match, active: p.recentActive })).sort((a, b) => a.node - b.node);
    const rejectedFrom = [...this.rejectedFrom].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, REJECTED_FROM_MAX).sort((a, b) => a[0] - b[0]);
    return {
      id: this.ctx.id, role: st.role, term: st.term, lead: st.lead, commit: st.commit, applied: this.applied, lastIndex: st.lastIndex,
      voters: st.conf.voters, learners: st.conf.learners, progress, diskErrors: this.diskErrors, rejectedFrom, nowUs: this.ctx.now(),
      memoryBytes: host?.memoryBytes() ?? -1, memoryBytesMax: host?.memoryBytesMax ?? -1, diskBytesUsed: host?.diskBytesUsed() ?? -1,
      diskBytesMax: host?.diskBytesMax() ?? -1, cpuBusyUs: host?.cpuBusyUs() ?? -1,
    };
  }

  /**
   * What an append (or snapshot) from the leader just proved this node holds: the entries up
   * to its previous index plus its entries (§5.3), or the snapshot's index, or, for a stale
   * one, the commit index. Kept per leader until the answers are sent, for 'raft.ack'.
   */
  private noteProved(from: NodeId, m: Message): void {
    const raft = this.raft as RawNode;
    const proved = Math.max(m.type === 'MsgSnap' ? (m.snapshot?.meta.index ?? 0) : (m.index ?? 0) + (m.entries?.length ?? 0), raft.commitIndex());
    this.provedBy.set(from, Math.max(proved, this.provedBy.get(from) ?? 0));
  }

  private handleReady(): void {
    const raft = this.raft;
    if (raft === null || this.inFlight !== null) return;
    for (let round = 0; round < READY_ROUNDS_MAX && raft.hasReady(); round++) {
      const rd = raft.ready();
      if (rd.readStates.length > 0) this.reportReadBasis(rd);
      // What the appends stepped so far proved: this Ready's acks answer them (for 'raft.ack').
      // Handed over whole (a Ready under disk time keeps it until its sends): no copy.
      const proved = this.provedBy.size === 0 ? NOTHING_PROVED : this.provedBy;
      if (proved !== NOTHING_PROVED) this.provedBy = new Map();
      const persist = rd.mustSync || rd.hardState !== undefined;
      const delayUs = persist ? (this.ctx.disk.fsyncDelayUs?.() ?? 0) : 0;
      if (delayUs > 0) return this.beginSync(rd, proved, delayUs);
      const saved: DiskResult = persist ? persistReady(this.disk, rd) : { ok: true };
      if (!saved.ok) return this.diskError(saved);
      this.finishReady(rd, proved, true);
    }
  }

  private diskError(r: DiskResult): void {
    this.diskErrors++;
    this.ctx.telemetry.emit('raft.disk_error', { error: r.ok ? '' : r.error });
  }

  /** Disk time: the writes go now, the fsync completes `delayUs` later (timer 'fsync:N'). */
  private beginSync(rd: Ready, proved: ReadonlyMap<NodeId, number>, delayUs: Micros): void {
    const written = persistReady(this.writeDisk, rd);
    if (!written.ok) return this.diskError(written);
    const seq = ++this.syncSeq;
    this.inFlight = { rd, proved, seq, sent: false };
    if (this.config.bugs.sendBeforePersist) {
      this.sendAll(rd, proved);
      this.inFlight.sent = true;
    }
    this.ctx.telemetry.emit('raft.syncing', { entries: rd.entries.length, hardState: rd.hardState !== undefined, messages: rd.messages.length, delayUs });
    this.ctx.setTimer(delayUs, `fsync:${seq}`);
  }

  /** 'fsync:N': the fsync completes; 'sent:N': the rest of the Ready goes, then the next one. */
  private onSyncTimer(tag: string): void {
    const f = this.inFlight;
    const [what, n] = tag.split(':');
    if (f === null || Number(n) !== f.seq || this.raft === null) return;
    if (what === 'fsync') {
      const synced = this.disk.fsync();
      if (!synced.ok) {
        this.inFlight = null;
        return this.diskError(synced);
      }
      this.ctx.telemetry.emit('raft.synced', { entries: f.rd.entries.length, hardState: f.rd.hardState !== undefined, messages: f.rd.messages.length });
      this.ctx.setTimer(SEND_AFTER_SYNC_US, `sent:${f.seq}`);
      return;
    }
    this.inFlight = null;
    this.catchUpTicks();
    this.finishReady(f.rd, f.proved, !f.sent);
    this.handleReady();
  }

  private sendAll(rd: Ready, proved: ReadonlyMap<NodeId, number>): void {
    for (const m of rd.messages) {
      if (m.type === 'MsgHeartbeat') this.noteBroadcast(m);
      else if (m.type === 'MsgTimeoutNow') this.basisRevoked = true;
      if (m.type === 'MsgSnap' && m.snapshot !== undefined) {
        this.ctx.telemetry.emit('raft.snapshot_sent', { to: m.to, index: m.snapshot.meta.index, term: m.snapshot.meta.term });
        // A member added after this snapshot refuses it (its configuration leaves the member
        // out), and would wait for a newer one forever: take one now, as etcd's server sends
        // a snapshot of its current state rather than the stored one.
        const c = m.snapshot.meta.conf;
        if (!c.voters.includes(m.to) && !c.learners.includes(m.to)) this.snapshotLacksMember = true;
      }
      if (m.type === 'MsgAppResp' && m.reject !== true) this.ctx.telemetry.emit('raft.ack', { to: m.to, term: m.term, index: m.index ?? 0, proved: proved.get(m.to) ?? 0 });
      this.ctx.send(m.to, seal(m));
    }
  }

  /** Everything of a persisted Ready after the disk: report, apply, send, advance. */
  private finishReady(rd: Ready, proved: ReadonlyMap<NodeId, number>, send: boolean): void {
    const raft = this.raft as RawNode;
    this.reportPersisted(rd);
    this.applyReady(rd);
    if (send) this.sendAll(rd, proved);
    raft.advance(rd);
    this.reportMatches();
    if (rd.softState !== undefined) this.noteRole();
    this.serveReads();
    this.afterReadyRound();
    this.maybeCompact();
  }

  /**
   * Tells the checks what is now durable, before anything that depends on it is sent, in
   * the order it takes effect: a snapshot from the leader, the entries (term and a hash of
   * each), the hard state. sim/check/raftLogChecks.ts keeps
   * a bounded mirror of every log from these.
   */
  private reportPersisted(rd: Ready): void {
    const tel = this.ctx.telemetry;
    if (rd.snapshot !== undefined) tel.emit('raft.snapshot_stored', { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term });
    if (rd.compaction !== undefined) {
      const c = rd.compaction.meta.conf;
      tel.emit('raft.compacted', { index: rd.compaction.meta.index, term: rd.compaction.meta.term, voters: c.voters.join(','), learners: c.learners.join(',') });
    }
    const n = rd.entries.length;
    if (n > 0) {
      let terms = '';
      let hashes = '';
      let confs = '';
      for (let i = 0; i < n; i++) {
        const e = rd.entries[i];
        terms += i === 0 ? `${e.term}` : `,${e.term}`;
        const h = base36(fnv1a32(e.data, fnv1a32(e.type)));
        hashes += i === 0 ? h : `,${h}`;
        if (e.type === 'conf') confs += confs === '' ? `${e.index}` : `,${e.index}`;
      }
      tel.emit('raft.append', {
        lo: rd.entries[0].index, hi: rd.entries[n - 1].index, term: rd.entries[n - 1].term, terms, hashes, nodeTerm: (this.raft as RawNode).currentTerm(),
        confs, readyCommit: rd.hardState?.commit ?? -1,
      });
    }
    this.reportConf();
    const hs = rd.hardState;
    if (hs !== undefined) tel.emit('raft.hardstate', { term: hs.term, vote: hs.vote, commit: hs.commit, lastIndex: (this.raft as RawNode).lastIndex() });
  }

  /** Starts the read-basis watch afresh when this node leads a new term; false when it does not lead. */
  private basisWatch(): boolean {
    const raft = this.raft as RawNode;
    if (!raft.isLeader()) return false;
    const term = raft.currentTerm();
    if (term === this.basisTerm) return true;
    this.basisTerm = term;
    this.broadcasts.clear();
    this.quorateSeq = -1;
    this.quorateTick = -1;
    this.basisRevoked = false;
    this.evictedSeq = -1;
    return true;
  }

  /**
   * A heartbeat going out: the first of its broadcast (a round id, else a read context) is
   * noted. The map holds the broadcasts newer than the newest a quorum answered, so no more
   * than Raft keeps waiting (its pending reads and lease rounds); past BROADCASTS_MAX the
   * oldest is forgotten and reads asked before it are not judged (evictedSeq).
   */
  private noteBroadcast(m: Message): void {
    const key = m.round ?? m.context;
    if (key === undefined || this.broadcasts.has(key) || !this.basisWatch()) return;
    if (this.broadcasts.size >= BROADCASTS_MAX) {
      const [k, old] = this.broadcasts.entries().next().value as [number | string, Broadcast];
      this.broadcasts.delete(k);
      this.evictedSeq = old.seq;
    }
    this.broadcasts.set(key, { seq: ++this.basisSeq, tick: this.ticksGiven, acks: new Set(), count: 0, voters: null });
  }

  /**
   * A member answered a broadcast: once the answers of the current voters (this leader
   * included) are a quorum, it is a basis for reads, and so is nothing older. An answer from
   * a learner counts once it is a voter: it came after the broadcast, and a new leader needs
   * a quorum of the configuration that holds it.
   */
  private noteBroadcastAck(from: NodeId, m: Message): void {
    const key = m.round ?? m.context;
    const b = key === undefined ? undefined : this.broadcasts.get(key);
    if (b === undefined || b.acks === null) return;
    const fresh = !b.acks.has(from);
    if (fresh) b.acks.add(from);
    const raft = this.raft as RawNode;
    const voters = raft.voterIds();
    if (voters !== b.voters) {
      b.voters = voters;
      b.count = raft.isVoter(this.ctx.id) ? 1 : 0;
      for (const v of b.acks) if (raft.isVoter(v)) b.count++;
    } else if (fresh && raft.isVoter(from)) b.count++;
    if (b.count <= voters.length / 2) return;
    b.acks = null;
    this.quorateSeq = Math.max(this.quorateSeq, b.seq);
    this.quorateTick = Math.max(this.quorateTick, b.tick);
    // Older broadcasts can no longer give a newer basis (the map keeps insertion order, which is seq order).
    for (const [k, old] of this.broadcasts) {
      if (old.seq > b.seq) break;
      this.broadcasts.delete(k);
    }
  }

  /**
   * For each read of this server's clients that Raft releases, what it rests on, judged by
   * the read-basis check: whether a quorum answered a broadcast sent after the read was
   * asked (ReadIndex), else how many ticks ago the newest broadcast a quorum answered was
   * sent (a lease), and whether a transfer ended the lease.
   */
  private reportReadBasis(rd: Ready): void {
    const leads = this.basisWatch();
    const voters = (this.raft as RawNode).voterIds();
    for (const rs of rd.readStates) {
      const p = this.pendingReads.get(rs.requestCtx);
      if (p === undefined || !leads || this.evictedSeq > p.askedSeq) continue;
      this.ctx.telemetry.emit('kv.read_basis', {
        ctx: p.ctx, lease: this.config.readMode === 'lease', alone: voters.length === 1 && voters[0] === this.ctx.id,
        afterAsked: this.quorateSeq > p.askedSeq, sinceBasis: this.quorateTick < 0 ? -1 : this.ticksGiven - this.quorateTick,
        revoked: this.basisRevoked, electionTicks: this.config.electionTicks, driftMax: this.config.clockDriftMax,
      });
    }
  }

  /**
   * The configuration in force, when it changed, with the commit index it follows from
   * (Raft applies a conf entry when it learns the entry is committed): for the membership
   * check, which folds the committed conf entries itself. Emitted before the hard state of
   * the same Ready, so a commit reported after it is one this configuration answers for.
   */
  private reportConf(): void {
    const raft = this.raft as RawNode;
    const conf = raft.confState();
    if (conf === this.confSeen) return;
    this.confSeen = conf;
    this.ctx.telemetry.emit('raft.conf', { voters: conf.voters.join(','), learners: conf.learners.join(','), commit: raft.commitIndex() });
  }

  /** A leader reports each follower's match index when it moves (match monotonicity check). */
  private reportMatches(): void {
    const raft = this.raft as RawNode;
    if (!raft.isLeader()) {
      if (this.matchSeen.size > 0) this.matchSeen.clear();
      return;
    }
    const term = raft.currentTerm();
    if (term !== this.matchTerm) {
      this.matchTerm = term;
      this.matchSeen.clear();
    }
    for (const id of raft.memberIds()) {
      if (id === this.ctx.id) continue;
      const m = raft.matchOf(id);
      if (m === undefined || this.matchSeen.get(id) === m) continue;
      this.matchSeen.set(id, m);
      this.ctx.telemetry.emit('raft.match', { term, to: id, match: m });
    }
  }

  private applyReady(rd: Ready): void {
    if (rd.snapshot !== undefined) {
      this.applied = rd.snapshot.meta.index;
      this.restoreData(rd.snapshot.data, this.applied);
      this.reportSessions(this.applied, -1);
      this.snapshotIndex = this.applied;
      this.ctx.telemetry.emit('raft.snapshot_applied', { index: this.applied, term: rd.snapshot.meta.term });
    }
    for (const e of rd.committedEntries) {
      if (e.index <= this.applied) continue;
      this.applyEntry(e);
      this.applied = e.index;
      this.ctx.telemetry.emit('kv.state', { index: e.index, digest: this.kv.digest(), changed: this.changedAt === e.index, ran: this.ranAt === e.index });
    }
    for (const rs of rd.readStates) {
      const p = this.pendingReads.get(rs.requestCtx);
      if (p === undefined) {
        this.onOtherReadState(rs.requestCtx, rs.index);
        continue;
      }
      this.pendingReads.delete(rs.requestCtx);
      p.index = rs.index;
      p.readIndexUs = this.ctx.now() - p.askedUs;
      this.readyReads.push(p);
    }
  }

  private applyEntry(e: Entry): void {
    this.ctx.telemetry.emit('raft.apply', { index: e.index, term: e.term, type: e.type, data: e.data });
    if (e.type !== 'normal' || e.data === '') return;
    const entry = decodeEntry(e.data);
    if (entry === null) return;
    if (isRegister(entry)) {
      this.applyRegister(entry.register, entry.count);
      return this.reportSessions(e.index, entry.count);
    }
    this.applyCommand(e.index, entry);
    if (this.kv.sessionCount !== this.sessionsSeen) this.reportSessions(e.index, 0);
  }

  /**
   * 'kv.sessions', for the session-bound check: the session count after the entry at
   * `index`, and how many sessions that entry registered (-1: a new base, after a restart or
   * a snapshot). Emitted for registrations, bases, and any other entry that changed the
   * count (which only a bug does), so it costs one comparison per applied command.
   */
  private reportSessions(index: number, opened: number): void {
    this.sessionsSeen = this.kv.sessionCount;
    this.ctx.telemetry.emit('kv.sessions', { index, count: this.sessionsSeen, opened, max: this.kv.maxSessions });
  }

  private applyRegister(nonce: string, count: number): void {
    const clientId = this.kv.register(count);
    const waiting = this.pendingRegisters.get(nonce);
    if (waiting === undefined) return;
    this.pendingRegisters.delete(nonce);
    this.answer(waiting.client, { type: 'kv.registered', clientId, rid: waiting.rid, nonce, count });
  }

  private applyCommand(index: number, cmd: KvCommand): void {
    const before = this.kv.read(cmd.op.key);
    const runs = this.kv.commandsRun;
    const result = this.kv.apply(cmd);
    const after = this.kv.read(cmd.op.key);
    if (after !== before) this.changedAt = index;
    if (this.kv.commandsRun !== runs) this.ranAt = index;
    this.onApplied(index, cmd.op.key, before, after);
    if (!result.ok && result.error === 'session-expired') this.ctx.telemetry.emit('kv.session_expired', { clientId: cmd.clientId, seq: cmd.seq });
    const key = this.waitingKey(cmd.clientId, cmd.seq);
    const waiting = this.pendingWrites.get(key);
    if (waiting === undefined) return;
    this.pendingWrites.delete(key);
    this.answer(waiting.client, { type: 'kv.resp', clientId: cmd.clientId, rid: waiting.rid, result }, null, cmd.seq);
  }

  /** The key a write waits for its apply under: its session and seq ("clientId:seq"; the bug flag waitingBySession drops the seq). */
  private waitingKey(clientId: number, seq: number): string {
    return this.config.bugs.waitingBySession === true ? `${clientId}:` : `${clientId}:${seq}`;
  }

  private serveReads(): void {
    // Most calls find nothing waiting; setting an array's length is a runtime call, so skip it.
    if (this.readyReads.length === 0) return;
    let kept = 0;
    for (const p of this.readyReads) {
      if (p.index <= this.applied) {
        this.answer(p.client, { type: 'kv.resp', clientId: p.req.clientId, rid: p.req.rid, result: { ok: true, value: this.kv.read((p.req.op as { key: string }).key) } }, p);
      } else {
        this.readyReads[kept++] = p;
      }
    }
    if (kept !== this.readyReads.length) this.readyReads.length = kept;
  }

  private maybeCompact(): void {
    const raft = this.raft as RawNode;
    const stale = this.snapshotLacksMember;
    this.snapshotLacksMember = false;
    if (this.applied - this.snapshotIndex < (stale ? 1 : this.config.snapshotEvery)) return;
    if (raft.compact(this.applied, this.snapshotData())) this.snapshotIndex = this.applied;
  }
  // ---- Extension hooks (see the module comment); no-ops here ----

  /** A committed command changed (or left unchanged) `key` at log `index`. */
  protected onApplied(_index: number, _key: string, _before: string | null, _after: string | null): void {}

  /** The data stored in a snapshot at compaction: the KV image, plus a subclass's own. */
  protected snapshotData(): string {
    return this.kv.snapshot();
  }

  /** Replaces the state from snapshot data (on recovery, or when the leader sends one). */
  protected restoreData(data: string, _index: number): void {
    this.kv = KvStateMachine.restore(data, this.config.bugs.restoreSessionsById === true, this.config.bugs.unknownSessionApplied === true);
  }

  /** A message that is neither Raft's nor the KV protocol's; true if the subclass took it. */
  protected onOtherMessage(_from: NodeId, _raw: unknown): boolean {
    return false;
  }

  /** A timer the server did not set; true if the subclass took it. */
  protected onOtherTimer(_tag: string): boolean {
    return false;
  }

  /** A ReadIndex answer for a read context the KV server did not issue. */
  protected onOtherReadState(_ctx: string, _index: number): void {}

  /** After each Ready round's apply, replies and compaction check. */
  protected afterReadyRound(): void {}

  /**
   * Asks Raft for a read index (answered through onOtherReadState); false if Raft is not
   * running. Call it from onOtherMessage or onOtherTimer: the server handles the Ready after.
   */
  protected requestReadIndex(ctx: string): boolean {
    if (this.raft === null) return false;
    this.raft.readIndex(ctx);
    return true;
  }

  /** The last applied log index. */
  protected get appliedIndex(): number {
    return this.applied;
  }

  /** The leader this server knows (-1 if none, or if Raft is not running). */
  protected knownLeader(): NodeId {
    return this.raft?.leader() ?? -1;
  }

  /** Whether Raft has recovered from the disk and runs. */
  protected get running(): boolean {
    return this.raft !== null;
  }


  /** On a role change: tell waiting clients to retry elsewhere, and report leadership. */
  private noteRole(): void {
    const raft = this.raft as RawNode;
    const st = raft.status();
    if (st.lead !== this.leadSeen) {
      this.leadSeen = st.lead;
      this.ctx.telemetry.emit('raft.lead', { lead: st.lead, term: st.term });
    }
    if (st.role === this.lastRole) return;
    const wasLeader = this.lastRole === 'leader';
    this.lastRole = st.role;
    this.ctx.telemetry.emit('raft.role', { role: st.role, term: st.term, voters: st.conf.voters.join(',') });
    if (st.role === 'leader') this.ctx.telemetry.emit('raft.leader', { term: st.term, lastIndex: st.lastIndex, logTerms: this.logTerms(), voters: st.conf.voters.join(',') });
    if (!wasLeader) return;
    // Entries may still commit under the next leader; a retry with the same seq is exactly-once.
    for (const [key, w] of [...this.pendingWrites].sort()) {
      this.answer(w.client, { type: 'kv.redirect', clientId: Number(key.split(':')[0]), rid: w.rid, leader: st.lead });
    }
    // A registration may commit later too; a retry registers again (an unused session is harmless).
    for (const [, w] of [...this.pendingRegisters].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      this.answer(w.client, { type: 'kv.redirect', clientId: 0, rid: w.rid, leader: st.lead });
    }
    this.pendingWrites.clear();
    this.pendingRegisters.clear();
    this.pendingReads.clear();
    this.readyReads.length = 0;
  }

  /** The log's terms, run-length encoded as "index:term,index:term" from the first index. */
  private logTerms(): string {
    const raft = this.raft as RawNode;
    const st = raft.status();
    const parts: string[] = [];
    let prev = -1;
    for (let i = Math.max(st.firstIndex, st.snapshotIndex + 1); i <= st.lastIndex; i++) {
      const t = raft.term(i);
      if (t !== undefined && t !== prev) {
        parts.push(`${i}:${t}`);
        prev = t;
      }
    }
    return `${st.snapshotIndex}|${parts.join(',')}`;
  }

  memoryBytes(): number {
    // Called after every event: keep it to a few field reads.
    const logEntries = this.raft?.logLength() ?? 0;
    return 4096 + this.kv.sizeBytes() + logEntries * 128 + this.pendingCount() * 256;
  }

  inspect(): ProcessView {
    if (this.raft === null) return { role: 'recovering', summary: 'cannot read its disk' };
    const st = this.raft.status();
    const lo = Math.max(st.firstIndex, st.lastIndex - 19);
    const log = this.raft.entries(lo, st.lastIndex + 1).map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data.length > 60 ? `${e.data.slice(0, 57)}...` : e.data }));
    // Ticks due but not yet delivered (they are delivered in a batch before the next input) count too.
    const undelivered = Math.max(0, Math.floor((this.ctx.now() - this.tickOriginUs) / this.config.tickUs) - this.ticksDone);
    return {
      role: st.role,
      summary: `term ${st.term} · commit ${st.commit} · applied ${this.applied}`,
      details: {
        term: st.term, vote: st.vote, lead: st.lead, commit: st.commit, applied: this.applied,
        firstIndex: st.firstIndex, lastIndex: st.lastIndex, snapshotIndex: st.snapshotIndex,
        voters: st.conf.voters, learners: st.conf.learners, log,
        electionElapsed: Math.min(st.electionTimeout, st.electionElapsed + undelivered), electionTimeout: st.electionTimeout,
        ...(st.votes === undefined ? {} : { votes: st.votes }),
        kv: { keys: this.kv.keyCount, digest: this.kv.digest() }, rejected: this.rejected, diskErrors: this.diskErrors,
      },
    };
  }
}

/** A disk whose fsync does nothing: the skipFsync bug, acknowledging unsynced data. */
function lyingDisk(d: DiskPort): DiskPort {
  return {
    append: (f, r) => d.append(f, r),
    replace: (f, rs) => d.replace(f, rs),
    remove: (f) => d.remove(f),
    fsync: () => ({ ok: true }),
    read: (f) => d.read(f),
    list: () => d.list(),
  };
}
