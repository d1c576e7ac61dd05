// Raft's log, commit and progress invariants on every node, checked as the run goes.
//
// Contract: from the servers' telemetry ('raft.append', 'raft.hardstate', 'raft.match', 'raft.ack',
// 'raft.recovered', 'raft.snapshot_stored', 'raft.leader', all emitted before anything
// that depends on them is sent) the checker keeps a bounded mirror of every node's durable
// log (term and hash per entry) and hard state, and reports a violation the moment one of
// these breaks:
// - log-matching (§5.3): two entries with the same index and term hold the same command
//   and follow the same previous term, on every pair of logs, committed or not;
// - committed-entries (§5.4): nodes that commit an index commit the same entry there, no
//   node overwrites an entry that some node committed, and a new leader's log holds every
//   committed entry (leader completeness on commit indexes, not only on applied ones);
// - commit-monotonic: a node's commit index never goes back, within a run of the process
//   or across a restart (a restart starts from the commit it persisted);
// - commit-within-log: no node's commit index is beyond the last entry of its log;
// - match-monotonic: within one leader's term, its match index for a follower never goes
//   back; match-sound: a follower in that term really holds the leader's entry there;
//   ack-sound: a follower acknowledges no more than the append it answers proved;
// - vote-once (§5.2): a node grants at most one vote per term, across restarts too, as its
//   hard states say and as the candidates see it ('raft.vote': two candidates granted by
//   the same voter in the same term, whatever the voter reported durable);
// - term-adopt (§5.1, Figure 2 "Rules for Servers"): a node that steps a message of a
//   higher term moves to that term ('raft.higher_term'), except a vote request it ignores
//   while it hears a leader (CheckQuorum, thesis §9.6) and pre-vote traffic, which asks
//   about a term without starting it. A stale leader that drops higher-term responses keeps
//   leading a term the cluster has left. "While it hears a leader" is the server's own
//   count (the `sticky` of leader-sticky: it leads, heard its leader within the election
//   timeout, or restarted with lease reads less than one ago; 'raft.higher_term' sticky),
//   widened to a node that knows a leader and had any reason to restart its election timer
//   within the timeout (timerFresh: Raft's guard runs on that timer, which a re-granted vote
//   restarts too). A node that ignores vote requests for longer (a guard measured on the
//   randomized timeout, say) delays every election after a leader's loss and fails here.
//   Its other half: under PreVote or CheckQuorum a node answers an append or heartbeat of an
//   older term with its own term ('raft.stale_unanswered' when it did not), which is how a
//   leader cut off from the cluster learns the newer term;
// - check-quorum (thesis §6.2): under CheckQuorum, a leader that has not heard from a quorum
//   of its voters for more than two election timeouts has stepped down ('raft.stranded',
//   which the server reports from the answers it stepped and the ticks it gave Raft);
// - campaign-voter (thesis §4.2.1, §4.2.2): only a voter of its configuration campaigns;
//   a learner, or a server removed from the configuration, never does ('raft.campaign'
//   says whether the node was a voter);
// - vote-up-to-date (§5.4.1, the election restriction): a node grants its vote only to a
//   candidate whose last entry is at least as up-to-date as its own ('raft.granted': the
//   request's index and term and the voter's own, as it stepped the request), forced
//   elections of a leadership transfer included, and so does a pre-vote (thesis §9.6);
// - leader-sticky (CheckQuorum, thesis §4.2.3): a node that leads, or has heard from the
//   leader of its term within the election timeout, or (with lease reads) restarted with a
//   term on disk less than an election timeout ago, ignores a vote request of a higher
//   term (unless a leadership transfer forces the election): it neither adopts the term nor
//   answers. The server tells ('raft.higher_term' sticky, from what it stepped and when,
//   counted by the server itself, not read from Raft). Without it a node cut off from the
//   leader alone deposes it, and a lease read, which rests on this rule, can be stale;
// - term-sound (§5.1, thesis §9.6): no node enters a term nobody campaigned for: every
//   term starts with some node's election campaign ('raft.campaign', pre false, reported
//   before its 'raft.term'), and others adopt it only from messages. A PreVote that moves
//   its receivers' terms (the disruption PreVote exists to prevent), or a term taken from
//   a message that carried none, breaks it;
// - conf-one-at-a-time (thesis §4.1): a leader appends a configuration change only when
//   no earlier one in its log is still uncommitted ('raft.append' lists the conf entries and
//   the commit of the Ready that carried them): two changes in flight can form two disjoint
//   majorities across a leader change;
// - vote-sound (§5.2): a node becomes leader of a term only with a quorum of its
//   configuration's voters (itself included) having granted it their vote in that term, as
//   the grants reached it ('raft.vote', then 'raft.leader' with its voters): a candidate that
//   counts a grant from an earlier campaign, a refusal, or a vote it never received, wins
//   an election it did not win, whether or not a second leader shows up in that term;
// - candidate-persists (Figure 2, Rules for Servers, candidates): a candidate that returns
//   to follower in its own term knowing no leader has been refused by more than
//   voters - quorum of its voters ('raft.role' with its voters, 'raft.vote' refusals), so no
//   quorum could grant it; giving up earlier abandons an election it could still win;
// - durability (§5.1, Figure 2 "persistent state"): a restart starts from at least the term,
//   the vote, the commit and the log entries it had made durable, and a voter's grant reaches
//   its candidate only after the voter made a vote in that term durable ('raft.vote' against
//   the voter's last 'raft.hardstate' or 'raft.recovered'). Writes made while the
//   scenario had the node's fsync lie (its fsyncLoss faults, passed in) are not counted as
//   durable;
// - read-index-sound (§6.4 of the Raft thesis, ReadIndex): a server serves a read at an
//   index no lower than the highest commit index any node had made durable when the read
//   reached it ('kv.read', then 'kv.reply' with its readIndex): every write committed
//   by then may have been acknowledged, so a read below it can miss one. This is what a
//   leader that serves reads before committing an entry of its own term, or a lease held
//   past a newer leader's election, gets wrong, whether or not a stale value shows.
// - read-leader-sound (§6.4 of the Raft thesis, and §6.4.1 for leases): a leader answers a
//   read only if no leader of a newer term had been elected when the read reached it
//   ('raft.leader', then 'kv.read' and its 'kv.reply'). ReadIndex guarantees it with a
//   heartbeat round a quorum answers (a quorum that elected a newer leader cannot answer in
//   the old term), a lease with timing: this catches a lease held past a newer leader's
//   election the moment a read is served from it, before that leader commits anything
//   read-index-sound would see. Not judged in a run whose servers read by lease while its
//   clock faults go beyond the drift bound the lease assumes (`leaseClocksBroken`);
// - snapshot-sound (§7): a snapshot a node takes of its own state ('raft.compacted') ends at
//   an entry it has committed, and names that entry's term, as its own log holds it (or, when
//   the checker's mirror no longer holds it, as the committed record does): a follower that
//   installs it, or the node itself after compacting, takes that term for the entry the log
//   now starts after. A snapshot that names another term makes every append after it fail
//   the previous-entry check, or pass it wrongly. A compaction neither can judge makes the
//   check inconclusive;
// - transfer-bounded (thesis §3.10): a leader refuses a client's write only while a transfer
//   it accepted is pending, for at most an election timeout (doubled here: the server's
//   count of ticks and Raft's may differ), or while its uncommitted log is full
//   ('kv.write_refused'): a transfer that cannot complete is abandoned and writes flow again;
// - lead-sound (§5.2): a node that stops leading names no longer itself as the leader it
//   knows ('raft.lead', then 'raft.role'; a restart forgets it): a server that does would
//   send clients back to itself and, under CheckQuorum, ignore vote requests as if it still
//   heard a leader;
// - campaign-due (Figure 2, "Rules for Servers"): a voter that does not lead and, for longer
//   than the longest randomized election timeout, stepped no append, heartbeat or snapshot of
//   the leader of its term, granted no election vote and saw no new term or role, has
//   campaigned ('raft.overdue', which the server reports from what it stepped and the ticks
//   it gave Raft, not from Raft's timer): a timer restarted for anything else (a refusal, a
//   pre-vote, a stale message) can keep a cluster from electing a leader;
// Memory is bounded: each node's mirror keeps its last MIRROR_ENTRIES_MAX entries, and the
// cross-node records keep only indexes above the lowest commit index of all nodes (every
// node has been compared there; a retired node, World.retire, no longer counts), at most
// RECORDS_MAX; a comparison that would need an
// evicted record is counted, and makes the check inconclusive instead of passing.
import type { Micros, NodeId } from '../../core/env.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { formatCount } from '../kernel/time.ts';
import { notApplicable } from './verdict.ts';

