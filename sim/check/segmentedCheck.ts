// A linearizability check that runs as the history is made, in bounded memory: each
// partition's (key's) history is cut into segments at quiescent points, each segment is
// checked when it closes and then forgotten, and what a partition carries from one
// segment to the next is the set of states it can be in.
//
// Contract: the verdict is checkHistory's on the whole history (linearizability.ts), for
// any model. Why it is exact: a cut falls where every operation of the partition so far has
// returned (with a known outcome) strictly before the next one is called, so real time
// puts every operation before the cut ahead of every operation after it in any
// linearization; the partition's history is linearizable exactly when some chain of
// states runs through the segments, and the checker keeps every state a segment can end
// in (endStates), from every state the previous one could. A segment whose operations
// do not overlap is stepped through the model; one with overlaps is searched.
//
// Where it cannot cut: an operation whose outcome is unknown (no answer, a session-expired
// error) may take effect at any later time or never, so a partition with one never cuts
// again, and its history from the last cut is kept whole and checked at the end, as the
// batch checker would. At most `heldMax` operations are held at once; past that nothing
// more is recorded (`overflow`): what was checked is a prefix of the history, sound as
// historyRecorder.ts explains (completions after the overflow are left unknown), and a
// clean prefix is 'inconclusive', never a pass. A segment whose search spends its budget,
// or whose end states exceed `statesMax`, leaves its partition undecided ('unknown'), and
// its later operations are only counted.
import type { CheckResult, IllegalReport, Operation } from './history.ts';
import { checkHistory, endStates, toSearchOp, type SearchOp } from './linearizability.ts';
import { isUnknownOutcome, type Model } from './model.ts';

/** Search steps one segment may spend (the end-of-run check of a whole history spends 20 M). */
export const SEGMENT_STEPS_MAX = 2_000_000;
/** Distinct states a partition may be in at a cut; beyond it the partition is undecided. */
export const SEGMENT_STATES_MAX = 4096;

export interface SegmentedOptions {
  /** Operations held at most (open segments, across partitions); default unbounded. */
  heldMax?: number;
  /** Search steps per segment (default SEGMENT_STEPS_MAX). */
  segmentSteps?: number;
  /** States carried across a cut at most (default SEGMENT_STATES_MAX). */
  statesMax?: number;
  /**
   * Called the moment a closed segment proves the history illegal (at the call that cut
   * it), with the report finish() will also return: a violation found then is final,
   * whatever the rest of the history holds. Failures found by finish() are not passed here.
   */
  onIllegal?: (report: IllegalReport<unknown, unknown>, atUs: number) => void;
}

/** One partition: the states it may be in at its last cut, and the operations since. */
interface Part<S, I, O> {
  readonly key: string;
  starts: S[];
  ops: Operation<I, O>[];
  /** Operations in `ops` not yet answered. */
  open: number;
  /** The latest known return in `ops` (-Infinity when none). */
  lastReturn: number;
  /** An operation with an unknown outcome is in `ops`: no cut until the end. */
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
  private readonly statesMax: number;
  private readonly onIllegal: SegmentedOptions['onIllegal'];

