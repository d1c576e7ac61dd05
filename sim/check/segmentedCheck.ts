// A linearizability check that runs as the history is made, in bounded memory: each
// partition's (key's) history is cut into segments at quiescent points, each segment is
// checked when it closes and then forgotten, and what a partition carries from one
// segment to the next is the set of configurations it can be in: a state, and the
// operations of unknown outcome that may still take effect.
//
// Contract: the verdict is checkHistory's on the whole history (linearizability.ts), for
// any model. Why it is exact: a cut falls where every operation of the partition so far
// with a known outcome has returned strictly before the next one is called, and none is in
// flight, so real time puts every such operation before the cut ahead of every operation
// after it in any linearization; the partition's history is linearizable exactly when some
// chain of configurations runs through the segments, and the checker keeps every
// configuration a segment can end in (endStates), from every one the previous could.
// An operation whose outcome is unknown (no answer, a session-expired error) may take
// effect at any time after its call, or never: a segment may place it or leave it for
// later, and one left is carried into the next segment's search (so a timed-out write does
// not stop its key from being cut). A configuration whose carried operations include
// another's, with the same state, can do all that one can: only the larger is kept. A
// segment whose operations do not overlap is stepped through the model; one with overlaps
// is searched.
//
// Bounds: at most `heldMax` operations are held at once (open segments and carried
// ones); past that nothing more is recorded (`overflow`): what was checked is a prefix of
// the history, sound as historyRecorder.ts explains (completions after the overflow are left
// unknown), and a clean prefix is 'inconclusive', never a pass. A segment too costly to
// enumerate (SEGMENT_UNKNOWN_MAX, SEGMENT_ENUMERATION_STEPS_MAX, `statesMax`) is not cut:
// its partition's history from there is held and checked at the end by a search that stops
// at the first legal order; only that search spending `segmentSteps` leaves the partition
// undecided ('unknown').
import type { CheckResult, IllegalReport, Operation } from './history.ts';
import { checkHistory, endStates, inputKey, StateTable, toSearchOp, type SearchOp } from './linearizability.ts';
import { formatCount } from '../kernel/time.ts';
import type { Model } from './model.ts';

/** Search steps one segment may spend (the end-of-run check of a whole history spends 20 M). */
export const SEGMENT_STEPS_MAX = 2_000_000;
/**
 * Operations of unknown outcome a segment's search may take in (carried and new): each may
 * be placed or not, so the orders to enumerate grow as 2^n. Past it the partition is no
 * longer cut: its history from there is held and checked at the end, by a search that stops
 * at the first legal order instead of enumerating them all.
 */
export const SEGMENT_UNKNOWN_MAX = 6;
/**
 * The same bound as SEGMENT_UNKNOWN_MAX, counted as the choices the search has: operations
 * of unknown outcome with equal inputs are interchangeable (linearizability.ts,
 * unknownTwins), so k of one kind give k + 1 choices (how many took effect), not 2^k, and
 * a segment's choices are the product over its kinds. Six of different kinds: 2^6 = 64.
 */
export const SEGMENT_UNKNOWN_CHOICES_MAX = 64;
/**
 * Steps one segment's enumeration of end configurations may spend. Enumerating them all
 * can cost far more than finding one order (a key that eight clients keep busy: 779
 * overlapping operations spent 20,000,000 steps, where the search for one order of the
 * whole history needed few): past it, or past SEGMENT_STATES_MAX configurations, the
 * partition is no longer cut, and its history from there is checked at the end.
 */
export const SEGMENT_ENUMERATION_STEPS_MAX = 200_000;
/** Configurations a partition may carry across a cut; beyond it the partition is no longer cut. */
export const SEGMENT_STATES_MAX = 4096;