/** Entries of each node's log the mirror keeps at most (the newest). */
export const MIRROR_ENTRIES_MAX = 100_000;
/** Reads the read-index-sound check waits on at most (a read whose server crashed is never answered). */
const READS_ASKED_MAX = 65_536;
/** Indexes the cross-node records (committed entries, log matching) keep at most. */
export const RECORDS_MAX = 500_000;
/** Violations reported per check; later ones are only counted. */
const VIOLATIONS_PER_CHECK_MAX = 3;
const NONE = -1;
/**
 * Messages whose higher term a node may leave unadopted (term-adopt): pre-vote traffic, and
 * an election vote request only while CheckQuorum binds the node to ignore it (sticky).
 */
const TERM_ADOPT_EXEMPT: ReadonlySet<string> = new Set(['MsgPreVote', 'MsgPreVoteResp']);
/** Votes (voter, term) the candidates' side of vote-once remembers at most. */
const GRANTS_MAX = 100_000;

interface ReadAsked {
  commit: number;
  by: NodeId;
  /** The term the server led when the read reached it (-1: not leading). */
  term: number;
  /** The newest leader's term then, and that leader. */
  newest: number;
  newestBy: NodeId;
}

interface Hard {
  term: number;
  vote: number;
  commit: number;
}

/** An entry hash the checker does not know (a mirror rebuilt from a recovery, which reports terms only). */
const UNKNOWN_HASH = -1;

/**
 * An entry's hash as reported ('raft.append': base36 digits of a 32-bit FNV-1a, core/kv/server.ts)
 * as a number, so the mirror keeps 8 bytes per entry instead of a string. One to nine
 * base36 digits give their value times ten plus their count (exact below 2^53, and
 * different digit strings give different codes, leading zeros included); '' or a missing
 * hash gives UNKNOWN_HASH; anything else (a workload of its own reporting other text) gives
 * -2 minus its FNV-1a, apart from every code of digits. Hashes are only compared for equality.
 */
export function hashCode(h: string | undefined): number {
  if (h === undefined || h.length === 0) return UNKNOWN_HASH;
  if (h.length > 9) return otherHash(h);
  let n = 0;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x7a ? c - 0x61 + 10 : -1;
    if (d < 0) return otherHash(h);
    n = n * 36 + d;
  }
  return n * 10 + h.length;
}

function otherHash(h: string): number {
  let x = 0x811c9dc5;
  for (let i = 0; i < h.length; i++) x = Math.imul(x ^ h.charCodeAt(i), 0x01000193);
  return -2 - (x >>> 0);
}

/**
 * One node's durable log as far as the checker knows it: terms and hash codes in typed
 * arrays (a long run's mirrors held about a million entries as numbers and strings).
 */
class LogMirror {
  /** Index of the first entry held; entries below it are unknown (compacted away, or out of the window). */
  base = 1;
  /** Entries held: indexes base .. base + length - 1. */
  private length = 0;
  private terms = new Float64Array(16);
  /** UNKNOWN_HASH when unknown. */
  private hashes = new Float64Array(16);
  /** The entry just below `base`, when known (a snapshot's last entry). */
  prevIndex = 0;
  prevTerm = 0;

  get lastIndex(): number {
    return this.base + this.length - 1;
  }

  termAt(i: number): number | undefined {
    if (i === this.prevIndex) return this.prevTerm;
    if (i < this.base || i > this.lastIndex) return undefined;
    return this.terms[i - this.base];
  }

  hashAt(i: number): number {
    return i < this.base || i > this.lastIndex ? UNKNOWN_HASH : this.hashes[i - this.base];
  }

  truncateTo(last: number): void {
    if (last < this.base - 1) {
      this.reset(last + 1);
      return;
    }
    // Never lengthens: past the last entry there is nothing to keep.
    this.length = Math.min(this.length, last - this.base + 1);
  }

  reset(base: number, prevTerm?: number): void {
    this.base = base;
    this.length = 0;
    this.prevIndex = prevTerm === undefined ? 0 : base - 1;
    this.prevTerm = prevTerm ?? 0;
  }

