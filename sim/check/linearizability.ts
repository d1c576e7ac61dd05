// A linearizability checker for histories of any sequential model, in the manner of
// Porcupine.
//
// Contract: checkHistory(model, history) says 'ok' when some total order of the
// operations respects real time (an operation that returned before another was called
// comes first) and the model (model.ts), 'illegal' when none does, and 'unknown' when the
// step budget or the deadline ran out first. Partitions (keys) are independent
// (P-compositionality), so each is checked alone, smallest first. Each is searched with
// the Wing-Gong-Lowe depth-first search, memoized on (set of linearized operations,
// state). Unknown outcomes (return Infinity or an output the model calls unknown) may take
// effect at any time after their call, or never; an operation that returned but whose
// output was not seen took effect by its return; a read-only operation with nothing
// observed constrains nothing and is dropped. Unknown outcomes with equal inputs are
// interchangeable, so the search places them in call order (unknownTwins). Operations whose return equals another's
// call count as concurrent (closed intervals), so equal timestamps never produce a false
// 'illegal'. checkKvHistory is the checker with the key-value model.

import { fmix32 } from '../../core/hash/hash64.ts';
import type { KvOp } from '../../core/kv/types.ts';
import type { CheckOptions, CheckResult, Operation } from './history.ts';
import { explainIllegal, FULL_EXPLANATION } from './explain.ts';
import { kvModel, type KvObservation } from './kvModel.ts';
import { isUnknownOutcome, type Model } from './model.ts';

export const MAX_STEPS_DEFAULT = 50_000_000;
/** Shrinking a failure for the report never spends more than this many steps. */
export const SHRINK_STEPS_MAX = 2_000_000;
/** The deadline callback is polled once per this many steps. */
export const DEADLINE_POLL_STEPS = 4096;
/** Default limit on the memo of one partition's search. */
export const VISITED_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

/** A step budget shared by every search of one check. */
class Budget {
  steps = 0;
  private sincePoll = 0;
  exhausted = false;

  constructor(
    private stepsLeft: number,
    private readonly deadline: (() => boolean) | undefined,
    readonly visitedBytesMax: number,
  ) {}

  /** Spends one step; returns false once the budget or the deadline is exhausted. */
  spend(): boolean {
    if (this.exhausted) return false;
    if (this.stepsLeft <= 0) return this.exhaust();
    this.stepsLeft -= 1;
    this.steps += 1;
    this.sincePoll += 1;
    if (this.sincePoll >= DEADLINE_POLL_STEPS) {
      this.sincePoll = 0;
      if (this.deadline?.() === true) return this.exhaust();
    }
    return true;
  }

  private exhaust(): false {
    this.exhausted = true;
    return false;
  }

  /** A sub-budget for optional work, capped so it cannot starve the caller. */
  capped(cap: number): Budget {
    return new Budget(Math.min(cap, this.stepsLeft), this.deadline, this.visitedBytesMax);
  }

  absorb(sub: Budget): void {
    this.stepsLeft -= sub.steps;
    this.steps += sub.steps;
  }
}

/** One operation as the search sees it: unknown outcomes normalized. */
export interface SearchOp<I, O> {
  readonly op: Operation<I, O>;
  /** Null when nothing usable was observed. */
  readonly output: O | null;
  readonly call: number;
  /** Infinity when the outcome is unknown. */
  readonly ret: number;
}

type SearchOutcome =
  | { kind: 'ok' }
  | { kind: 'illegal'; longest: number[] }
  | { kind: 'budget' };

function validateOperation<I, O>(op: Operation<I, O>): void {
  if (!Number.isFinite(op.call)) throw new Error(`checkHistory: operation ${op.opId} has a non-finite call time ${op.call}`);
  if (!(op.return >= op.call)) throw new Error(`checkHistory: operation ${op.opId} returns (${op.return}) before its call (${op.call})`);
}

/** Normalizes unknown outcomes; returns null for an operation that constrains nothing. */
export function toSearchOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): SearchOp<I, O> | null {
  validateOperation(op);
  const unknown = isUnknownOutcome(model, op);
  if (unknown || op.output === null) {
    if (model.isReadOnly?.(op.input, null) === true) return null;
    return { op, output: null, call: op.call, ret: unknown ? Infinity : op.return };
  }
  return { op, output: op.output, call: op.call, ret: op.return };
}

