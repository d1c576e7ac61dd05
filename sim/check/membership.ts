// The membership check (Raft thesis §4.1, single-server changes): at every commit index a
// node reaches, its configuration is the one the committed conf entries up to that index
// imply, folded from the cluster's first configuration.
//
// Contract: built from the servers' telemetry alone, with its own model of a change:
// - 'raft.conf' (a node's voters and learners, reported when they change and at each
//   start, with the commit index they follow from: the server emits it before the hard
//   state of the same Ready);
// - 'raft.hardstate' (the commit index a node reached, its configuration unchanged since
//   its last report);
// - 'raft.apply' of conf entries (what was committed at each index: the first node to
//   apply an index decides it; state machine safety compares the rest).
// A node's configuration is judged over the commits from one report to the next (a
// segment), at the first commit and at every committed conf entry after it, once some
// node has applied that far: every committed index is applied somewhere first, entry by
// entry, so the conf entries up to the highest applied index are all known. Commit indexes
// no node applied before the run ended are not judged. The first configuration is the one
// a node reports at commit 0 (a fresh start); every later fresh start must report it too.
// A snapshot a node takes of its own state ('raft.compacted' with its voters and learners)
// must record the configuration its last index implies, judged the same way: a wrong one
// shows in a node's configuration only after it restarts from that snapshot or sends it, so
// it is judged at the compaction itself.
// A change follows the protocol's rules, written here independently of core/raft: adding
// a voter that is one, a learner that is a member, or removing a non-member or the last
// voter changes nothing, and an entry that does not decode is a no-op.
import type { Micros, NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

interface Change {
  type: 'addVoter' | 'addLearner' | 'removeNode';
  node: number;
}

/** A configuration as sorted id lists. */
interface Members {
  voters: readonly number[];
  learners: readonly number[];
}

/** One node's configuration from one report on: judged at commits lo..hi. */
interface Segment {
  node: NodeId;
  t: Micros;
  key: string;
  lo: number;
  hi: number;
  /** The highest commit judged so far (lo - 1: none yet). */
  judgedTo: number;
}

const CHANGE_TYPES = new Set(['addVoter', 'addLearner', 'removeNode']);

/** The canonical text of a configuration: sorted voters, '|', sorted learners. */
export function membersKey(m: Members): string {
  return `${[...m.voters].sort((a, b) => a - b).join(',')}|${[...m.learners].sort((a, b) => a - b).join(',')}`;
}

function parseIds(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

function describe(key: string): string {
  const [v, l] = key.split('|');
  return `voters {${v}}${l === '' ? '' : ` and learners {${l}}`}`;
}

/**
 * A conf entry's change, or null for one that does not decode (a no-op). The same rules as
 * core/raft's decodeConfChange, written again on purpose: a broken decoder there must not
 * break the check's view of what was committed too.
 */
export function decodeChange(data: string): Change | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.type !== 'string' || !CHANGE_TYPES.has(o.type)) return null;
  if (typeof o.node !== 'number' || !Number.isSafeInteger(o.node) || o.node < 0) return null;
  return { type: o.type as Change['type'], node: o.node };
}

/** The configuration after `c`; `m` itself when the change is not allowed. */
export function foldChange(m: Members, c: Change | null): Members {
  if (c === null) return m;
  const voter = m.voters.includes(c.node);
  const learner = m.learners.includes(c.node);
  switch (c.type) {
    case 'addVoter':
      return voter ? m : { voters: [...m.voters, c.node], learners: m.learners.filter((id) => id !== c.node) };
    case 'addLearner':
      return voter || learner ? m : { voters: m.voters, learners: [...m.learners, c.node] };
    case 'removeNode':
      if (!voter && !learner) return m;
      if (voter && m.voters.length === 1) return m;
      return { voters: m.voters.filter((id) => id !== c.node), learners: m.learners.filter((id) => id !== c.node) };
  }
}

function describeChange(c: Change | null): string {
  return c === null ? 'an entry that does not decode (no change)' : `${c.type} ${c.node}`;
}