  push(term: number, hash: number): void {
    if (this.length === this.terms.length) {
      // Doubling, but never past what the window holds before it slides (2 * MIRROR_ENTRIES_MAX + 1).
      const cap = Math.min(this.terms.length * 2, 2 * MIRROR_ENTRIES_MAX + 1);
      const terms = new Float64Array(cap);
      const hashes = new Float64Array(cap);
      terms.set(this.terms);
      hashes.set(this.hashes);
      this.terms = terms;
      this.hashes = hashes;
    }
    this.terms[this.length] = term;
    this.hashes[this.length] = hash;
    this.length++;
    if (this.length > 2 * MIRROR_ENTRIES_MAX) {
      const drop = this.length - MIRROR_ENTRIES_MAX;
      this.prevIndex = this.base + drop - 1;
      this.prevTerm = this.terms[drop - 1];
      this.terms.copyWithin(0, drop, this.length);
      this.hashes.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.base += drop;
    }
  }
}

interface NodeState {
  log: LogMirror;
  /** The hard state last reported in this run of the process. */
  hard: Hard;
  /** The hard state last made durable with an honest fsync. */
  durable: Hard;
  /** Some write since the last start went to a lying disk: the log may legitimately lose it. */
  lied: boolean;
  /** Indexes of the configuration-change entries in its log above its commit index, ascending. */
  confs: number[];
}

interface Variant {
  term: number;
  hash: number;
  prevTerm: number;
  node: NodeId;
}

interface Committed {
  term: number;
  hash: number;
  node: NodeId;
  /** The lowest term in which a node reported it committed: every leader from this term on holds it. */
  commitTerm: number;
}

/** Parses "snapshotIndex|index:term,index:term" (see KvServer.logTerms). */
export function parseLogTerms(text: string): { snapshotIndex: number; runs: [number, number][] } {
  const [snapText, runsText = ''] = text.split('|');
  const runs = runsText === '' ? [] : runsText.split(',').map((p) => p.split(':').map(Number) as [number, number]);
  return { snapshotIndex: Number(snapText), runs };
}

/**
 * The first place a log's terms (as runs of equal terms, in index order) go back: every
 * entry's term is at least its predecessor's in any log Raft builds, whatever was lost,
 * torn or truncated, so a recovered log where they fall holds entries that were replaced.
 */
export function termsGoBack(runs: readonly [number, number][]): { index: number; term: number; before: number } | null {
  for (let k = 1; k < runs.length; k++) {
    if (runs[k][1] < runs[k - 1][1]) return { index: runs[k][0], term: runs[k][1], before: runs[k - 1][1] };
  }
  return null;
}

function runTermAt(runs: readonly [number, number][], i: number): number | undefined {
  let t: number | undefined;
  for (const [start, rt] of runs) {
    if (start > i) break;
    t = rt;
  }
  return t;
}

export class RaftLogChecks {
  private readonly nodes = new Map<NodeId, NodeState>();
  private readonly variants = new Map<number, Variant[]>();
  private readonly committed = new Map<number, Committed>();
  /** Indexes below this were evicted from `variants` and `committed`. */
  private recordsLow = 1;
  /** Indexes up to this were evicted by the size cap before every node had committed them. */
  private cappedTo = 0;
  private maxIndex = 0;
  /** Match per leader and follower in the leader's term: key leader * 65536 + follower. */
  private readonly matches = new Map<number, { term: number; match: number }>();
  private readonly reported = new Map<string, number>();
  /** Comparisons that needed an evicted record. */
  unchecked = 0;
  /** Snapshots (compactions) whose last entry neither the node's mirror nor the committed records held (snapshot-sound). */
  snapshotsUnjudged = 0;
  /** Violations found, by check (including those beyond the reporting cap). */
  readonly found = new Map<string, number>();

  /** The highest commit index any node made durable so far, and the node. */
  private commitMax = 0;
  private commitMaxBy: NodeId = -1;
  /** Reads in flight at a server: "server/ctx" -> the commit bound and the leaders when the read arrived (at most READS_ASKED_MAX, oldest dropped). */
  private readonly readsAsked = new Map<string, ReadAsked>();
  /**
   * candidate-persists: each node's election campaign in progress (from its 'raft.role'
   * candidate, with its voters, until its next role or a restart) and the voters that
   * refused it in that term ('raft.vote').
   */
  private readonly campaigns = new Map<NodeId, { term: number; voters: readonly NodeId[] | undefined; refused: Set<NodeId> }>();
  /** The term each node leads now (from 'raft.leader' until its next role change). */
  private readonly leading = new Map<NodeId, number>();
  /** The leader each node last said it knows (lead-sound), until it restarts. */
  private readonly leads = new Map<NodeId, number>();
  /** The newest term any node was elected leader of so far, and that node. */
  private leaderTermMax = 0;
  private leaderTermMaxBy: NodeId = -1;

  /** Granted votes as the candidates received them: "voter:term" -> candidate (at most GRANTS_MAX, oldest dropped). */
  private readonly grants = new Map<string, NodeId>();
  /** The newest term any node campaigned for (term-sound), and that node. */
  private campaignMax = 0;
  private campaignMaxBy: NodeId = -1;
  /** Per candidate, the voters whose grants it received in its latest campaign's term (vote-sound). */
  private readonly received = new Map<NodeId, { term: number; voters: Set<NodeId> }>();

  /** When each node's fsync lies (the scenario's fsyncLoss faults): [from, to) in µs. */
  private readonly lies = new Map<NodeId, [Micros, Micros][]>();