/**
 * A history read one operation at a time (a recorder's columns, sim/check/historyRecorder.ts)
 * instead of an array: the check then holds one partition's operations at a time, not the
 * whole history's. `op(i)` builds operation i (0 <= i < length) afresh on each call, or
 * gives null for one that is not part of the history.
 */
export interface HistorySource<I, O> {
  readonly length: number;
  op(i: number): Operation<I, O> | null;
}

/** One partition: its key and the indexes (into the history) of its operations, in history order. */
interface Partition {
  key: string;
  ids: number[];
}

function sourceOf<I, O>(history: readonly Operation<I, O>[] | HistorySource<I, O>): HistorySource<I, O> {
  if (!Array.isArray(history)) return history as HistorySource<I, O>;
  const ops = history as readonly Operation<I, O>[];
  return { length: ops.length, op: (i) => ops[i] };
}

/**
 * Groups the operations that constrain by partition (every operation is validated here),
 * keeping only their indexes: the search ops of a partition are built when it is searched.
 */
function partitionByKey<S, I, O>(model: Model<S, I, O>, history: HistorySource<I, O>): Partition[] {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < history.length; i++) {
    const op = history.op(i);
    if (op === null || toSearchOp(model, op) === null) continue;
    const key = model.partition === undefined ? '' : model.partition(op.input);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [i]);
    else list.push(i);
  }
  const parts = [...byKey.entries()].map(([key, ids]) => ({ key, ids }));
  // Smallest first, so the first failure found is the smallest one; ties by key.
  return parts.sort((a, b) => a.ids.length - b.ids.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A partition's search ops, in history order, built afresh from the history. */
function searchOpsOf<S, I, O>(model: Model<S, I, O>, history: HistorySource<I, O>, part: Partition): SearchOp<I, O>[] {
  const out: SearchOp<I, O>[] = [];
  for (const i of part.ids) {
    const s = toSearchOp(model, history.op(i) as Operation<I, O>);
    if (s !== null) out.push(s);
  }
  return out;
}

/** A 32-bit mix of an operation index, the Zobrist key of that operation in the set hash. */
function zobrist(i: number): number {
  // Offset first: fmix32(0) is 0, which would leave operation 0 out of every set's hash.
  return fmix32(i + 0x9e3779b9);
}

/** Rough cost of one bucket slot in the visited map, beyond the pooled bitset words. */
const VISITED_ENTRY_OVERHEAD_BYTES = 48;

/** Entries per pooled chunk of the visited set. */
const VISITED_CHUNK_ENTRIES = 4096;

/**
 * Entries chunk 0 holds until the search needs more: most partitions (a key's history) are
 * short and visit a few dozen configurations, and a whole first chunk (4,096 entries,
 * zeroed, plus as many state ids) per partition was most of the checker's time in a run
 * with many keys (load-2x).
 */
const VISITED_FIRST_ENTRIES = 64;

/**
 * The visited set of (linearized operations, state): a hash map with exact comparison.
 * Bitsets live in pooled chunks, so an entry costs its words plus a small overhead with
 * no copying on growth (but chunk 0's one move from its first size to a whole chunk), and
 * the set refuses to grow past its byte limit instead of exhausting memory. The limit is
 * checked per whole chunk, as if chunk 0 were whole from the start, so where a search
 * runs out of room does not depend on chunk 0's first size.
 */
class VisitedSet {
  private readonly chunks: Uint32Array[] = [];
  private stateIds = new Int32Array(VISITED_FIRST_ENTRIES);
  private count = 0;
  /** Entries the chunks hold: 0, then VISITED_FIRST_ENTRIES, then whole chunks. */
  private capacity = 0;
  private readonly chunkBytes: number;
  // A bucket holds one entry index, or an array of them after a hash collision.
  private readonly buckets = new Map<number, number | number[]>();

  constructor(private readonly words: number, private readonly bytesMax: number) {
    this.chunkBytes = VISITED_CHUNK_ENTRIES * (words * 4 + 4 + VISITED_ENTRY_OVERHEAD_BYTES);
  }

  /** Adds the configuration: 'added', 'seen' when already present, 'full' at the limit. */
  add(hash: number, bits: Uint32Array, stateId: number): 'added' | 'seen' | 'full' {
    const key = (hash ^ Math.imul(stateId + 1, 0x27d4eb2f)) | 0;
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      if (typeof bucket === 'number' ? this.matches(bucket, bits, stateId) : bucket.some((e) => this.matches(e, bits, stateId))) return 'seen';
    }
    if (this.count === this.capacity && !this.grow()) return 'full';
    const entry = this.count;
    const chunk = this.chunks[Math.floor(entry / VISITED_CHUNK_ENTRIES)];
    chunk.set(bits, (entry % VISITED_CHUNK_ENTRIES) * this.words);
    this.stateIds[entry] = stateId;
    this.count += 1;
    if (bucket === undefined) this.buckets.set(key, entry);
    else if (typeof bucket === 'number') this.buckets.set(key, [bucket, entry]);
    else bucket.push(entry);
    return 'added';
  }

  private matches(entry: number, bits: Uint32Array, stateId: number): boolean {
    if (this.stateIds[entry] !== stateId) return false;
    const chunk = this.chunks[Math.floor(entry / VISITED_CHUNK_ENTRIES)];
    const base = (entry % VISITED_CHUNK_ENTRIES) * this.words;
    for (let w = 0; w < this.words; w++) if (chunk[base + w] !== bits[w]) return false;
    return true;
  }

  private grow(): boolean {
    if (this.capacity === VISITED_FIRST_ENTRIES) {
      // Chunk 0 (already admitted by the limit) becomes whole.
      const whole = new Uint32Array(VISITED_CHUNK_ENTRIES * this.words);
      whole.set(this.chunks[0]);
      this.chunks[0] = whole;
      this.capacity = VISITED_CHUNK_ENTRIES;
    } else {
      if ((this.chunks.length + 1) * this.chunkBytes > this.bytesMax) return false;
      const first = this.chunks.length === 0;
      this.chunks.push(new Uint32Array((first ? VISITED_FIRST_ENTRIES : VISITED_CHUNK_ENTRIES) * this.words));
      this.capacity = first ? VISITED_FIRST_ENTRIES : this.chunks.length * VISITED_CHUNK_ENTRIES;
    }
    if (this.capacity > this.stateIds.length) {
      let length = this.stateIds.length * 2;
      while (length < this.capacity) length *= 2;
      const stateIds = new Int32Array(length);
      stateIds.set(this.stateIds);
      this.stateIds = stateIds;
    }
    return true;
  }
}

