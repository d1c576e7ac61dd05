// Builds the client history from the clients' telemetry ('kv.invoke', 'kv.complete'),
// stamped with true virtual time (a client's own clock may be skewed; the checker needs
// real time order). A completion with output '' is an unknown outcome; one marked
// `refused` never reached the servers (a gateway refused it at the door), so it cannot
// have taken effect and leaves the history. Past `opsMax` invocations recording stops
// (`overflow`): what was recorded is a prefix of the history, still sound to check (a
// violation in it is real), but the rest went unchecked. Completions that arrive after
// the overflow are left unknown: a read recorded before it may return a write that was
// not recorded, and taking its output would make a legal history look illegal.
import type { Micros } from '../../core/env.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import type { World } from '../world/world.ts';
import type { Operation } from './history.ts';
import type { KvObservation } from './kvModel.ts';
import type { HistorySource } from './linearizability.ts';

/** Operations recorded at most; a longer run stops recording and says so. */
export const HISTORY_OPS_MAX = 2_000_000;

/** Flag bits per recorded operation. */
const OK = 2;
const REFUSED = 4;

/**
 * Operations are kept in columns (numbers and the telemetry's own JSON text), not as
 * objects: a long run records hundreds of thousands of them, and the parsed form is built
 * only when the history is checked.
 */
export class HistoryRecorder {
  private readonly clientIds: number[] = [];
  private readonly calls: number[] = [];
  /** Infinity while open or when the outcome is unknown. */
  private readonly returns: number[] = [];
  private readonly inputs: string[] = [];
  /** The output's JSON text; '' when unknown. */
  private readonly outputs: string[] = [];
  private readonly flags: number[] = [];
  /** Open operations by `clientId:rid`, to their opId. */
  private readonly open = new Map<string, number>();
  /** True once an operation was not recorded because the history was full. */
  overflow = false;

  constructor(world: World, readonly opsMax: number = HISTORY_OPS_MAX) {
    world.onTelemetry((t, _node, name, f) => {
      if (name === 'kv.invoke') this.invoke(t, f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.complete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
  }

  /** Operations recorded (refused ones included). */
  get recorded(): number {
    return this.calls.length;
  }

  private invoke(t: Micros, clientId: number, rid: number, input: string): void {
    if (this.calls.length >= this.opsMax) {
      this.overflow = true;
      return;
    }
    this.open.set(`${clientId}:${rid}`, this.calls.length);
    this.clientIds.push(clientId);
    this.calls.push(t);
    this.returns.push(Infinity);
    this.inputs.push(input);
    this.outputs.push('');
    this.flags.push(0);
  }

  private complete(t: Micros, clientId: number, rid: number, output: string, refused: boolean): void {
    const key = `${clientId}:${rid}`;
    const id = this.open.get(key);
    if (id === undefined) return;
    this.open.delete(key);
    if (refused) {
      this.flags[id] |= REFUSED;
      return;
    }
    if (output === '' || this.overflow) return; // Unknown outcome: return stays Infinity.
    this.returns[id] = t;
    this.outputs[id] = output;
    if ((JSON.parse(output) as KvResult).ok) this.flags[id] |= OK;
  }

  /** The recorded operations, refused ones left out, opIds in call order. */
  history(): Operation[] {
    const ops: Operation[] = [];
    for (let id = 0; id < this.calls.length; id++) {
      const op = this.operation(id);
      if (op !== null) ops.push(op);
    }
    return ops;
  }

  /** Operation `id` parsed afresh from the columns; null when it was refused (not part of the history). */
  operation(id: number): Operation | null {
    if ((this.flags[id] & REFUSED) !== 0) return null;
    const out = this.outputs[id];
    return { clientId: this.clientIds[id], opId: id, input: JSON.parse(this.inputs[id]) as KvOp, call: this.calls[id], return: this.returns[id], output: out === '' ? null : (JSON.parse(out) as KvResult) };
  }

  /**
   * The history as a source the checker reads one operation at a time (the same operations
   * as history()): it then holds one key's operations at a time instead of them all, which
   * was the peak of a long run's memory (the check at its end).
   */
  source(): HistorySource<KvOp, KvObservation> {
    return { length: this.calls.length, op: (id) => this.operation(id) };
  }

  /** How many operations the history has, how many completed ok, and how many have an unknown outcome. */
  counts(): { operations: number; ok: number; unknown: number } {
    let operations = 0;
    let ok = 0;
    let unknown = 0;
    for (let id = 0; id < this.calls.length; id++) {
      const f = this.flags[id];
      if ((f & REFUSED) !== 0) continue;
      operations++;
      if ((f & OK) !== 0) ok++;
      if (this.returns[id] === Infinity) unknown++;
    }
    return { operations, ok, unknown };
  }
}
