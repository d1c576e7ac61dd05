// Test helper: a deterministic in-memory cluster of RawNodes with per-node MemDisks.
//
// Contract: nothing happens unless a test calls a method. Messages sent by a node queue up
// in one bounded FIFO; deliverAll() delivers them (and whatever they cause) in order,
// dropping those on cut links or to crashed nodes. Every message crosses a JSON round trip
// and validateMessage, as on a real wire. Every Ready is persisted with persistReady and
// applied to a toy state machine. As it goes, the network records safety violations:
// two leaders in one term, and two different entries applied at one index.

import type { Random } from '../../../core/env.ts';
import type { RaftBugs, RaftConfig } from '../../../core/raft/config.ts';
import { crc32Hex } from '../../../core/hash/crc32.ts';
import { RawNode } from '../../../core/raft/rawNode.ts';
import { persistReady, recover } from '../../../core/raft/storage.ts';
import { MemDisk, type CrashOptions } from './testDisk.ts';
import type { ConfState, Entry, HardState, LogIndex, Message, ReadState, Snapshot, Term } from '../../../core/raft/types.ts';
import { validateMessage } from '../../../core/raft/validate.ts';

/** A small seeded generator (mulberry32); each node gets its own stream. */
/** A node's config for tests: the given overrides on the defaults every Raft test uses. */
export function testConfig(id: number, c: Partial<Omit<RaftConfig, 'id' | 'random'>>, random: Random): RaftConfig {
  return {
    id,
    electionTicks: c.electionTicks ?? 10,
    heartbeatTicks: c.heartbeatTicks ?? 1,
    random,
    preVote: c.preVote ?? false,
    checkQuorum: c.checkQuorum ?? false,
    maxInflight: c.maxInflight ?? 256,
    maxEntriesPerMsg: c.maxEntriesPerMsg ?? 64,
    readOnly: c.readOnly ?? 'safe',
    clockDriftMax: c.clockDriftMax,
    bugs: c.bugs,
  };
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

export type NodeOptions = Partial<Omit<RaftConfig, 'id' | 'random' | 'bugs'>> & { bugs?: RaftBugs };

export interface NetworkOptions {
  voters: number[];
  learners?: number[];
  seed?: number;
  config?: NodeOptions;
  /** Per-node starting state (written to the node's disk before boot). */
  restores?: Record<number, { entries: Entry[]; hardState: HardState }>;
}

interface Applied {
  term: Term;
  data: string;
}

export class TestNode {
  raw: RawNode;
  readonly disk = new MemDisk();
  /** The toy state machine: a running checksum over applied entries. */
  appliedIndex: LogIndex = 0;
  digest = '0';
  readStates: ReadState[] = [];
  up = true;
  /** When set, the node crashes (with these options) the next time a persist fails. */
  crashOnPersistFailure: CrashOptions | undefined;

  constructor(readonly id: number, readonly cfg: RaftConfig, readonly initialConf: ConfState) {
    this.raw = this.boot();
  }

  private boot(): RawNode {
    const restore = recover(this.disk, this.initialConf);
    this.appliedIndex = 0;
    this.digest = '0';
    if (restore.snapshot !== undefined) this.loadSnapshot(restore.snapshot);
    return new RawNode(this.cfg, restore);
  }

  snapshotData(): string {
    return JSON.stringify({ index: this.appliedIndex, digest: this.digest });
  }

  loadSnapshot(s: Snapshot): void {
    const v = JSON.parse(s.data) as { index: number; digest: string };
    this.appliedIndex = v.index;
    this.digest = v.digest;
  }

  restart(): void {
    this.raw = this.boot();
    this.readStates = [];
    this.up = true;
  }
}

const QUEUE_MAX = 100_000;

export class TestNetwork {
  readonly nodes = new Map<number, TestNode>();
  queue: Message[] = [];
  readonly violations: string[] = [];
  readonly leadersByTerm = new Map<Term, number>();
  private readonly appliedAt = new Map<LogIndex, Applied>();
  private readonly cut = new Set<string>();
  /** Deliveries performed, for budget checks in tests. */
  deliveredCount = 0;
  /**
   * Deliveries allowed in all, or Infinity: past it, deliver() throws, so a property test
   * whose case livelocks (a message storm) fails with its counterexample instead of hanging.
   */
  deliveriesBudget = Infinity;
  snapshotsDelivered = 0;
  /** Messages matching this predicate are lost in transit. */
  dropWhere: ((m: Message) => boolean) | undefined;

  constructor(opts: NetworkOptions) {
    const conf: ConfState = { voters: opts.voters, learners: opts.learners ?? [] };
    const seed = opts.seed ?? 1;
    for (const id of [...opts.voters, ...(opts.learners ?? [])]) this.addNode(id, conf, seed, opts);
  }

  private addNode(id: number, conf: ConfState, seed: number, opts: NetworkOptions): TestNode {
    const c = opts.config ?? {};
    const cfg = testConfig(id, c, seededRandom(seed * 7919 + id * 104729));
    const seedState = opts.restores?.[id];
    const node = new TestNode(id, cfg, conf);
    if (seedState !== undefined) {
      const r = persistReady(node.disk, { entries: seedState.entries, hardState: seedState.hardState, committedEntries: [], messages: [], readStates: [], mustSync: true });
      if (!r.ok) throw new Error('test network: seeding a disk failed');
      node.restart();
    }
    this.nodes.set(id, node);
    return node;
  }

  /** Adds a brand-new empty node that knows `conf` (e.g. before a conf change adds it). */
  addEmptyNode(id: number, conf: ConfState, seed = 1, config: NodeOptions = {}): TestNode {
    return this.addNode(id, conf, seed, { voters: conf.voters, config });
  }

  node(id: number): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`test network: no node ${id}`);
    return n;
  }

  raw(id: number): RawNode {
    return this.node(id).raw;
  }

  // ---- links ----

  cutOneWay(from: number, to: number): void {
    this.cut.add(`${from}->${to}`);
  }

  cutLink(a: number, b: number): void {
    this.cutOneWay(a, b);
    this.cutOneWay(b, a);
  }

  isolate(id: number): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cutLink(id, other);
  }

  heal(): void {
    this.cut.clear();
  }

  // ---- driving ----

  /** Drains every pending Ready of `id`: persist, apply, enqueue messages, advance. */
  processReady(id: number): void {
    const n = this.node(id);
    for (let round = 0; n.up && round < 1000 && n.raw.hasReady(); round++) {
      const rd = n.raw.ready();
      if (!persistReady(n.disk, rd).ok) {
        // Nothing of this Ready may be acknowledged: no messages, no advance.
        if (n.crashOnPersistFailure !== undefined) this.crash(id, n.crashOnPersistFailure);
        return;
      }
      if (rd.snapshot !== undefined) n.loadSnapshot(rd.snapshot);
      for (const e of rd.committedEntries) this.apply(n, e);
      n.readStates.push(...rd.readStates);
      for (const m of rd.messages) if (this.queue.length < QUEUE_MAX) this.queue.push(m);
      n.raw.advance(rd);
      this.observe(n);
    }
  }

  private apply(n: TestNode, e: Entry): void {
    const seen = this.appliedAt.get(e.index);
    if (seen === undefined) this.appliedAt.set(e.index, { term: e.term, data: e.data });
    else if (seen.term !== e.term || seen.data !== e.data) {
      this.violations.push(`state machine safety: node ${n.id} applied ${e.index}@${e.term} but ${e.index}@${seen.term} was applied before`);
    }
    if (e.index !== n.appliedIndex + 1) {
      this.violations.push(`node ${n.id} applied index ${e.index} after ${n.appliedIndex}`);
    }
    n.appliedIndex = e.index;
    n.digest = crc32Hex(`${n.digest}|${e.term}|${e.data}`);
  }

  private observe(n: TestNode): void {
    const s = n.raw.status();
    if (s.role !== 'leader') return;
    const other = this.leadersByTerm.get(s.term);
    if (other === undefined) this.leadersByTerm.set(s.term, n.id);
    else if (other !== n.id) this.violations.push(`election safety: nodes ${other} and ${n.id} both led term ${s.term}`);
  }

  /** Delivers one message now, through the wire format and validation. */
  deliver(m: Message): void {
    const n = this.nodes.get(m.to);
    if (n === undefined || !n.up || this.cut.has(`${m.from}->${m.to}`)) return;
    if (this.dropWhere?.(m) === true) return;
    const checked = validateMessage(JSON.parse(JSON.stringify(m)));
    if (checked === null) throw new Error(`test network: node ${m.from} sent an invalid ${m.type}`);
    if (++this.deliveredCount > this.deliveriesBudget) throw new Error(`test network: the case exceeded its budget of ${this.deliveriesBudget.toLocaleString('en-US')} deliveries (a livelock or message storm)`);
    if (checked.type === 'MsgSnap') this.snapshotsDelivered++;
    n.raw.step(checked);
    this.observe(n);
    this.processReady(m.to);
  }

  /** Delivers queued messages, and those they cause, until none is left or the budget runs out. */
  deliverAll(deliveriesMax = 100_000): number {
    let count = 0;
    while (this.queue.length > 0 && count < deliveriesMax) {
      const batch = this.queue;
      this.queue = [];
      let i = 0;
      for (; i < batch.length && count < deliveriesMax; i++, count++) this.deliver(batch[i]);
      if (i < batch.length) this.queue = [...batch.slice(i), ...this.queue];
    }
    return count;
  }

  /** Drops every queued message (a burst of loss). */
  dropAll(): void {
    this.queue = [];
  }

  tick(id: number): void {
    const n = this.node(id);
    if (!n.up) return;
    n.raw.tick();
    this.observe(n);
    this.processReady(id);
  }

  tickAll(): void {
    for (const id of this.nodes.keys()) this.tick(id);
  }

  /** Ticks and delivers for `rounds` rounds. */
  run(rounds: number): void {
    for (let i = 0; i < rounds; i++) {
      this.tickAll();
      this.deliverAll();
    }
  }

  campaign(id: number): void {
    this.raw(id).campaign();
    this.processReady(id);
  }

  /** Makes `id` campaign and delivers everything. */
  elect(id: number): void {
    this.campaign(id);
    this.deliverAll();
  }

  propose(id: number, data: string): boolean {
    const ok = this.raw(id).propose(data);
    this.processReady(id);
    return ok;
  }

  crash(id: number, opts?: CrashOptions): void {
    const n = this.node(id);
    n.up = false;
    n.crashOnPersistFailure = undefined;
    n.disk.crash(opts);
  }

  /** The node's next fsync fails and the node crashes, keeping some of the unsynced writes. */
  crashDuringNextSync(id: number, opts: CrashOptions): void {
    const n = this.node(id);
    if (!n.up) return;
    n.disk.failNextFsync = true;
    n.crashOnPersistFailure = opts;
  }

  restart(id: number): void {
    this.node(id).restart();
    this.processReady(id);
  }

  /** The up node that leads the highest term, if any. */
  leader(): number | undefined {
    let best: { id: number; term: number } | undefined;
    for (const n of this.nodes.values()) {
      const s = n.raw.status();
      if (n.up && s.role === 'leader' && (best === undefined || s.term > best.term)) best = { id: n.id, term: s.term };
    }
    return best?.id;
  }

  /** The node's log as "index:term" from its first index, for comparisons in tests. */
  logTerms(id: number): number[] {
    const s = this.raw(id).status();
    return this.raw(id).entries(s.firstIndex, s.lastIndex + 1).map((e) => e.term);
  }

  /** Log Matching (§5.3): equal (index, term) implies equal logs up to there. */
  checkLogMatching(): string[] {
    const out: string[] = [];
    const ids = [...this.nodes.keys()];
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const issue = logsAgree(this.raw(ids[i]), this.raw(ids[j]));
        if (issue !== undefined) out.push(`log matching between ${ids[i]} and ${ids[j]}: ${issue}`);
      }
    }
    return out;
  }
}

function logsAgree(a: RawNode, b: RawNode): string | undefined {
  const sa = a.status();
  const sb = b.status();
  const lo = Math.max(sa.firstIndex, sb.firstIndex);
  let hi = Math.min(sa.lastIndex, sb.lastIndex);
  while (hi >= lo && a.term(hi) !== b.term(hi)) hi--;
  if (hi < lo) return undefined;
  const ea = a.entries(lo, hi + 1);
  const eb = b.entries(lo, hi + 1);
  for (let k = 0; k < ea.length; k++) {
    if (ea[k].term !== eb[k].term || ea[k].data !== eb[k].data || ea[k].type !== eb[k].type) {
      return `entries differ at ${ea[k].index} below the common entry ${hi}`;
    }
  }
  return undefined;
}

/** Builds a log from a list of terms, one entry per term, indices from 1. */
export function entriesFromTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => ({ term, index: i + 1, type: 'normal', data: `t${term}i${i + 1}` }));
}