export interface SegmentedOptions {
  /** Operations held at most (open segments, across partitions); default unbounded. */
  heldMax?: number;
  /** Search steps per segment (default SEGMENT_STEPS_MAX). */
  segmentSteps?: number;
  /** Configurations carried across a cut at most (default SEGMENT_STATES_MAX); more: the partition is no longer cut. */
  statesMax?: number;
  /**
   * Polled during every search (as CheckOptions.deadline); true stops it: a search it stops
   * leaves its partition undecided ('unknown'), never passed. For a caller with a wall-clock
   * limit (`faultline check --timeout`); simulated runs leave it unset.
   */
  deadline?: () => boolean;
  /**
   * Called the moment a closed segment proves the history illegal (at the call that cut
   * it), with the report finish() will also return: a violation found then is final,
   * whatever the rest of the history holds. Failures found by finish() are not passed here.
   */
  onIllegal?: (report: IllegalReport<unknown, unknown>, atUs: number) => void;
}

/** A state a partition may be in at a cut, with the operations of unknown outcome that may still take effect. */
interface Config<S, I, O> {
  readonly state: S;
  readonly unplaced: readonly Operation<I, O>[];
}

/** One partition: the configurations it may be in at its last cut, and the operations since. */
interface Part<S, I, O> {
  readonly key: string;
  configs: Config<S, I, O>[];
  ops: Operation<I, O>[];
  /** Operations in `ops` not yet answered. */
  open: number;
  /** The latest known return in `ops` (-Infinity when none). */
  lastReturn: number;
  /** Distinct operations carried in the configurations (held too). */
  carried: number;
  /** Too costly to enumerate (unanswered writes, a long busy stretch): no more cuts, checked at the end. */
  sticky: boolean;
  /** Virtual time of the last cut (0 before the first). */
  cutUs: number;
  /** Operations checked before the last cut. */
  checked: number;
  /** A segment could not be decided: later operations are only counted. */
  undecided: boolean;
}

/** An operation held in a segment, with its partition. */
interface HeldOp<S, I, O> extends Operation<I, O> {
  readonly part: Part<S, I, O>;
}

export type SegmentedVerdict = 'ok' | 'illegal' | 'unknown' | 'inconclusive';

export interface SegmentedResult<I, O> {
  verdict: SegmentedVerdict;
  /** Partitions with at least one operation. */
  partitions: number;
  /** Segments checked (cuts plus the final ones). */
  segments: number;
  /** The most operations held at once. */
  heldPeak: number;
  /** Search steps spent, over every segment. */
  steps: number;
  illegal?: IllegalReport<I, O>;
  /** Why the verdict is 'unknown', when it is. */
  reason?: string;
}

/** An operation of unknown outcome as the search sees it: placed any time after its call, or not. */
function unknownOp<I, O>(op: Operation<I, O>): SearchOp<I, O> {
  return { op, output: null, call: op.call, ret: Infinity };
}

export class SegmentedChecker<S, I, O> {
  private readonly parts = new Map<string, Part<S, I, O>>();
  /** Unanswered operations by opId, with their partition. */
  private readonly pending = new Map<number, HeldOp<S, I, O>>();
  /** Partitions that went quiet (nothing open) at tUs, in time order; stale entries are skipped. */
  private readonly ready: { part: Part<S, I, O>; tUs: number }[] = [];
  private readyHead = 0;
  private held = 0;
  heldPeak = 0;
  overflow = false;
  segments = 0;
  steps = 0;
  private failure: IllegalReport<I, O> | null = null;
  private undecidedReason: string | null = null;
  private readonly heldMax: number;
  private readonly segmentSteps: number;
  private readonly deadline: (() => boolean) | undefined;
  private readonly statesMax: number;
  private readonly onIllegal: SegmentedOptions['onIllegal'];

  constructor(readonly model: Model<S, I, O>, opts: SegmentedOptions = {}) {
    this.onIllegal = opts.onIllegal;
    this.heldMax = opts.heldMax ?? Infinity;
    this.segmentSteps = opts.segmentSteps ?? SEGMENT_STEPS_MAX;
    this.deadline = opts.deadline;
    this.statesMax = opts.statesMax ?? SEGMENT_STATES_MAX;
  }

  /** The first illegal segment found, if any (checking stops there). */
  get illegal(): IllegalReport<I, O> | null {
    return this.failure;
  }