/**
 * Interns states as small integers so the visited set compares numbers, not states:
 * by the model's hash and equality when it has them, else as Map keys.
 */
export class StateTable<S> {
  private readonly ids = new Map<S, number>();
  private readonly byHash = new Map<number, number | number[]>();
  readonly states: S[] = [];

  constructor(private readonly model: Model<S, unknown, unknown>) {}

  id(state: S): number {
    if (this.model.hash !== undefined) return this.hashedId(state, this.model.hash(state));
    let id = this.ids.get(state);
    if (id === undefined) {
      id = this.states.length;
      this.ids.set(state, id);
      this.states.push(state);
    }
    return id;
  }

  private hashedId(state: S, hash: number): number {
    const equal = this.model.equal ?? Object.is;
    const bucket = this.byHash.get(hash);
    if (typeof bucket === 'number' && equal(this.states[bucket], state)) return bucket;
    if (Array.isArray(bucket)) {
      for (const id of bucket) if (equal(this.states[id], state)) return id;
    }
    const id = this.states.length;
    this.states.push(state);
    if (bucket === undefined) this.byHash.set(hash, id);
    else if (typeof bucket === 'number') this.byHash.set(hash, [bucket, id]);
    else bucket.push(id);
    return id;
  }
}

/**
 * The call and return events of a partition as a doubly linked list, ordered by time,
 * calls before returns at equal times, then by operation index. Position 0 is the head
 * and position 2n+1 the tail; an event at position p belongs to operation opOf[p].
 */