  /**
   * `faults`: the run's concrete faults, for the windows in which a node's fsync lies.
   * `leaseClocksBroken`: why lease reads may legitimately be stale in this run (a clock
   * moved beyond the lease's drift bound), or null; read-leader-sound is then not judged,
   * and `stats()` says so.
   */
  constructor(private readonly world: World, faults: readonly FaultSpec[] = [], private readonly leaseClocksBroken: string | null = null) {
    for (const f of faults) {
      if (f.kind !== 'fsyncLoss') continue;
      const ws = this.lies.get(f.node) ?? [];
      ws.push([f.at, f.at + f.duration]);
      this.lies.set(f.node, ws);
    }
    world.onTelemetry((t, node, name, f) => {
      switch (name) {
        case 'raft.append':
          this.onAppend(t, node, f.lo as number, String(f.terms), String(f.hashes), f.nodeTerm as number);
          return typeof f.confs === 'string' ? this.onConfs(node, f.lo as number, String(f.terms), f.confs, typeof f.readyCommit === 'number' ? f.readyCommit : -1) : undefined;
        case 'raft.hardstate': return this.onHardState(t, node, { term: f.term as number, vote: f.vote as number, commit: f.commit as number }, f.lastIndex as number);
        case 'raft.match': return this.onMatch(node, f.term as number, f.to as number, f.match as number);
        case 'raft.ack': return this.onAck(node, f.to as number, f.term as number, f.index as number, f.proved as number);
        case 'raft.recovered':
          this.leads.delete(node);
          this.campaigns.delete(node);
          return this.onRecovered(node, { term: f.term as number, vote: f.vote as number, commit: f.commit as number }, f.lastIndex as number, String(f.logTerms));
        case 'raft.snapshot_stored': return this.onSnapshot(node, f.index as number, f.term as number);
        case 'raft.compacted': return this.onCompacted(node, f.index as number, f.term as number);
        case 'raft.role':
          if (f.role !== 'leader' && this.leads.get(node) === node) this.violate('lead-sound', node, `node ${node} became ${String(f.role)} in term ${f.term as number} and still names itself the leader it knows: a server that stops leading knows no leader, or the one that deposed it (§5.2)`);
          this.onRole(node, String(f.role), f.term as number, typeof f.voters === 'string' ? f.voters : undefined);
          return f.role === 'leader' ? undefined : void this.leading.delete(node);
        case 'raft.lead': return void this.leads.set(node, f.lead as number);
        // A configuration that changes during a campaign changes the tally's voters: not judged.
        case 'raft.conf': return void this.campaigns.delete(node);
        case 'kv.write_refused': return this.onWriteRefused(node, f.term as number, f.sinceTransfer as number, f.electionTicks as number, f.full === true);
        case 'raft.campaign':
          if (f.voter === false) this.violate('campaign-voter', node, `node ${node} started ${f.pre === true ? 'a pre-vote round' : 'an election'} for term ${f.term as number}, but it is no voter of its configuration: a learner or a removed server never campaigns (it would count a quorum it is not part of, and may lead a cluster that did not choose it)`);
          return f.pre === true ? undefined : this.onCampaign(node, f.term as number);
        case 'raft.term': return this.onTerm(node, f.term as number);
        case 'raft.higher_term': return this.onHigherTerm(node, f.from as number, String(f.type), f.term as number, f.after as number, f.sticky === true, f.restarted === true, f.timerFresh === true);
        case 'raft.leader':
          if (typeof f.voters === 'string') this.checkElected(node, f.term as number, f.voters);
          this.onElected(node, f.term as number);
          return this.onLeader(node, f.term as number, f.lastIndex as number, String(f.logTerms));
        case 'raft.overdue': return this.violate('campaign-due', node, `node ${node}, a voter in term ${f.term as number} (${String(f.role)}), went ${f.ticks as number} ticks without campaigning, though for all of them it had stepped no append, heartbeat or snapshot of its term's leader, granted no vote and seen no new term or role: a follower or candidate whose election timeout (at most ${2 * (f.electionTicks as number) - 1} ticks) elapses with no such reason campaigns (Figure 2, Rules for Servers), or a cluster that lost its leader may never elect another`);
        case 'raft.stale_unanswered': return this.violate('term-adopt', node, `node ${node}, in term ${f.own as number}, stepped a ${String(f.type)} of term ${f.term as number} from node ${f.from as number} and did not answer it with its own term: under PreVote or CheckQuorum a node answers a stale leader's append or heartbeat (Figure 2, AppendEntries receiver rule 1), since a vote request may not move its term (CheckQuorum) and a pre-vote never does; a leader cut off from the cluster otherwise keeps leading a term the cluster has left`);
        case 'raft.stranded': return this.violate('check-quorum', node, `node ${node} still leads term ${f.term as number} though a quorum of its voters has not answered it for ${f.ticks as number} ticks, more than twice its election timeout of ${f.electionTicks as number}: under CheckQuorum a leader that cannot hear a quorum steps down within two election timeouts, so that clients and a cut-off leader's reads do not wait on it`);
        case 'raft.granted': return this.onGranted(node, f.to as number, f.term as number, f.index as number, f.logTerm as number, f.ownIndex as number, f.ownTerm as number, f.pre === true);
        case 'raft.vote':
          if (f.granted !== true && f.pre !== true) this.campaigns.get(node)?.refused.add(f.from as number);
          return f.granted === true && f.pre !== true ? this.onGrant(t, node, f.from as number, f.term as number) : undefined;
        case 'kv.read': return this.onReadAsked(node, String(f.ctx));
        case 'kv.reply': return typeof f.readIndex === 'number' && f.readIndex >= 0 ? this.onReadServed(node, String(f.readCtx), f.client as number, f.rid as number | string, f.readIndex) : undefined;
        default: return;
      }
    });
    world.onConclude(() => {
      if (this.snapshotsUnjudged > 0) this.world.cannotDecide('snapshot-sound', `${formatCount(this.snapshotsUnjudged)} snapshots ended at an entry neither the node's mirror nor the committed records still held, so the term they name was not compared`);
      if (this.unchecked > 0) this.world.cannotDecide('log-matching', `${formatCount(this.unchecked)} entries fell below the checker's window of ${formatCount(RECORDS_MAX)} indexes and were not compared`);
    });
  }

  /** What the run's stats say of checks that did not apply: none, or read-leader-sound's reason. */
  stats(): Record<string, string> {
    return this.leaseClocksBroken === null ? {} : { readLeaderSound: notApplicable(this.leaseClocksBroken) };
  }

  private state(node: NodeId): NodeState {
    let s = this.nodes.get(node);
    if (s === undefined) {
      const zero = { term: 0, vote: NONE, commit: 0 };
      s = { log: new LogMirror(), hard: { ...zero }, durable: { ...zero }, lied: false, confs: [] };
      this.nodes.set(node, s);
    }
    return s;
  }

  private violate(check: string, node: NodeId, message: string): void {
    this.found.set(check, (this.found.get(check) ?? 0) + 1);
    const n = this.reported.get(check) ?? 0;
    this.reported.set(check, n + 1);
    if (n < VIOLATIONS_PER_CHECK_MAX) this.world.violate(check, node, message);
  }

  private diskLies(node: NodeId, t: Micros): boolean {
    return (this.lies.get(node) ?? []).some(([from, to]) => t >= from && t < to);
  }

  // ---- the log ----