  /**
   * An operation is called (calls come in time order). Returns false when it was not
   * recorded (the checker is full, or already found a violation).
   */
  invoke(opId: number, clientId: number, call: number, input: I): boolean {
    if (this.failure !== null || this.overflow) return false;
    const key = this.model.partition === undefined ? '' : this.model.partition(input);
    let part = this.parts.get(key);
    if (part === undefined) {
      part = { key, configs: [{ state: this.model.init(), unplaced: [] }], ops: [], open: 0, lastReturn: -Infinity, carried: 0, sticky: false, cutUs: 0, checked: 0, undecided: false };
      this.parts.set(key, part);
    }
    this.closeReady(call);
    if (this.failure !== null) return false;
    if (part.undecided) return true;
    if (this.eligible(part, call)) this.closeSegment(part, call);
    if (this.failure !== null) return false;
    if (this.held >= this.heldMax) {
      this.overflow = true;
      return false;
    }
    const op: HeldOp<S, I, O> = { clientId, opId, input, call, return: Infinity, output: null, part };
    part.ops.push(op);
    part.open++;
    this.held++;
    if (this.held > this.heldPeak) this.heldPeak = this.held;
    this.pending.set(opId, op);
    return true;
  }

  /**
   * Operation `opId` ends at `tUs` (in time order with the calls): 'answered' with `output`
   * (null: the answer was not seen), 'unknown' (no answer will come: it may take effect
   * later or never), or 'refused' before it reached the system (no part of the history).
   */
  complete(opId: number, tUs: number, output: O | null, outcome: 'answered' | 'unknown' | 'refused' = 'answered'): void {
    const op = this.pending.get(opId);
    if (op === undefined) return;
    this.pending.delete(opId);
    const part = op.part;
    part.open--;
    if (outcome === 'refused') {
      part.ops.splice(part.ops.lastIndexOf(op), 1);
      this.held--;
    } else if (outcome === 'answered' && !this.overflow) {
      // (After an overflow an answer may show a write that was never recorded: left unknown.)
      op.return = tUs;
      op.output = output;
      if (tUs > part.lastReturn) part.lastReturn = tUs;
    }
    if (part.open === 0 && part.ops.length > 0) this.ready.push({ part, tUs });
  }

  /** Whether `part`'s segment can be closed before a call at `callUs`. */
  private eligible(part: Part<S, I, O>, callUs: number): boolean {
    return part.open === 0 && !part.undecided && !part.sticky && part.ops.length > 0 && callUs > part.lastReturn;
  }

