// The clients' key-value history checked as the run goes (segmentedCheck.ts), for runs
// too long to keep every request: load-hour's 3.6 million requests are decided in the
// memory a few seconds of them take.
//
// Contract: built from the same telemetry as HistoryRecorder ('kv.invoke', 'kv.complete'),
// with the same meanings (true virtual time; output '' unknown; `refused` never reached the
// servers and leaves the history); the verdict is the end-of-run checker's on the whole
// history. Only the operations of segments still open are held, at most `heldMax`; past
// that recording stops and a clean check is inconclusive (segmentedCheck.ts). A violation
// is reported the moment a closed segment proves it (so shrinking, which stops a run at
// its first violation, stops there); one found only in what is held at the end, then.
import type { Micros } from '../../core/env.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import { formatCount } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import type { IllegalReport } from './history.ts';
import { kvModel, type KvObservation, type KvState } from './kvModel.ts';
import { SegmentedChecker, type SegmentedOptions, type SegmentedResult } from './segmentedCheck.ts';

/** An operation in flight: its id, whether it writes, whether the checker holds it. */
interface InFlight {
  id: number;
  write: boolean;
  checked: boolean;
}

/** Counts writes answered ok within (fromUs, toUs] (a liveness check's window). */
export interface WriteCounter {
  readonly fromUs: Micros;
  readonly toUs: Micros;
  n: number;
}

/** Search steps a linearizability search of raft-kv's history may spend (a segment's, since it is checked as the run goes). */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

/**
 * Reports an illegal history as a 'linearizability' violation, now, with the checker's
 * explanation (the whole text as the detail when the explanation was cut short).
 */
function violateLinearizability(world: World, illegal: IllegalReport<unknown, unknown>): void {
  const head = `history is not linearizable on key ${illegal.key}:\n`;
  const full = illegal.explanationFull === illegal.explanation ? undefined : head + illegal.explanationFull;
  world.violate('linearizability', null, head + illegal.explanation, full);
}

export class SegmentedKvHistory {
  readonly checker: SegmentedChecker<KvState, KvOp, KvObservation>;
  /** Operations in flight by `clientId:rid`. */
  private readonly open = new Map<string, InFlight>();
  private readonly counters: WriteCounter[] = [];
  private readonly okListeners: ((t: Micros) => void)[] = [];
  private readonly writeListeners: ((t: Micros, clientId: number, answered: boolean) => void)[] = [];
  private nextId = 0;
  /** Operations of the run, refused ones left out (counted whether or not the checker holds them). */
  operations = 0;
  /** Operations answered ok. */
  ok = 0;
  /** Operations answered with a known outcome (ok or not). */
  answered = 0;

  /** The violation was reported the moment it was found (not at the end of the run). */
  private reported = false;

  constructor(private readonly world: World, readonly heldMax: number, opts: Omit<SegmentedOptions, 'heldMax' | 'onIllegal'> = {}) {
    const onIllegal = (r: IllegalReport<unknown, unknown>): void => {
      this.reported = true;
      violateLinearizability(world, r);
    };
    this.checker = new SegmentedChecker(kvModel, { ...opts, heldMax, onIllegal });
    world.onTelemetry((t, _node, name, f) => {
      if (name === 'kv.invoke') this.invoke(t, f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.complete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
  }

  get overflow(): boolean {
    return this.checker.overflow;
  }

  /**
   * A counter of the writes answered ok within (fromUs, toUs], kept as the run goes
   * (also after an overflow: counting needs no history). Ask before the window begins.
   */
  /** Called with the time of every operation that succeeded (a read or a write), in order. */
  onOk(f: (t: Micros) => void): void {
    this.okListeners.push(f);
  }

  /**
   * Called with the time and client of every write invoked (`answered` false) and of every
   * write that completed with a known outcome, ok or a definite failure (`answered` true), in order.
   */
  onWrite(f: (t: Micros, clientId: number, answered: boolean) => void): void {
    this.writeListeners.push(f);
  }

  countWritesOk(fromUs: Micros, toUs: Micros): WriteCounter {
    const c = { fromUs, toUs, n: 0 };
    this.counters.push(c);
    return c;
  }

  private invoke(t: Micros, clientId: number, rid: number, input: string): void {
    const op = JSON.parse(input) as KvOp;
    const checked = this.checker.invoke(this.nextId, clientId, t, op);
    this.open.set(`${clientId}:${rid}`, { id: this.nextId++, write: op.op !== 'get', checked });
    if (op.op !== 'get') for (const f of this.writeListeners) f(t, clientId, false);
    this.operations++;
  }

  /** Counts every operation of the run (after a violation or an overflow too); feeds the checker those it holds. */
  private complete(t: Micros, clientId: number, rid: number, output: string, refused: boolean): void {
    const key = `${clientId}:${rid}`;
    const o = this.open.get(key);
    if (o === undefined) return;
    this.open.delete(key);
    const result = refused || output === '' ? null : (JSON.parse(output) as KvResult);
    if (refused) this.operations--;
    else if (result !== null) {
      this.answered++;
      if (result.ok) this.ok++;
      if (result.ok && o.write) for (const c of this.counters) if (t > c.fromUs && t <= c.toUs) c.n++;
      if (result.ok) for (const f of this.okListeners) f(t);
      if (o.write) for (const f of this.writeListeners) f(t, clientId, true);
    }
    if (!o.checked) return;
    if (refused) this.checker.complete(o.id, t, null, 'refused');
    else if (result === null || this.checker.overflow) this.checker.complete(o.id, t, null, 'unknown');
    else this.checker.complete(o.id, t, result);
  }

  /** Checks what is still open and gives the verdict (call once, at the end of the run). */
  finish(): SegmentedResult<KvOp, KvObservation> {
    return this.checker.finish();
  }

  /**
   * At the end of the run: checks what is still held and reports what the check found (an
   * illegal history as a 'linearizability' violation, unless it was reported the moment it
   * was proved; a check that could not decide through world.cannotDecide), and returns the
   * verdict ('ok', 'illegal', 'unknown' when a search spent its budget, 'inconclusive' when
   * more operations were undecided at once than the check holds) with the history's size,
   * the segments it was checked in and the most operations it held at once, as report stats.
   */
  conclude(): Record<string, number | string> {
    const r = this.finish();
    const world = this.world;
    if (r.verdict === 'illegal' && r.illegal !== undefined) {
      if (!this.reported) violateLinearizability(world, r.illegal as IllegalReport<unknown, unknown>);
    } else if (r.verdict === 'unknown') {
      world.cannotDecide('linearizability', `${r.reason ?? 'a segment could not be decided'}; use more keys or fewer clients so each key's history is shorter`);
    } else if (r.verdict === 'inconclusive') {
      world.cannotDecide('linearizability', `the check holds at most ${formatCount(this.heldMax)} client operations not yet decided, and this run had more (a key never quiet, or with more than six writes left without an answer, keeps its later operations until the end): what was recorded is linearizable, the rest went unchecked; shorten the run or use fewer clients`);
    }
    return {
      linearizability: r.verdict,
      operations: this.operations,
      operationsOk: this.ok,
      operationsUnknown: this.operations - this.answered,
      linearizabilitySegments: r.segments,
      linearizabilityHeldPeak: r.heldPeak,
    };
  }
}
