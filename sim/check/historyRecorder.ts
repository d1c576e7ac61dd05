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

/** Operations recorded at most; a longer run stops recording and says so. */
export const HISTORY_OPS_MAX = 2_000_000;

export class HistoryRecorder {
  /** Recorded operations by opId; null where one was refused and left the history. */
  private readonly ops: (Operation | null)[] = [];
  private readonly open = new Map<string, Operation>();
  /** True once an operation was not recorded because the history was full. */
  overflow = false;

  constructor(world: World, readonly opsMax: number = HISTORY_OPS_MAX) {
    world.onTelemetry((t, _node, name, f) => {
      if (name === 'kv.invoke') this.invoke(t, f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.complete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
  }

  private invoke(t: Micros, clientId: number, rid: number, input: string): void {
    if (this.ops.length >= this.opsMax) {
      this.overflow = true;
      return;
    }
    const op: Operation = { clientId, opId: this.ops.length, input: JSON.parse(input) as KvOp, call: t, return: Infinity, output: null };
    this.ops.push(op);
    this.open.set(`${clientId}:${rid}`, op);
  }

  private complete(t: Micros, clientId: number, rid: number, output: string, refused: boolean): void {
    const key = `${clientId}:${rid}`;
    const op = this.open.get(key);
    if (op === undefined) return;
    this.open.delete(key);
    if (refused) {
      this.ops[op.opId] = null;
      return;
    }
    if (output === '' || this.overflow) return; // Unknown outcome: return stays Infinity.
    op.return = t;
    op.output = JSON.parse(output) as KvResult;
  }

  history(): Operation[] {
    return this.ops.filter((op): op is Operation => op !== null);
  }

  /** Successful completions of writes in (fromUs, toUs]. */
  writesCompletedBetween(fromUs: Micros, toUs: Micros): number {
    let n = 0;
    for (const op of this.ops) {
      if (op !== null && op.input.op !== 'get' && op.output !== null && op.output.ok && op.return > fromUs && op.return <= toUs) n++;
    }
    return n;
  }
}