  /**
   * Closes the segments that went quiet before `callUs`: any later call on their keys comes
   * at `callUs` or after, so the cut is sound now, and what they hold is freed at once
   * rather than when their key is next used.
   */
  private closeReady(callUs: number): void {
    const q = this.ready;
    while (this.readyHead < q.length && q[this.readyHead].tUs < callUs && this.failure === null) {
      const { part } = q[this.readyHead++];
      if (this.eligible(part, callUs)) this.closeSegment(part, callUs);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > q.length) {
      q.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  /** Checks what is still held (operations never answered count as unknown) and gives the verdict. */
  finish(): SegmentedResult<I, O> {
    for (const part of this.parts.values()) {
      if (this.failure !== null) break;
      if (part.undecided || (part.ops.length === 0 && part.carried === 0)) continue;
      this.finalSegment(part);
    }
    const base = { partitions: this.parts.size, segments: this.segments, heldPeak: this.heldPeak, steps: this.steps };
    if (this.failure !== null) return { ...base, verdict: 'illegal', illegal: this.failure };
    if (this.undecidedReason !== null) return { ...base, verdict: 'unknown', reason: this.undecidedReason };
    return { ...base, verdict: this.overflow ? 'inconclusive' : 'ok' };
  }

  /** The operations of `part`'s segment that constrain, as the search sees them. */
  private searchOps(part: Part<S, I, O>): SearchOp<I, O>[] {
    const out: SearchOp<I, O>[] = [];
    for (const op of part.ops) {
      const s = toSearchOp(this.model, op);
      if (s !== null) out.push(s);
    }
    return out;
  }

  /** Closes `part`'s segment at a cut before time `cutUs`: its end configurations become the next starts. */
  private closeSegment(part: Part<S, I, O>, cutUs: number): void {
    if (part.ops.length === 1 && part.carried === 0 && part.configs.length === 1 && this.closeOne(part, cutUs)) return;
    const ops = this.searchOps(part);
    let unknown = 0;
    for (const o of ops) if (o.ret === Infinity) unknown++;
    for (const c of part.configs) {
      // Up to SEGMENT_UNKNOWN_MAX of them cannot make more choices than the bound: counted by kind only past it.
      if (c.unplaced.length + unknown <= SEGMENT_UNKNOWN_MAX) continue;
      const inputs = [...ops.filter((o) => o.ret === Infinity).map((o) => o.op.input), ...c.unplaced.map((o) => o.input)];
      if (unknownChoices(inputs) > SEGMENT_UNKNOWN_CHOICES_MAX) {
        part.sticky = true;
        return;
      }
    }
    this.segments++;
    const ends = this.endsOf(part, ops);
    if (ends === 'defer' || ends.length > this.statesMax) {
      // Too costly to enumerate, or too many ways to end: held, and checked at the end by
      // a search that stops at its first legal order.
      this.segments--;
      part.sticky = true;
      return;
    }
    if (ends.length === 0) {
      this.fail(part, ops);
      if (this.failure !== null) this.onIllegal?.(this.failure as IllegalReport<unknown, unknown>, cutUs);
      return;
    }
    const carried = new Set<Operation<I, O>>();
    for (const c of ends) for (const op of c.unplaced) carried.add(op);
    this.held += carried.size - part.carried - part.ops.length;
    part.carried = carried.size;
    part.configs = ends;
    part.checked += ops.length;
    part.cutUs = cutUs;
    part.ops = [];
    part.lastReturn = -Infinity;
  }

  /**
   * The common case, without allocating much: one operation with a known outcome from one
   * state and nothing carried. False when it is not that, or not legal there (closeSegment
   * then takes it the long way, and reports it if illegal).
   */
  private closeOne(part: Part<S, I, O>, cutUs: number): boolean {
    const so = toSearchOp(this.model, part.ops[0]);
    if (so !== null) {
      if (so.ret === Infinity) return false;
      const step = this.model.step(part.configs[0].state, so.op.input, so.output);
      if (!step.legal) return false;
      part.configs[0] = { state: step.next, unplaced: [] };
      part.checked++;
    } // else a read with nothing observed: it constrains nothing.
    this.segments++;
    part.cutUs = cutUs;
    this.held--;
    part.ops.length = 0;
    part.lastReturn = -Infinity;
    return true;
  }

  /** Every configuration the segment's operations `ops` can end in, from each of `part`'s; null when undecided. */
  private endsOf(part: Part<S, I, O>, ops: readonly SearchOp<I, O>[]): Config<S, I, O>[] | 'defer' {
    const out: Config<S, I, O>[] = [];
    const plain = part.carried === 0 && sequential(ops);
    for (const c of part.configs) {
      if (plain) {
        const state = this.stepThrough(c.state, ops);
        if (state.legal) out.push({ state: state.state, unplaced: [] });
        continue;
      }
      const segOps = c.unplaced.length === 0 ? ops : [...ops, ...c.unplaced.map(unknownOp)];
      const r = endStates(this.model, segOps, c.state, { maxSteps: Math.min(this.segmentSteps, SEGMENT_ENUMERATION_STEPS_MAX), deadline: this.deadline });
      this.steps += r.steps;
      if (r.kind === 'budget') return 'defer';
      for (const e of r.ends) out.push({ state: e.state, unplaced: e.unplaced.map((i) => segOps[i].op) });
    }
    return out.length <= 1 ? out : this.largest(out);
  }

  /**
   * The configurations not dominated by another: of those with equal states, one whose
   * carried operations are all among another's can do nothing that one cannot (leaving an
   * operation unplaced is always allowed), so only the larger is kept; equal ones once.
   */
  private largest(configs: readonly Config<S, I, O>[]): Config<S, I, O>[] {
    const table = new StateTable(this.model as Model<S, unknown, unknown>);
    const byState = new Map<number, Config<S, I, O>[]>();
    for (const c of configs) {
      const id = table.id(c.state);
      const list = byState.get(id);
      if (list === undefined) byState.set(id, [c]);
      else list.push(c);
    }
    const out: Config<S, I, O>[] = [];
    for (const list of byState.values()) {
      list.sort((a, b) => b.unplaced.length - a.unplaced.length);
      const kept: { c: Config<S, I, O>; ops: Set<Operation<I, O>> }[] = [];
      for (const c of list) {
        if (kept.some((k) => c.unplaced.every((op) => k.ops.has(op)))) continue;
        kept.push({ c, ops: new Set(c.unplaced) });
        out.push(c);
      }
    }
    return out;
  }

  /** The last segment of `part`, at the end: is there one legal order from some configuration? */
  private finalSegment(part: Part<S, I, O>): void {
    this.segments++;
    let report: IllegalReport<I, O> | undefined;
    for (const c of part.configs) {
      const r = checkHistory(this.from(c.state), [...part.ops, ...c.unplaced], { maxSteps: this.segmentSteps, deadline: this.deadline });
      this.steps += r.steps;
      if (r.verdict === 'ok') return;
      if (r.verdict === 'unknown') {
        const why = this.deadline?.() === true ? 'was stopped by its deadline' : `spent its budget of ${stepsText(this.segmentSteps)}`;
        this.undecide(part, `the search of ${part.key === '' ? 'the' : `key ${part.key}'s`} last ${part.ops.length} operations ${why}`);
        return;
      }
      report ??= r.illegal;
    }
    if (report !== undefined) this.failure = this.withContext(part, report);
  }

  /** Non-overlapping operations with known outcomes, stepped through from `state`. */
  private stepThrough(state: S, ops: readonly SearchOp<I, O>[]): { legal: boolean; state: S } {
    for (const o of ops) {
      const step = this.model.step(state, o.op.input, o.output);
      if (!step.legal) return { legal: false, state };
      state = step.next;
    }
    return { legal: true, state };
  }

  private undecide(part: Part<S, I, O>, reason: string): void {
    part.undecided = true;
    this.undecidedReason ??= reason;
    this.held -= part.ops.length + part.carried;
    for (const op of part.ops) this.pending.delete(op.opId);
    part.ops = [];
    part.carried = 0;
    part.configs = [];
  }

  /** A model that starts in `state`. */
  private from(state: S): Model<S, I, O> {
    return { ...this.model, init: () => state };
  }

  /** No order of a closed segment is legal from any configuration: the explanation from the first. */
  private fail(part: Part<S, I, O>, ops: readonly SearchOp<I, O>[]): void {
    const c = part.configs[0];
    const r = checkHistory(this.from(c.state), [...ops.map((o) => o.op), ...c.unplaced], { maxSteps: this.segmentSteps, deadline: this.deadline });
    this.steps += r.steps;
    if (r.illegal === undefined) {
      // Only a deadline can stop it (endStates found no order, so the search must fail):
      // say the check could not finish rather than pass.
      // A history that is not split by key (one register, a lock, a multi-register) has no key to name.
      const where = part.key === '' ? '' : `key ${part.key}: `;
      this.undecide(part, this.deadline?.() === true ? `${where}a segment with no legal order was found, but its explanation was stopped by the deadline` : `${where}the segment search and its explanation disagree`);
      return;
    }
    this.failure = this.withContext(part, r.illegal);
  }

  /** The report, told where the segment starts and what the key could hold there. */
  private withContext(part: Part<S, I, O>, report: IllegalReport<I, O>): IllegalReport<I, O> {
    // Plain operations, without the link to their partition.
    const r = { ...report, ops: report.ops.map((o) => ({ clientId: o.clientId, opId: o.opId, input: o.input, call: o.call, return: o.return, output: o.output })) };
    if (part.checked === 0) return r;
    const configs = part.configs;
    const shown = configs.slice(0, 8).map((c) => this.model.describe.state(c.state)).join(', ');
    const more = configs.length > 8 ? ` and ${configs.length - 8} more` : '';
    const first = configs[0].unplaced;
    const free = first.length === 0 ? '' : `, with ${first.map((o) => `#${o.opId}`).join(', ')} (no answer) still free to take effect`;
    const head = `The ${part.checked} earlier operations on this ${this.model.noun} (up to ${part.cutUs} µs) were checked as they finished; they leave its ${this.model.stateNoun} as ${configs.length === 1 ? shown : `one of ${shown}${more}`}${configs.length > 1 ? ' (shown from the first)' : ''}${free}.\n`;
    return { ...r, explanation: head + r.explanation, explanationFull: head + r.explanationFull };
  }
}

/** How many ways operations of unknown outcome with these inputs can take effect: the product of (count + 1) over equal inputs. */
function unknownChoices(inputs: readonly unknown[]): number {
  const counts = new Map<string, number>();
  let choices = 1;
  for (const input of inputs) {
    const key = inputKey(input);
    if (key === undefined) choices *= 2;
    else counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const n of counts.values()) choices *= n + 1;
  return choices;
}

/** "1 step", "2,000,000 steps". */
function stepsText(n: number): string {
  return n === 1 ? '1 step' : `${formatCount(n)} steps`;
}

/** Whether every outcome is known and no two operations overlap (each returns strictly before the next is called). */
function sequential<I, O>(ops: readonly SearchOp<I, O>[]): boolean {
  for (let i = 0; i < ops.length; i++) if (ops[i].ret === Infinity || (i > 0 && !(ops[i - 1].ret < ops[i].call))) return false;
  return true;
}

export interface FeedOptions extends SegmentedOptions {
  /** At equal times, answers before calls (default) or after; an answer never precedes its own call. */
  answersFirst?: boolean;
  /** When an operation with no answer (return Infinity) is reported unknown, this long after its call; default never. */
  unknownAfterUs?: number | null;
}

/** A call or an answer of a recorded history, in the order a run would report it. */
export interface HistoryEvent<I, O> {
  readonly t: number;
  /** 0 an answer before the calls at its time, 1 a call, 2 an answer after them. */
  readonly rank: number;
  readonly op: Operation<I, O>;
}

/** The calls and answers of a recorded history in time order (see FeedOptions). */
export function historyEvents<I, O>(ops: readonly Operation<I, O>[], opts: FeedOptions = {}): HistoryEvent<I, O>[] {
  const answersFirst = opts.answersFirst ?? true;
  const unknownAfter = opts.unknownAfterUs ?? null;
  const events: HistoryEvent<I, O>[] = [];
  for (const op of ops) {
    events.push({ t: op.call, rank: 1, op });
    if (op.return !== Infinity) events.push({ t: op.return, rank: answersFirst && op.call < op.return ? 0 : 2, op });
    else if (unknownAfter !== null) events.push({ t: op.call + unknownAfter, rank: answersFirst && unknownAfter > 0 ? 0 : 2, op });
  }
  return events.sort((a, b) => a.t - b.t || a.rank - b.rank || a.op.opId - b.op.opId);
}

/** Feeds events in order to a fresh checker and finishes it. */
export function feedEvents<S, I, O>(model: Model<S, I, O>, events: readonly HistoryEvent<I, O>[], opts: SegmentedOptions = {}): SegmentedResult<I, O> & { overflow: boolean } {
  const checker = new SegmentedChecker(model, opts);
  for (const e of events) {
    if (e.rank === 1) checker.invoke(e.op.opId, e.op.clientId, e.op.call, e.op.input);
    else if (e.op.return === Infinity) checker.complete(e.op.opId, e.t, null, 'unknown');
    else checker.complete(e.op.opId, e.op.return, e.op.output);
  }
  return { ...checker.finish(), overflow: checker.overflow };
}

/**
 * Checks a whole recorded history the way a run feeds the checker: calls and answers in
 * time order. (What a run gives SegmentedChecker as it goes; here for histories read
 * from elsewhere, and for the tests that hold its verdict to checkHistory's.)
 */
export function checkSegmented<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], opts: FeedOptions = {}): SegmentedResult<I, O> & { overflow: boolean } {
  return feedEvents(model, historyEvents(ops, opts), opts);
}