class EventList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly opOf: Int32Array;
  readonly isCall: Uint8Array;
  readonly returnOf: Int32Array;
  readonly head = 0;
  readonly tail: number;

  constructor(ops: readonly SearchOp<unknown, unknown>[]) {
    const n = ops.length;
    const events: Array<{ time: number; call: number; op: number }> = [];
    ops.forEach((o, i) => {
      events.push({ time: o.call, call: 1, op: i });
      events.push({ time: o.ret, call: 0, op: i });
    });
    events.sort((a, b) => a.time - b.time || b.call - a.call || a.op - b.op || 0);
    this.tail = 2 * n + 1;
    this.next = new Int32Array(2 * n + 2);
    this.prev = new Int32Array(2 * n + 2);
    this.opOf = new Int32Array(2 * n + 2);
    this.isCall = new Uint8Array(2 * n + 2);
    this.returnOf = new Int32Array(2 * n + 2);
    const callPos = new Int32Array(n);
    events.forEach((e, i) => {
      const p = i + 1;
      this.opOf[p] = e.op;
      this.isCall[p] = e.call;
      if (e.call === 1) callPos[e.op] = p;
      else this.returnOf[callPos[e.op]] = p;
    });
    for (let p = 0; p <= this.tail; p++) {
      this.next[p] = p + 1;
      this.prev[p] = p - 1;
    }
  }

  private unlink(p: number): void {
    this.next[this.prev[p]] = this.next[p];
    this.prev[this.next[p]] = this.prev[p];
  }

  private relink(p: number): void {
    this.next[this.prev[p]] = p;
    this.prev[this.next[p]] = p;
  }

  /** Removes a call and its return; `unlift` must undo lifts in reverse order. */
  lift(callPos: number): void {
    this.unlink(callPos);
    this.unlink(this.returnOf[callPos]);
  }

  unlift(callPos: number): void {
    this.relink(this.returnOf[callPos]);
    this.relink(callPos);
  }
}

/**
 * The Wing-Gong-Lowe search over one partition. It walks the event list: at a call it
 * tries to linearize that operation now (legal model step, configuration not seen
 * before), lifting it out of the list; at a return it must backtrack, because that
 * operation returned without being linearized.
 */
class WglSearch<S, I, O> {
  private readonly list: EventList;
  private readonly table: StateTable<S>;
  private readonly visited: VisitedSet;
  private readonly bits: Uint32Array;
  // Invariant: stackCall[0..depth) are the call positions linearized so far, in order,
  // and stackState[d] is the state id before stackCall[d] was linearized.
  private readonly stackCall: Int32Array;
  private readonly stackState: Int32Array;
  private depth = 0;
  /** How many of the linearized operations have a known return. */
  private knownDepth = 0;
  /** How many operations have a known return. */
  private readonly knownTotal: number;
  private hash = 0;
  private stateId: number;
  // The best prefix for an explanation: most known outcomes first, then fewest unknown
  // ones, because an unknown write placed early only muddies the story. Kept lazily: a
  // better prefix is noted by its length, and copied out of the stack only before a
  // backtrack would pop into it (or when the search fails), so a search that goes
  // straight through copies nothing instead of the whole stack at every step (which made
  // the checker allocate quadratically in a partition's length).
  private longest: number[] = [];
  private longestDepth = 0;
  /** Whether the best prefix is stackCall[0..longestDepth), not yet copied into `longest`. */
  private longestLive = false;
  private longestKnown = 0;
  /** Each operation's earlier interchangeable twin (unknownTwins), or -1. */
  private readonly twin: Int32Array;

  constructor(private readonly model: Model<S, I, O>, private readonly ops: readonly SearchOp<I, O>[], visitedBytesMax: number, init: S = model.init()) {
    this.table = new StateTable(model as Model<S, unknown, unknown>);
    this.list = new EventList(ops);
    this.twin = unknownTwins(ops);
    this.bits = new Uint32Array((ops.length + 31) >>> 5);
    this.visited = new VisitedSet(this.bits.length, visitedBytesMax);
    this.stackCall = new Int32Array(ops.length);
    this.stackState = new Int32Array(ops.length);
    this.stateId = this.table.id(init);
    this.knownTotal = ops.reduce((n, o) => (o.ret === Infinity ? n : n + 1), 0);
  }