  private onAppend(t: Micros, node: NodeId, lo: number, termsText: string, hashesText: string, nodeTerm: number): void {
    const s = this.state(node);
    if (this.diskLies(node, t)) s.lied = true;
    const terms = termsText.split(',').map(Number);
    const hashTexts = hashesText.split(',');
    // One code per term: a hash missing from the text is unknown, as one left empty is.
    const hashes = terms.map((_, k) => hashCode(hashTexts[k]));
    const log = s.log;
    // The entries were taken in some term between the last durable one and the current one
    // (a Ready the disk refused is persisted later, perhaps in a newer term): judge by the
    // older, which is what the node surely had when it took them.
    const takenTerm = Math.min(nodeTerm, s.hard.term);
    if (lo > log.lastIndex + 1) log.reset(lo);
    let prevTerm = log.termAt(lo - 1) ?? -1;
    for (let k = 0; k < terms.length; k++) {
      const i = lo + k;
      this.checkAppend(node, s, i, terms[k], hashes[k], prevTerm, takenTerm);
      prevTerm = terms[k];
    }
    if (lo <= log.lastIndex) log.truncateTo(lo - 1);
    if (lo < log.base) log.reset(lo);
    for (let k = 0; k < terms.length; k++) log.push(terms[k], hashes[k]);
    this.maxIndex = Math.max(this.maxIndex, lo + terms.length - 1);
  }

  private checkAppend(node: NodeId, s: NodeState, i: number, term: number, hash: number, prevTerm: number, nodeTerm: number): void {
    const own = s.log.termAt(i);
    if (i <= s.hard.commit && own !== undefined && own !== term) {
      this.violate('committed-entries', node, `node ${node} overwrote its own committed entry ${i} (term ${own}) with one of term ${term}; its commit index is ${s.hard.commit}`);
    }
    if (i < this.recordsLow) {
      // Below the lowest commit index of all nodes the entry is committed everywhere, and the
      // apply-time state machine safety check compares it; only what the size cap evicted
      // above that floor goes unchecked.
      if (i <= this.cappedTo && i > s.hard.commit) this.unchecked++;
      return;
    }
    // A node still in an older term may take a stale leader's entries over a committed one
    // (the leader of its term never learned of it); from the committing term on, none may.
    const c = this.committed.get(i);
    if (c !== undefined && nodeTerm >= c.commitTerm && (c.term !== term || (c.hash !== UNKNOWN_HASH && hash !== UNKNOWN_HASH && c.hash !== hash))) {
      this.violate('committed-entries', node, `node ${node} in term ${nodeTerm} wrote entry ${i} of term ${term} over the entry of term ${c.term} that node ${c.node} committed in term ${c.commitTerm}`);
    }
    this.matchVariant(node, i, term, hash, prevTerm);
  }

  /** Log matching: the same (index, term) always holds the same entry after the same term. */
  private matchVariant(node: NodeId, i: number, term: number, hash: number, prevTerm: number): void {
    let vs = this.variants.get(i);
    if (vs === undefined) {
      vs = [];
      this.variants.set(i, vs);
    }
    const v = vs.find((x) => x.term === term);
    if (v === undefined) {
      vs.push({ term, hash, prevTerm, node });
      this.evict();
      return;
    }
    if (v.hash !== UNKNOWN_HASH && hash !== UNKNOWN_HASH && v.hash !== hash) {
      this.violate('log-matching', node, `node ${node} holds a different entry at index ${i}, term ${term}, than node ${v.node} does`);
    } else if (v.prevTerm >= 0 && prevTerm >= 0 && v.prevTerm !== prevTerm) {
      this.violate('log-matching', node, `node ${node}'s entry ${i} of term ${term} follows an entry of term ${prevTerm}, but node ${v.node}'s follows term ${v.prevTerm}`);
    }
    if (v.hash === UNKNOWN_HASH) v.hash = hash;
    if (v.prevTerm < 0) v.prevTerm = prevTerm;
  }

  /** Forgets records every node has committed past, and the oldest beyond RECORDS_MAX. */
  private evict(): void {
    let floor = Infinity;
    // A retired node (removed from the cluster and shut down for good) commits nothing more:
    // it must not hold the records back for the rest of the run.
    for (const [id, s] of this.nodes) if (!this.world.retired.has(id)) floor = Math.min(floor, s.hard.commit, s.durable.commit);
    if (floor === Infinity) return;
    const cap = this.maxIndex - RECORDS_MAX + 1;
    if (cap > floor + 1) this.cappedTo = Math.max(this.cappedTo, cap - 1);
    floor = Math.max(floor + 1, cap);
    while (this.recordsLow < floor) {
      this.variants.delete(this.recordsLow);
      this.committed.delete(this.recordsLow);
      this.recordsLow++;
    }
  }

  private onSnapshot(node: NodeId, index: number, term: number): void {
    const s = this.state(node);
    const c = index >= this.recordsLow ? this.committed.get(index) : undefined;
    if (c !== undefined && c.term !== term) this.violate('committed-entries', node, `node ${node} installed a snapshot ending at entry ${index} of term ${term}, but node ${c.node} committed term ${c.term} there`);
    s.log.reset(index + 1, term);
  }

  /**
   * snapshot-sound: `node` compacted its log with a snapshot of its own ending at `index` and
   * naming `term` for that entry. The entry is one it applied, so committed: the snapshot
   * must name the term its log holds there.
   */
  private onCompacted(node: NodeId, index: number, term: number): void {
    const s = this.state(node);
    if (index > s.hard.commit) {
      this.violate('snapshot-sound', node, `node ${node} took a snapshot ending at entry ${index}, beyond its commit index ${s.hard.commit}: a snapshot images only applied, so committed, entries`);
      return;
    }
    const own = s.log.termAt(index);
    const c = index >= this.recordsLow ? this.committed.get(index) : undefined;
    const want = own ?? c?.term;
    if (want === undefined) {
      this.snapshotsUnjudged++;
      return;
    }
    if (want === term) return;
    const whose = own !== undefined ? 'its own log holds' : `node ${(c as Committed).node} committed`;
    this.violate('snapshot-sound', node, `node ${node} took a snapshot ending at entry ${index} and named term ${term} for it, but ${whose} term ${want} there: a snapshot names the term of its last entry, which the log that continues it (its own, or a follower's that installs it) takes as the previous entry's term`);
  }

  // ---- commit, terms and votes ----

  /**
   * `node` took a read (context `ctx`): remember the highest durable commit of any node and
   * the leaders at that moment. A context is unique within a server process (a restart
   * numbers its reads afresh: `onRecovered` forgets the reads of the process before); one
   * seen again keeps the earlier record.
   */
  private onReadAsked(node: NodeId, ctx: string): void {
    const key = `${node}/${ctx}`;
    if (this.readsAsked.has(key)) return;
    if (this.readsAsked.size >= READS_ASKED_MAX) this.readsAsked.delete(this.readsAsked.keys().next().value as string);
    this.readsAsked.set(key, { commit: this.commitMax, by: this.commitMaxBy, term: this.leading.get(node) ?? -1, newest: this.leaderTermMax, newestBy: this.leaderTermMaxBy });
  }

  private onCampaign(node: NodeId, term: number): void {
    if (term <= this.campaignMax) return;
    this.campaignMax = term;
    this.campaignMaxBy = node;
  }

