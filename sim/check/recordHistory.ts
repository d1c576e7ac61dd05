// A client history for any checker model, recorded from the clients' telemetry.
//
// Contract: a client announces each request with `<prefix>.invoke` { reqId, input } and
// its end with `<prefix>.complete` { reqId, output }, where input and output are JSON
// text and output '' means no answer (a timeout: the outcome is unknown, return stays
// Infinity). Requests are told apart by (node, reqId); the operation's clientId is the
// client's node id. Times are true virtual time (the `t` of the telemetry), never a
// node's own skewable clock, because the checker orders operations by real time.
// The returned array grows as the run goes; read it in finish().
import type { World } from '../world/world.ts';
import type { Operation } from './history.ts';

/** Operations recorded at most; later invocations are counted in `dropped`, not recorded. */
export const RECORDED_OPS_MAX = 2_000_000;

export interface RecordedHistory<I, O> {
  readonly ops: Operation<I, O>[];
  /** Invocations past RECORDED_OPS_MAX, not recorded (a check over a partial history must not pass). */
  readonly dropped: number;
}

export function recordHistory<I, O>(world: World, prefix: string): RecordedHistory<I, O> {
  const ops: Operation<I, O>[] = [];
  const open = new Map<string, Operation<I, O>>();
  const out = { ops, dropped: 0 };
  const invoke = `${prefix}.invoke`;
  const complete = `${prefix}.complete`;
  world.onTelemetry((t, node, name, f) => {
    if (name === invoke) {
      if (ops.length >= RECORDED_OPS_MAX) {
        out.dropped += 1;
        return;
      }
      const op: Operation<I, O> = { clientId: node, opId: ops.length, input: JSON.parse(f.input as string) as I, call: t, return: Infinity, output: null };
      ops.push(op);
      open.set(`${node}:${f.reqId as number}`, op);
    } else if (name === complete) {
      const key = `${node}:${f.reqId as number}`;
      const op = open.get(key);
      open.delete(key);
      if (op === undefined || f.output === '') return;
      op.return = t;
      op.output = JSON.parse(f.output as string) as O;
    }
  });
  return out;
}
