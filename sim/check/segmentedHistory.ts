// The clients' key-value history checked as the run goes (segmentedCheck.ts), for runs
// too long to keep every request: load-hour's 3.6 million requests are decided in the
// memory a few seconds of them take.
//
// Contract: built from the same telemetry as HistoryRecorder ('kv.invoke', 'kv.complete'),
// with the same meanings (true virtual time; output '' unknown; `refused` never reached the
// servers and leaves the history); the verdict is the end-of-run checker's on the whole
// history. Only the operations of segments still open are held, at most `heldMax`; past
// that recording stops and a clean check is inconclusive (segmentedCheck.ts).
import type { Micros } from '../../core/env.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import type { World } from '../world/world.ts';
import { kvModel, type KvObservation, type KvState } from './kvModel.ts';
import { SegmentedChecker, type SegmentedResult } from './segmentedCheck.ts';

export class SegmentedKvHistory {
  readonly checker: SegmentedChecker<KvState, KvOp, KvObservation>;
  /** Open operations by `clientId:rid`, to their opId. */
  private readonly open = new Map<string, number>();
  private nextId = 0;
  /** Operations recorded and not refused. */
  operations = 0;
  /** Operations answered ok. */
  ok = 0;
  /** Operations answered with a known outcome (ok or not). */
  answered = 0;

  constructor(world: World, readonly heldMax: number) {
    this.checker = new SegmentedChecker(kvModel, { heldMax });
    world.onTelemetry((t, _node, name, f) => {
      if (name === 'kv.invoke') this.invoke(t, f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.complete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
  }

  get overflow(): boolean {
    return this.checker.overflow;
  }

  private invoke(t: Micros, clientId: number, rid: number, input: string): void {
    const id = this.nextId++;
    if (!this.checker.invoke(id, clientId, t, JSON.parse(input) as KvOp)) return;
    this.open.set(`${clientId}:${rid}`, id);
    this.operations++;
  }

  private complete(t: Micros, clientId: number, rid: number, output: string, refused: boolean): void {
    const key = `${clientId}:${rid}`;
    const id = this.open.get(key);
    if (id === undefined) return;
    this.open.delete(key);
    if (refused) {
      this.operations--;
      this.checker.complete(id, t, null, 'refused');
      return;
    }
    if (output === '' || this.checker.overflow) {
      this.checker.complete(id, t, null, 'unknown');
      return;
    }
    const result = JSON.parse(output) as KvResult;
    this.answered++;
    if (result.ok) this.ok++;
    this.checker.complete(id, t, result);
  }

  /** Checks what is still open and gives the verdict (call once, at the end of the run). */
  finish(): SegmentedResult<KvOp, KvObservation> {
    return this.checker.finish();
  }
}