  /**
   * vote-up-to-date (§5.4.1): `node` granted its vote in `term` to `candidate`, whose request
   * named its last entry (index, logTerm); the voter's own last entry was (ownIndex,
   * ownTerm). A vote goes only to a log at least as up-to-date: a later last term, or the
   * same last term and at least as long. A forced election (a leadership transfer) too, and a
   * pre-vote (`pre`: thesis §9.6 grants it by the same test, or a stale node passes PreVote and
   * its election disrupts the cluster).
   */
  private onGranted(node: NodeId, candidate: NodeId, term: number, index: number, logTerm: number, ownIndex: number, ownTerm: number, pre: boolean): void {
    if (logTerm > ownTerm || (logTerm === ownTerm && index >= ownIndex)) return;
    this.violate('vote-up-to-date', node, `node ${node} granted its ${pre ? 'pre-vote' : 'vote'} in term ${term} to node ${candidate}, whose log ends at index ${index} of term ${logTerm}, while its own ends at index ${ownIndex} of term ${ownTerm}: a vote goes only to a candidate whose log is at least as up-to-date (§5.4.1), or a leader may lack committed entries`);
  }

  /** transfer-bounded: leader `node` refused a client's write `sinceTransfer` ticks after it last accepted a transfer. */
  private onWriteRefused(node: NodeId, term: number, sinceTransfer: number, electionTicks: number, full: boolean): void {
    if (full || (sinceTransfer >= 0 && sinceTransfer <= 2 * electionTicks)) return;
    const why = sinceTransfer < 0 ? 'it had accepted no leadership transfer' : `its last accepted transfer was ${sinceTransfer} ticks old (election timeout ${electionTicks})`;
    this.violate('transfer-bounded', node, `node ${node}, leader of term ${term}, refused a client's write though its uncommitted log had room and ${why}: a leader refuses proposals only while a transfer is pending, and abandons a transfer that has not completed within an election timeout (thesis §3.10)`);
  }

  /** `node` stepped a message of `term` above its own and is now in term `after`. */
  private onHigherTerm(node: NodeId, from: NodeId, type: string, term: number, after: number, sticky: boolean, restarted: boolean, timerFresh: boolean): void {
    if (sticky && after >= term) {
      const was = after === term ? 'moved to it' : `moved past it, to term ${after}`;
      const why = restarted
        ? 'it had restarted with lease reads less than an election timeout before, and may have answered the round a leader\'s lease rests on just before it went down'
        : 'it led or had heard from its leader within the election timeout';
      this.violate('leader-sticky', node, `node ${node} stepped a ${type} of term ${term} from node ${from} and ${was}, though under CheckQuorum it had to ignore it: ${why} (thesis §4.2.3; a lease read rests on this)`);
    }
    if (after >= term || TERM_ADOPT_EXEMPT.has(type) || (type === 'MsgVote' && (sticky || timerFresh))) return;
    const vote = type === 'MsgVote' ? ' This vote request was no leadership transfer\'s, and the node had neither led, nor heard from its leader, nor had another reason to restart its election timer (a vote granted, a new term or role) within the election timeout (nor, with lease reads, restarted less than one ago), so CheckQuorum did not bind it to ignore the request.' : '';
    this.violate('term-adopt', node, `node ${node} stepped a ${type} of term ${term} from node ${from} and stayed in term ${after}: a server that sees a higher term adopts it and becomes a follower (only a vote request it ignores while it hears a leader, and pre-votes, are exempt).${vote}`);
  }

  /** `node` entered `term`: someone must have campaigned for it. */
  private onTerm(node: NodeId, term: number): void {
    if (term <= this.campaignMax) return;
    const last = this.campaignMax === 0 ? 'no node had campaigned yet' : `the newest campaign was node ${this.campaignMaxBy}'s for term ${this.campaignMax}`;
    this.violate('term-sound', node, `node ${node} entered term ${term}, but ${last}: a term begins only with a candidate's campaign (a pre-vote asks without moving anyone's term)`);
  }

  /** `node` was elected leader of `term`. */
  private onElected(node: NodeId, term: number): void {
    this.leading.set(node, term);
    if (term > this.leaderTermMax) {
      this.leaderTermMax = term;
      this.leaderTermMaxBy = node;
    }
  }

  /** `node` served the read `ctx` at `readIndex`: it must reach what was committed when the read arrived. */
  private onReadServed(node: NodeId, ctx: string, client: NodeId, rid: number | string, readIndex: number): void {
    const key = `${node}/${ctx}`;
    const asked = this.readsAsked.get(key);
    if (asked === undefined) return;
    this.readsAsked.delete(key);
    if (asked.term >= 0 && asked.newest > asked.term && this.leaseClocksBroken === null) {
      this.violate('read-leader-sound', node, `node ${node}, leader of term ${asked.term}, served a read of node ${client} (request ${rid}), but when the read reached it node ${asked.newestBy} had already been elected leader of term ${asked.newest}: a newer leader may commit writes this read cannot see (a leader's read must be confirmed by a quorum that has not moved to a newer term, or fall within a lease no newer leader can be elected in)`);
    }
    if (readIndex >= asked.commit) return;
    this.violate('read-index-sound', node, `node ${node} served a read of node ${client} (request ${rid}) at read index ${readIndex}, but when the read reached it node ${asked.by} had already committed up to index ${asked.commit}: a write acknowledged by then may be missing from the answer (a leader serves reads only once it has committed an entry of its own term, and only while no newer leader can exist)`);
  }

  private onHardState(t: Micros, node: NodeId, hs: Hard, lastIndex: number): void {
    if (hs.commit > this.commitMax) {
      this.commitMax = hs.commit;
      this.commitMaxBy = node;
    }
    const s = this.state(node);
    const prev = s.hard;
    if (hs.term < prev.term) this.violate('durability', node, `node ${node}'s term went back from ${prev.term} to ${hs.term}`);
    if (hs.term === prev.term && prev.vote !== NONE && hs.vote !== prev.vote) {
      this.violate('vote-once', node, `node ${node} voted for node ${prev.vote} in term ${hs.term}, then for node ${hs.vote}`);
    }
    if (hs.commit < prev.commit) this.violate('commit-monotonic', node, `node ${node}'s commit index went back from ${prev.commit} to ${hs.commit}`);
    if (hs.commit > lastIndex) this.violate('commit-within-log', node, `node ${node} commits index ${hs.commit} but its log ends at ${lastIndex}`);
    if (hs.commit > prev.commit) this.recordCommitted(node, s, prev.commit, hs.commit, hs.term);
    s.hard = hs;
    if (this.diskLies(node, t)) s.lied = true;
    else s.durable = hs;
  }