  constructor(readonly model: Model<S, I, O>, opts: SegmentedOptions = {}) {
    this.onIllegal = opts.onIllegal;
    this.heldMax = opts.heldMax ?? Infinity;
    this.segmentSteps = opts.segmentSteps ?? SEGMENT_STEPS_MAX;
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
      part = { key, starts: [this.model.init()], ops: [], open: 0, lastReturn: -Infinity, sticky: false, cutUs: 0, checked: 0, undecided: false };
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
      op.return = tUs;
      op.output = output;
      if (tUs > part.lastReturn) part.lastReturn = tUs;
      if (isUnknownOutcome(this.model, op)) part.sticky ||= toSearchOp(this.model, op) !== null;
    } else {
      // Unknown; and after an overflow an answer may show a write that was never recorded.
      part.sticky ||= toSearchOp(this.model, op) !== null;
    }
    if (part.open === 0 && !part.sticky && part.ops.length > 0) this.ready.push({ part, tUs });
  }

  /** Whether `part`'s segment can be closed before a call at `callUs`. */
  private eligible(part: Part<S, I, O>, callUs: number): boolean {
    return part.open === 0 && !part.sticky && !part.undecided && part.ops.length > 0 && callUs > part.lastReturn;
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
      if (part.undecided || part.ops.length === 0) continue;
      this.finalSegment(part);
    }
    const base = { partitions: this.parts.size, segments: this.segments, heldPeak: this.heldPeak, steps: this.steps };
    if (this.failure !== null) return { ...base, verdict: 'illegal', illegal: this.failure };
    if (this.undecidedReason !== null) return { ...base, verdict: 'unknown', reason: this.undecidedReason };
    return { ...base, verdict: this.overflow ? 'inconclusive' : 'ok' };
  }

  /** The operations of `part` that constrain, as the search sees them. */
  private searchOps(part: Part<S, I, O>): SearchOp<I, O>[] {
    const out: SearchOp<I, O>[] = [];
    for (const op of part.ops) {
      const s = toSearchOp(this.model, op);
      if (s !== null) out.push(s);
    }
    return out;
  }

  /** Closes `part`'s segment at a cut before time `cutUs`: its end states become the next starts. */
  private closeSegment(part: Part<S, I, O>, cutUs: number): void {
    if (part.ops.length === 1 && part.starts.length === 1 && this.closeOne(part, cutUs)) return;
    const ops = this.searchOps(part);
    this.segments++;
    const ends = sequential(ops) ? this.stepThrough(part.starts, ops) : this.search(part, ops);
    if (ends === null) return; // undecided
    if (ends.length === 0) {
      this.fail(part, ops);
      if (this.failure !== null) this.onIllegal?.(this.failure as IllegalReport<unknown, unknown>, cutUs);
      return;
    }
    if (ends.length > this.statesMax) {
      this.undecide(part, `key ${part.key} could hold any of ${ends.length} values at ${cutUs} µs (more than ${this.statesMax})`);
      return;
    }
    part.starts = ends;
    part.checked += ops.length;
    part.cutUs = cutUs;
    this.held -= part.ops.length;
    part.ops = [];
    part.lastReturn = -Infinity;
  }

  /**
   * The common case, without allocating: one operation (answered: segments are closed only
   * then) from one state. False when it is not legal there (closeSegment then reports it).
   */
  private closeOne(part: Part<S, I, O>, cutUs: number): boolean {
    const op = part.ops[0];
    const known = op.output !== null && !isUnknownOutcome(this.model, op);
    // A read with nothing observed constrains nothing (toSearchOp drops it).
    if (known || this.model.isReadOnly?.(op.input, null) !== true) {
      const step = this.model.step(part.starts[0], op.input, known ? op.output : null);
      if (!step.legal) return false;
      part.starts[0] = step.next;
      part.checked++;
    }
    this.segments++;
    part.cutUs = cutUs;
    this.held--;
    part.ops.length = 0;
    part.lastReturn = -Infinity;
    return true;
  }

  /** The last segment of `part`, at the end: is there one legal order from some start? */
  private finalSegment(part: Part<S, I, O>): void {
    this.segments++;
    let report: IllegalReport<I, O> | undefined;
    for (const start of part.starts) {
      const r = checkHistory(this.from(start), part.ops, { maxSteps: this.segmentSteps });
      this.steps += r.steps;
      if (r.verdict === 'ok') return;
      if (r.verdict === 'unknown') {
        this.undecide(part, `the search of key ${part.key}'s last ${part.ops.length} operations spent its budget of ${this.segmentSteps} steps`);
        return;
      }
      report ??= r.illegal;
    }
    if (report !== undefined) this.failure = this.withContext(part, report);
  }

  /** Non-overlapping operations: each start stepped through them in order. */
  private stepThrough(starts: readonly S[], ops: readonly SearchOp<I, O>[]): S[] {
    const out: S[] = [];
    for (const start of starts) {
      let state = start;
      let legal = true;
      for (const o of ops) {
        const step = this.model.step(state, o.op.input, o.output);
        if (!step.legal) {
          legal = false;
          break;
        }
        state = step.next;
      }
      if (legal) out.push(state);
    }
    if (out.length <= 1) return out;
    const r = endStates(this.model, [], out); // distinct states only
    return r.kind === 'ok' ? r.states : out;
  }

  private search(part: Part<S, I, O>, ops: readonly SearchOp<I, O>[]): S[] | null {
    const r = endStates(this.model, ops, part.starts, { maxSteps: this.segmentSteps });
    this.steps += r.steps;
    if (r.kind === 'budget') {
      this.undecide(part, `the search of ${ops.length} overlapping operations on key ${part.key} spent its budget of ${this.segmentSteps} steps`);
      return null;
    }
    return r.states;
  }

  private undecide(part: Part<S, I, O>, reason: string): void {
    part.undecided = true;
    this.undecidedReason ??= reason;
    this.held -= part.ops.length;
    for (const op of part.ops) this.pending.delete(op.opId);
    part.ops = [];
  }

  /** A model that starts in `state`. */
  private from(state: S): Model<S, I, O> {
    return { ...this.model, init: () => state };
  }

  /** No order of a closed segment is legal from any start: the explanation from the first start. */
  private fail(part: Part<S, I, O>, ops: readonly SearchOp<I, O>[]): void {
    const r = checkHistory(this.from(part.starts[0]), ops.map((o) => o.op), { maxSteps: this.segmentSteps });
    this.steps += r.steps;
    if (r.illegal === undefined) {
      // Cannot happen (endStates found no order); say so rather than pass.
      this.undecide(part, `key ${part.key}: the segment search and its explanation disagree`);
      return;
    }
    this.failure = this.withContext(part, r.illegal);
  }

  /** The report, told where the segment starts and what the key could hold there. */
  private withContext(part: Part<S, I, O>, report: IllegalReport<I, O>): IllegalReport<I, O> {
    // Plain operations, without the link to their partition.
    const r = { ...report, ops: report.ops.map((o) => ({ clientId: o.clientId, opId: o.opId, input: o.input, call: o.call, return: o.return, output: o.output })) };
    if (part.checked === 0) return r;
    const shown = part.starts.slice(0, 8).map((s) => this.model.describe.state(s)).join(', ');
    const more = part.starts.length > 8 ? ` and ${part.starts.length - 8} more` : '';
    const head = `The ${part.checked} earlier operations on this ${this.model.noun} (up to ${part.cutUs} µs) were checked as they finished; they leave its ${this.model.stateNoun} as ${part.starts.length === 1 ? shown : `one of ${shown}${more}`}${part.starts.length > 1 ? ' (shown from the first)' : ''}.\n`;
    return { ...r, explanation: head + r.explanation, explanationFull: head + r.explanationFull };
  }
}

/** Whether no two operations overlap (each returns strictly before the next is called). */
function sequential<I, O>(ops: readonly SearchOp<I, O>[]): boolean {
  for (let i = 1; i < ops.length; i++) if (!(ops[i - 1].ret < ops[i].call)) return false;
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