  /**
   * Searches for one linearization ('ok' at the first). With `ends`, searches them all
   * instead, and stops each where its last operation with a known outcome is placed: `ends`
   * gets the state there and the operations with an unknown outcome not placed yet (indexes
   * into the ops, ascending), each such pair once (the memo of configurations sees to that);
   * the outcome is 'ok' when there was one. (Placing an unknown one after that point is what
   * leaving it unplaced already allows: it may still take effect later.)
   */
  run(budget: Budget, ends?: (state: S, unplaced: number[]) => void): SearchOutcome {
    const list = this.list;
    let entry = list.next[list.head];
    let ended = false;
    for (;;) {
      if (ends !== undefined && this.knownDepth === this.knownTotal) {
        ends(this.table.states[this.stateId], this.unplaced());
        ended = true;
        if (this.depth === 0) return { kind: 'ok' };
        entry = this.backtrack();
        continue;
      }
      if (list.next[list.head] === list.tail) return { kind: 'ok' };
      if (!budget.spend()) return { kind: 'budget' };
      if (list.isCall[entry] === 0) {
        if (this.depth === 0) return ended ? { kind: 'ok' } : { kind: 'illegal', longest: this.longestOrder() };
        entry = this.backtrack();
      } else {
        const tried = this.tryLinearize(entry);
        if (tried === 'full') return { kind: 'budget' };
        entry = tried === 'linearized' ? list.next[list.head] : list.next[entry];
      }
    }
  }

  private tryLinearize(entry: number): 'linearized' | 'rejected' | 'full' {
    const i = this.list.opOf[entry];
    // Of interchangeable operations, the earlier called goes first (unknownTwins).
    const t = this.twin[i];
    if (t >= 0 && (this.bits[t >>> 5] & (1 << (t & 31))) === 0) return 'rejected';
    const op = this.ops[i];
    const step = this.model.step(this.table.states[this.stateId], op.op.input, op.output);
    if (!step.legal) return 'rejected';
    const nextId = this.table.id(step.next);
    const mask = 1 << (i & 31);
    this.bits[i >>> 5] |= mask;
    const added = this.visited.add(this.hash ^ zobrist(i), this.bits, nextId);
    if (added !== 'added') {
      this.bits[i >>> 5] &= ~mask;
      return added === 'seen' ? 'rejected' : 'full';
    }
    this.stackCall[this.depth] = entry;
    this.stackState[this.depth] = this.stateId;
    this.depth += 1;
    this.stateId = nextId;
    this.hash ^= zobrist(i);
    this.list.lift(entry);
    if (op.ret !== Infinity) this.knownDepth += 1;
    const better = this.knownDepth > this.longestKnown || (this.knownDepth === this.longestKnown && this.depth < this.longestDepth);
    if (better) {
      this.longestDepth = this.depth;
      this.longestKnown = this.knownDepth;
      this.longestLive = true;
    }
    return 'linearized';
  }

  /** The operations with an unknown outcome not linearized now. */
  private unplaced(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ops.length; i++) if (this.ops[i].ret === Infinity && (this.bits[i >>> 5] & (1 << (i & 31))) === 0) out.push(i);
    return out;
  }

  /** Undoes the latest linearization; returns the event to try after it. */
  private backtrack(): number {
    // The pop below would change the recorded best prefix: copy it out first.
    if (this.longestLive && this.depth <= this.longestDepth) this.longestOrder();
    this.depth -= 1;
    const entry = this.stackCall[this.depth];
    const i = this.list.opOf[entry];
    this.stateId = this.stackState[this.depth];
    if (this.ops[i].ret !== Infinity) this.knownDepth -= 1;
    this.bits[i >>> 5] &= ~(1 << (i & 31));
    this.hash ^= zobrist(i);
    this.list.unlift(entry);
    return this.list.next[entry];
  }

  /** The best prefix as operation indexes, copied out of the stack if it is still there. */
  private longestOrder(): number[] {
    if (this.longestLive) {
      const order: number[] = [];
      for (let d = 0; d < this.longestDepth; d++) order.push(this.list.opOf[this.stackCall[d]]);
      this.longest = order;
      this.longestLive = false;
    }
    return this.longest;
  }
}

/**
 * Operations of unknown outcome with equal inputs are interchangeable once both are
 * called: each may take effect at any time after its call, or never, and the model sees
 * only the input (the output is not known). So any order that places the later-called one
 * somewhere, and the earlier one later or not at all, has a twin with the two swapped, and
 * the search need only try orders that place such operations in call order. For each
 * operation this gives the index of the one it must wait for (the previous of its kind by
 * call time, ties by index, as the event list orders calls), or -1. Without this, n
 * unanswered writes of one value make 2^n configurations of the memo where n + 1 differ
 * (a Jepsen history with a few crashed writes per value was out of budget).
 */