  /**
   * candidate-persists (Figure 2, Rules for Servers, candidates; etcd-io/raft's tally): a
   * candidate stays one until it wins, hears the leader of its term, sees a higher term, or
   * its election timeout elapses (a new campaign). It gives up its term early only when so
   * many voters refused that no quorum can grant it. A candidate that returns to follower
   * in its own term knowing no leader, with fewer refusals than that, abandoned an election
   * it could still win: elections take longer, or never end when votes split.
   */
  private onRole(node: NodeId, role: string, term: number, voters: string | undefined): void {
    const c = this.campaigns.get(node);
    this.campaigns.delete(node);
    if (role === 'candidate') {
      this.campaigns.set(node, { term, voters: voters === undefined ? undefined : voters.split(',').map(Number), refused: new Set() });
      return;
    }
    if (role !== 'follower' || c === undefined || c.term !== term || c.voters === undefined) return;
    const lead = this.leads.get(node);
    if (lead !== undefined && lead !== NONE) return;
    let refusals = 0;
    for (const v of c.voters) if (c.refused.has(v)) refusals++;
    const quorum = Math.floor(c.voters.length / 2) + 1;
    if (refusals > c.voters.length - quorum) return;
    this.violate('candidate-persists', node, `node ${node}, a candidate in term ${term}, returned to follower in that term knowing no leader, with ${refusals} of its ${c.voters.length} voters refusing it: a candidate stays one until it wins, hears its term's leader, sees a higher term or its election timeout elapses, and loses early only once more than ${c.voters.length - quorum} refusals make a quorum of grants impossible (Figure 2, Rules for Servers)`);
  }

  /** Candidate `node` received a granted vote from `voter` in `term`. */
  private onGrant(t: Micros, node: NodeId, voter: NodeId, term: number): void {
    const got = this.received.get(node);
    if (got === undefined || got.term < term) this.received.set(node, { term, voters: new Set([voter]) });
    else if (got.term === term) got.voters.add(voter);
    // A voter whose fsync lied may legitimately forget a vote.
    if ((this.lies.get(voter) ?? []).some(([from]) => from <= t)) return;
    this.checkGrantDurable(node, voter, term);
    const key = `${voter}:${term}`;
    const before = this.grants.get(key);
    if (before === undefined) {
      if (this.grants.size >= GRANTS_MAX) this.grants.delete(this.grants.keys().next().value as string);
      this.grants.set(key, node);
    } else if (before !== node) {
      this.violate('vote-once', voter, `node ${voter} granted its vote in term ${term} to node ${before}, then to node ${node} (as the candidates received them)`);
    }
  }

  /**
   * durability, the voter's side of a grant (Figure 2: persistent state is "updated on stable
   * storage before responding to RPCs"): a grant of `term` reaches a candidate only from a
   * voter that had made a vote in `term` durable, or had moved past it, before answering.
   * A vote for another candidate is vote-once's; a voter that answers first and writes
   * later (or never) forgets the grant in a crash and may grant the term again.
   */
  private checkGrantDurable(node: NodeId, voter: NodeId, term: number): void {
    const h = this.state(voter).hard;
    if (h.term > term || (h.term === term && h.vote !== NONE)) return;
    const had = h.term < term ? `term ${h.term}` : `term ${term} with no vote`;
    this.violate('durability', voter, `node ${node} received node ${voter}'s vote in term ${term}, but the last hard state node ${voter} had made durable was ${had}: a server persists its vote before it answers the vote request (Figure 2), or a crash makes it forget the grant and vote again in the same term`);
  }

  /** The entries (from, to] became committed on `node`: they must agree with every other node's. */
  private recordCommitted(node: NodeId, s: NodeState, from: number, to: number, commitTerm: number): void {
    for (let i = Math.max(from + 1, this.recordsLow, s.log.base); i <= to; i++) {
      const term = s.log.termAt(i);
      if (term === undefined) continue;
      const hash = s.log.hashAt(i);
      const c = this.committed.get(i);
      if (c === undefined) {
        this.committed.set(i, { term, hash, node, commitTerm });
      } else if (c.term !== term || (c.hash !== UNKNOWN_HASH && hash !== UNKNOWN_HASH && c.hash !== hash)) {
        this.violate('committed-entries', node, `node ${node} committed entry ${i} of term ${term}, but node ${c.node} committed a different entry there (term ${c.term})`);
      } else {
        if (c.hash === UNKNOWN_HASH) c.hash = hash;
        c.commitTerm = Math.min(c.commitTerm, commitTerm);
      }
    }
  }

  private onRecovered(node: NodeId, hs: Hard, lastIndex: number, logTerms: string): void {
    // A new process: it leads nothing, and the reads the last one took will never be answered.
    // Its recovered log says no entry's type: the conf entries it still holds are forgotten.
    this.leading.delete(node);
    const prefix = `${node}/`;
    for (const key of this.readsAsked.keys()) if (key.startsWith(prefix)) this.readsAsked.delete(key);
    const s = this.state(node);
    s.confs = [];
    const d = s.durable;
    const { snapshotIndex, runs } = parseLogTerms(logTerms);
    if (hs.term < d.term) this.violate('durability', node, `node ${node} restarted in term ${hs.term}, but it had made term ${d.term} durable`);
    if (hs.term === d.term && d.vote !== NONE && hs.vote !== d.vote) {
      this.violate('durability', node, `node ${node} restarted in term ${hs.term} with vote ${hs.vote === NONE ? 'none' : hs.vote}, but it had made its vote for node ${d.vote} durable`);
    }
    if (hs.commit < d.commit) this.violate('commit-monotonic', node, `node ${node} restarted with commit index ${hs.commit}, below the ${d.commit} it had made durable`);
    if (hs.commit > lastIndex) this.violate('commit-within-log', node, `node ${node} restarted with commit index ${hs.commit} beyond its log's last entry ${lastIndex}`);
    const back = termsGoBack(runs);
    if (back !== null) {
      this.violate('durability', node, `node ${node} restarted with a log whose terms go back: entry ${back.index} has term ${back.term} after term ${back.before} at index ${back.index - 1}; a Raft log's terms never decrease, so recovery brought back entries an append had replaced (an overwritten tail must stay overwritten on disk)`);
    }
    if (!s.lied) this.checkLogKept(node, s.log, snapshotIndex, runs, lastIndex);
    this.rebuildMirror(s.log, snapshotIndex, runs, lastIndex);
    s.hard = hs;
    if (s.lied) s.durable = hs;
    s.lied = false;
  }