export class MembershipCheck {
  private initial: Members | null = null;
  private initialKey = '';
  /** Indexes of the committed conf entries, ascending, and each one's change. */
  private readonly confIndexes: number[] = [];
  private readonly changes = new Map<number, Change | null>();
  /** keys[k]: the configuration after the first k committed conf entries (rebuilt when stale). */
  private keys: string[] = [];
  private keysStale = true;
  /** The highest index any node applied: every conf entry up to it is known. */
  private applied = 0;
  /** Each node's current segment. */
  private readonly open = new Map<NodeId, Segment>();
  /** Ended segments not yet judged to their end (their last commits were not applied anywhere yet). */
  private readonly ended: Segment[] = [];
  /** Compactions not yet judged (their index beyond what any node applied), oldest first. */
  private readonly snapshots: { node: NodeId; index: number; key: string }[] = [];
  /** Compactions judged: their configuration compared with the one their index implies. */
  snapshotsJudged = 0;
  private reported = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((t, node, name, f) => {
      switch (name) {
        case 'raft.conf': return this.onConf(t, node, String(f.voters), String(f.learners), f.commit as number);
        case 'raft.hardstate': return this.onCommit(node, f.commit as number);
        case 'raft.apply': return this.onApply(f.index as number, f.type === 'conf' ? String(f.data) : null);
        case 'raft.compacted':
          if (typeof f.voters !== 'string') return;
          this.snapshots.push({ node, index: f.index as number, key: membersKey({ voters: parseIds(f.voters), learners: parseIds(String(f.learners)) }) });
          return this.judgeSnapshots();
        default: return;
      }
    });
    world.onConclude(() => {
      for (const s of this.ended) this.judge(s);
      for (const s of this.open.values()) this.judge(s);
    });
  }

  private onConf(t: Micros, node: NodeId, votersText: string, learnersText: string, commit: number): void {
    const members = { voters: parseIds(votersText), learners: parseIds(learnersText) };
    const key = membersKey(members);
    if (commit === 0 && this.initial === null) {
      this.initial = members;
      this.initialKey = key;
      this.keysStale = true;
    }
    const before = this.open.get(node);
    if (before !== undefined && !this.judge(before)) this.ended.push(before);
    const s: Segment = { node, t, key, lo: commit, hi: commit, judgedTo: commit - 1 };
    this.open.set(node, s);
    this.judge(s);
  }

  private onCommit(node: NodeId, commit: number): void {
    const s = this.open.get(node);
    if (s === undefined || commit <= s.hi) return;
    s.hi = commit;
    // Judge only when a committed conf entry (or the segment's start) is now within reach.
    if (s.judgedTo < s.lo || this.nextConfAfter(s.judgedTo) <= Math.min(s.hi, this.applied)) this.judge(s);
  }

  private onApply(index: number, confData: string | null): void {
    if (confData !== null && !this.changes.has(index)) {
      this.changes.set(index, decodeChange(confData));
      let k = this.confIndexes.length;
      while (k > 0 && this.confIndexes[k - 1] > index) k--;
      this.confIndexes.splice(k, 0, index);
      this.keysStale = true;
    }
    if (index <= this.applied) return;
    this.applied = index;
    if (this.snapshots.length > 0) this.judgeSnapshots();
    if (this.ended.length === 0) return;
    for (let i = this.ended.length - 1; i >= 0; i--) if (this.judge(this.ended[i])) this.ended.splice(i, 1);
  }

  /** Judges the compactions whose conf entries are all known (at or below the highest applied index). */
  private judgeSnapshots(): void {
    if (this.initial === null) return;
    let kept = 0;
    for (const x of this.snapshots) {
      if (x.index > this.applied) {
        this.snapshots[kept++] = x;
        continue;
      }
      this.snapshotsJudged++;
      const n = this.confsUpTo(x.index);
      const want = this.keyAfter(n);
      if (want === x.key) continue;
      const last = n === 0 ? 'no conf entry is committed up to it, so the first configuration holds' : `the last committed conf entry up to it is index ${this.confIndexes[n - 1]} (${describeChange(this.changes.get(this.confIndexes[n - 1]) ?? null)})`;
      this.violate(x.node, `node ${x.node} took a snapshot ending at index ${x.index} that records ${describe(x.key)}, but the conf entries committed up to index ${x.index} imply ${describe(want)}: ${last}. A snapshot records the configuration as of its last entry, whatever snapshot the node itself installed before; a node restarting from it, or a follower installing it, would take the wrong members`);
    }
    this.snapshots.length = kept;
  }

  /** The first committed conf entry's index above `i`, or Infinity. */
  private nextConfAfter(i: number): number {
    const k = this.confsUpTo(i);
    return k < this.confIndexes.length ? this.confIndexes[k] : Infinity;
  }

  /** How many committed conf entries lie at or below `i`. */
  private confsUpTo(i: number): number {
    const xs = this.confIndexes;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private keyAfter(count: number): string {
    if (this.keysStale) {
      const keys = [this.initialKey];
      let m = this.initial as Members;
      for (const i of this.confIndexes) {
        m = foldChange(m, this.changes.get(i) ?? null);
        keys.push(membersKey(m));
      }
      this.keys = keys;
      this.keysStale = false;
    }
    return this.keys[count];
  }

  /** Judges `s` as far as the applied entries allow; true when it is judged to its end. */
  private judge(s: Segment): boolean {
    if (this.initial === null) return false;
    const upTo = Math.min(s.hi, this.applied);
    if (s.judgedTo < s.lo) {
      if (s.lo > upTo) return false;
      if (!this.agrees(s, s.lo)) return true;
      s.judgedTo = s.lo;
    }
    for (let j = this.nextConfAfter(s.judgedTo); j <= upTo; j = this.nextConfAfter(j)) {
      if (!this.agrees(s, j)) return true;
    }
    s.judgedTo = Math.max(s.judgedTo, upTo);
    return s.judgedTo >= s.hi;
  }

  /** Whether `s`'s configuration is the one implied at commit `c`; reports it if not (then stops judging `s`). */
  private agrees(s: Segment, c: number): boolean {
    const n = this.confsUpTo(c);
    const want = this.keyAfter(n);
    if (want === s.key) return true;
    s.judgedTo = s.hi;
    const last = n === 0 ? 'no conf entry is committed up to it, so the first configuration holds' : `the last committed conf entry up to it is index ${this.confIndexes[n - 1]} (${describeChange(this.changes.get(this.confIndexes[n - 1]) ?? null)})`;
    const when = c === s.lo ? `reported at commit ${c}` : `kept from commit ${s.lo} past the conf entry at ${c}`;
    this.violate(s.node, `node ${s.node} has ${describe(s.key)} (${when}), but the conf entries committed up to index ${c} imply ${describe(want)}: ${last}. A node's configuration is the one its committed log implies, from the first (${describe(this.initialKey)}), one change at a time, whether it learned the entries one by one, from a snapshot or from its own disk after a restart`);
    return false;
  }

  private violate(node: NodeId, message: string): void {
    if (this.reported++ < VIOLATIONS_PER_CHECK_MAX) this.world.violate('membership', node, message);
  }
}