export function unknownTwins(ops: readonly SearchOp<unknown, unknown>[]): Int32Array {
  const twin = new Int32Array(ops.length).fill(-1);
  const order: number[] = [];
  for (let i = 0; i < ops.length; i++) if (ops[i].ret === Infinity) order.push(i);
  if (order.length < 2) return twin;
  order.sort((a, b) => ops[a].call - ops[b].call || a - b);
  const last = new Map<string, number>();
  for (const i of order) {
    const key = inputKey(ops[i].op.input);
    if (key === undefined) continue;
    const prev = last.get(key);
    if (prev !== undefined) twin[i] = prev;
    last.set(key, i);
  }
  return twin;
}

/** An input's identity for unknownTwins: its JSON text, or undefined when it has none to trust. */
export function inputKey(input: unknown): string | undefined {
  try {
    // Every input the history readers and the recorder make is plain data: JSON says all of it.
    return JSON.stringify(input, (_k, v: unknown) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' || (typeof v === 'number' && !Number.isFinite(v)) ? failInputKey() : v));
  } catch {
    return undefined;
  }
}

function failInputKey(): never {
  throw new Error('not plain data');
}

function searchPartition<S, I, O>(model: Model<S, I, O>, ops: readonly SearchOp<I, O>[], budget: Budget): SearchOutcome {
  return new WglSearch(model, ops, budget.visitedBytesMax).run(budget);
}

/** A state a segment can end in, with the operations of unknown outcome it left unplaced (indexes into its ops). */
export interface EndConfiguration<S> {
  readonly state: S;
  readonly unplaced: readonly number[];
}

/** What endStates found: every configuration the operations can end in, or 'budget'. */
export type EndStates<S> = { kind: 'ok'; ends: EndConfiguration<S>[]; steps: number } | { kind: 'budget'; steps: number };

/**
 * Every configuration that an order of `ops` (one partition) can end in from `start`:
 * each operation with a known outcome placed once, in an order that respects real time
 * and the model, and those with an unknown outcome (return Infinity) placed or not; a
 * configuration is the state after the last known one and the unknown ones left unplaced
 * (which may still take effect later). None when no order is legal. Each is listed once,
 * up to interchangeable operations: of unknown ones with equal inputs, those left unplaced
 * are the latest called (unknownTwins).
 * This is what a segmented check (segmentedCheck.ts) carries from one segment of a
 * partition's history to the next.
 */
export function endStates<S, I, O>(model: Model<S, I, O>, ops: readonly SearchOp<I, O>[], start: S, opts: CheckOptions = {}): EndStates<S> {
  validateOptions(opts);
  const budget = new Budget(opts.maxSteps ?? MAX_STEPS_DEFAULT, opts.deadline, opts.maxVisitedBytes ?? VISITED_BYTES_MAX_DEFAULT);
  const table = new StateTable(model as Model<S, unknown, unknown>);
  const seen = new Set<string>();
  const ends: EndConfiguration<S>[] = [];
  const keep = (state: S, unplaced: number[]): void => {
    const key = `${table.id(state)}|${unplaced.join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    ends.push({ state, unplaced });
  };
  const complete = ops.length <= SMALL_SEGMENT_OPS
    ? smallEndStates(model, ops, start, budget, keep)
    : new WglSearch(model, ops, budget.visitedBytesMax, start).run(budget, keep).kind !== 'budget';
  return complete ? { kind: 'ok', ends, steps: budget.steps } : { kind: 'budget', steps: budget.steps };
}

/**
 * Segments up to this many operations are enumerated by a plain depth-first search (at most
 * 6! orders) instead of building a WglSearch: most segments that overlap at all hold two or
 * three operations, and the search's event list and memo cost more than the orders.
 */
const SMALL_SEGMENT_OPS = 6;

/**
 * endStates by brute force, for a few operations: every order that respects real time (an
 * operation may come next unless another one still to place returned before it was called)
 * and the model, each stopped where its last known operation is placed. False when the
 * budget ran out.
 */
function smallEndStates<S, I, O>(model: Model<S, I, O>, ops: readonly SearchOp<I, O>[], start: S, budget: Budget, keep: (s: S, unplaced: number[]) => void): boolean {
  let known = 0;
  for (let j = 0; j < ops.length; j++) if (ops[j].ret !== Infinity) known |= 1 << j;
  const twin = unknownTwins(ops);
  const place = (done: number, state: S): boolean => {
    if ((done & known) === known) {
      const unplaced: number[] = [];
      for (let j = 0; j < ops.length; j++) if ((done & (1 << j)) === 0) unplaced.push(j);
      keep(state, unplaced);
      return true;
    }
    let firstReturn = Infinity;
    for (let j = 0; j < ops.length; j++) if ((done & (1 << j)) === 0 && ops[j].ret < firstReturn) firstReturn = ops[j].ret;
    for (let i = 0; i < ops.length; i++) {
      if ((done & (1 << i)) !== 0 || ops[i].call > firstReturn) continue;
      if (twin[i] >= 0 && (done & (1 << twin[i])) === 0) continue;
      if (!budget.spend()) return false;
      const step = model.step(state, ops[i].op.input, ops[i].output);
      if (step.legal && !place(done | (1 << i), step.next)) return false;
    }
    return true;
  };
  return place(0, start);
}

/**
 * Shrinks a failing partition for the report by removing read-only operations while it
 * stays illegal. Only reads are removed because that is sound: dropping a read from a
 * linearizable history leaves it linearizable, so a smaller failure still proves the
 * original one. Dropping a write is not sound and is never tried.
 */
function shrinkFailure<S, I, O>(model: Model<S, I, O>, ops: readonly SearchOp<I, O>[], longest: number[], budget: Budget): { ops: SearchOp<I, O>[]; longest: number[] } {
  let current = [...ops];
  let currentLongest = longest;
  const sub = budget.capped(SHRINK_STEPS_MAX);
  for (let i = current.length - 1; i >= 0; i--) {
    if (model.isReadOnly?.(current[i].op.input, current[i].output) !== true) continue;
    const candidate = current.filter((_, j) => j !== i);
    const outcome = searchPartition(model, candidate, sub);
    if (outcome.kind === 'budget') break;
    if (outcome.kind === 'illegal') {
      current = candidate;
      currentLongest = outcome.longest;
    }
  }
  budget.absorb(sub);
  return { ops: current, longest: currentLongest };
}

function validateOptions(opts: CheckOptions): void {
  const max = opts.maxSteps;
  if (max !== undefined && !(max >= 0)) throw new Error(`checkHistory: maxSteps must be a non-negative number, got ${max}`);
  const bytes = opts.maxVisitedBytes;
  if (bytes !== undefined && !(bytes > 0)) throw new Error(`checkHistory: maxVisitedBytes must be a positive number, got ${bytes}`);
}

/**
 * Checks that a history is linearizable with respect to a model: 'ok', 'illegal' (with the
 * smallest failing partition and an explanation) or 'unknown' (the budget ran out).
 */
export function checkHistory<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[] | HistorySource<I, O>, opts: CheckOptions = {}): CheckResult<I, O> {
  validateOptions(opts);
  const budget = new Budget(opts.maxSteps ?? MAX_STEPS_DEFAULT, opts.deadline, opts.maxVisitedBytes ?? VISITED_BYTES_MAX_DEFAULT);
  const source = sourceOf(history);
  const parts = partitionByKey(model, source);
  let checkedOps = 0;
  for (const part of parts) {
    const partOps = searchOpsOf(model, source, part);
    const outcome = searchPartition(model, partOps, budget);
    if (outcome.kind === 'budget') {
      return { verdict: 'unknown', partitions: parts.length, checkedOps, steps: budget.steps };
    }
    checkedOps += partOps.length;
    if (outcome.kind === 'illegal') {
      const shrunk = shrinkFailure(model, partOps, outcome.longest, budget);
      const ops = shrunk.ops.map((s) => s.op);
      const explanation = explainIllegal(model, part.key, ops, shrunk.longest, partOps.length);
      const explanationFull = explainIllegal(model, part.key, ops, shrunk.longest, partOps.length, FULL_EXPLANATION);
      return { verdict: 'illegal', partitions: parts.length, checkedOps, steps: budget.steps, illegal: { key: part.key, ops, explanation, explanationFull } };
    }
  }
  return { verdict: 'ok', partitions: parts.length, checkedOps, steps: budget.steps };
}

/** Linearizability of a key-value history: checkHistory with the key-value model. */
export function checkKvHistory(history: readonly Operation<KvOp, KvObservation>[] | HistorySource<KvOp, KvObservation>, opts: CheckOptions = {}): CheckResult<KvOp, KvObservation> {
  return checkHistory(kvModel, history, opts);
}