  /** Every entry the mirror holds was durable: the recovered log must still hold it. */
  private checkLogKept(node: NodeId, log: LogMirror, snapshotIndex: number, runs: [number, number][], lastIndex: number): void {
    for (let i = Math.max(log.base, snapshotIndex + 1); i <= log.lastIndex; i++) {
      const want = log.termAt(i);
      const got = i > lastIndex ? undefined : runTermAt(runs, i);
      if (got !== want) {
        this.violate('durability', node, `node ${node} restarted without its durable entry ${i} (term ${want}): its log has ${got === undefined ? 'nothing' : `term ${got}`} there`);
        return;
      }
    }
  }

  /** Makes the mirror the recovered log, keeping the hashes of the entries that agree. */
  private rebuildMirror(log: LogMirror, snapshotIndex: number, runs: [number, number][], lastIndex: number): void {
    let keep = log.base - 1;
    const from = Math.max(log.base, snapshotIndex + 1);
    if (from === log.base) {
      for (let i = from; i <= Math.min(log.lastIndex, lastIndex); i++) {
        if (runTermAt(runs, i) !== log.termAt(i)) break;
        keep = i;
      }
    }
    if (keep >= log.base) {
      log.truncateTo(keep);
    } else {
      log.reset(snapshotIndex + 1);
      keep = snapshotIndex;
    }
    for (let i = keep + 1; i <= lastIndex; i++) log.push(runTermAt(runs, i) ?? 0, UNKNOWN_HASH);
  }

  /** The lowest index the cross-node records still hold (those below were evicted), for status and tests. */
  get recordsFrom(): number {
    return this.recordsLow;
  }

  /** The lowest term in which some node committed `index` (undefined when unknown or evicted). */
  commitTermOf(index: number): number | undefined {
    return this.committed.get(index)?.commitTerm;
  }

  // ---- leaders ----

  private onMatch(leader: NodeId, term: number, to: NodeId, match: number): void {
    const key = leader * 65536 + to;
    const prev = this.matches.get(key);
    if (prev !== undefined && prev.term === term && match < prev.match) {
      this.violate('match-monotonic', leader, `leader ${leader}'s match index for node ${to} went back from ${prev.match} to ${match} in term ${term}`);
    }
    this.matches.set(key, { term, match });
    const f = this.nodes.get(to);
    const l = this.nodes.get(leader);
    if (f === undefined || l === undefined || f.hard.term !== term || match === 0) return;
    const want = l.log.termAt(match);
    if (want === undefined) return;
    if (match > f.log.lastIndex) {
      this.violate('match-sound', leader, `leader ${leader} of term ${term} counts node ${to} as holding its log up to ${match}, but node ${to}'s log ends at ${f.log.lastIndex}`);
      return;
    }
    const got = f.log.termAt(match);
    if (got !== undefined && got !== want) {
      this.violate('match-sound', leader, `leader ${leader} of term ${term} counts node ${to} as holding its entry ${match} (term ${want}), but node ${to} holds term ${got} there`);
    }
  }

  /**
   * ack-sound (Figure 2, AppendEntries): a success answer says the follower holds the
   * leader's entries up to the append's previous index plus its entries, and no further;
   * what its log holds beyond that was never compared with the leader's (it may be a
   * deposed leader's). It may also answer with its commit index, which matches everywhere.
   */
  private onAck(node: NodeId, to: NodeId, term: number, index: number, proved: number): void {
    if (index <= proved) return;
    this.violate('ack-sound', node, `node ${node} acknowledged index ${index} to leader ${to} in term ${term}, but the appends it answered proved it holds the leader's entries only up to ${proved}`);
  }

  /**
   * `node` appended entries from `lo` (terms `termsText`), the conf entries among them at
   * `confsText`: one it took as leader of its own term must not follow an uncommitted one.
   * Called after onAppend, so entries from `lo` on have replaced the old ones.
   */
  private onConfs(node: NodeId, lo: number, termsText: string, confsText: string, readyCommit: number): void {
    const s = this.state(node);
    // Most appends carry no change onto a log that holds none pending: nothing to do.
    if (confsText === '' && s.confs.length === 0) return;
    const commit = Math.max(s.hard.commit, readyCommit);
    s.confs = s.confs.filter((i) => i < lo && i > commit);
    if (confsText === '') return;
    const terms = termsText.split(',').map(Number);
    const leads = this.leading.get(node);
    for (const j of confsText.split(',').map(Number)) {
      const earlier = s.confs[s.confs.length - 1];
      if (earlier !== undefined && leads !== undefined && terms[j - lo] === leads) {
        this.violate('conf-one-at-a-time', node, `node ${node}, leader of term ${leads}, appended a configuration change at index ${j} while the one at index ${earlier} was not committed (its commit index was ${commit}): a leader starts a change only once the previous one has committed`);
      }
      s.confs.push(j);
    }
  }

  /** `node` became leader of `term` with the configuration `votersText`: a quorum of it must have granted it that term. */
  private checkElected(node: NodeId, term: number, votersText: string): void {
    const voters = votersText === '' ? [] : votersText.split(',').map(Number);
    const got = this.received.get(node);
    const granted = got !== undefined && got.term === term ? got.voters : new Set<NodeId>();
    const backers = voters.filter((v) => v === node || granted.has(v));
    const quorum = Math.floor(voters.length / 2) + 1;
    if (backers.length >= quorum) return;
    const names = backers.length === 0 ? 'none' : backers.map((v) => (v === node ? `${v} (itself)` : String(v))).join(', ');
    this.violate('vote-sound', node, `node ${node} became leader of term ${term}, but only ${backers.length} of its ${voters.length} voters (${names}) had granted it a vote in that term, as the grants reached it; a quorum is ${quorum} (a candidate counts only votes granted in the term it campaigns for, and never a refusal)`);
  }

  private onLeader(node: NodeId, term: number, lastIndex: number, logTerms: string): void {
    const { snapshotIndex, runs } = parseLogTerms(logTerms);
    for (const [i, c] of this.committed) {
      // Leader completeness (§5.4.3) speaks of entries committed in earlier terms; a vote
      // delayed in the network can make a node leader of a term already overtaken.
      if (i <= snapshotIndex || c.commitTerm >= term) continue;
      if (i > lastIndex || runTermAt(runs, i) !== c.term) {
        this.violate('committed-entries', node, `node ${node} became leader of term ${term} without entry ${i} (term ${c.term}) that node ${c.node} committed; its log ends at ${lastIndex}`);
        return;
      }
    }
  }
}
