// The exactly-once check (Raft thesis §6.3): a client write takes effect at most once. The
// raft-kv clients give every write a value of its own (`c{client}s{operation}`, see
// opGenerator in sim/workloads/kvSections.ts), and a write's retries carry the same value,
// so a value that changes the stored data at two different log indexes is one write applied
// twice: a retry the session table let through (a session forgotten and re-created, a seq
// not compared), or a client that sent the operation again under another session.
//
// Contract: judged from 'raft.apply' (the entry a server is about to apply, with its encoded
// command) and the 'kv.state' that follows it on the same server (`changed`: whether
// applying it changed the stored data). A put, append or cas whose value changed the data at
// index i on some server must not change it at another index j on any server; the same
// index again (a restart replaying its log) is the same application. Deletes carry no value
// and are not judged. Only for workloads whose values are unique per operation (raft-kv).
// Memory: one record per write that took effect, at most RECORDS_MAX; beyond that the check
// stops recording and the run's exactly-once verdict is inconclusive (a later duplicate of a
// forgotten write could not be seen).
import type { NodeId } from '../../core/env.ts';
import { decodeEntry } from '../../core/kv/commandCodec.ts';
import { isRegister } from '../../core/kv/types.ts';
import type { World } from '../world/world.ts';
import { formatCount } from '../kernel/time.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

/** Writes remembered at most. */
export const EXACTLY_ONCE_RECORDS_MAX = 2_000_000;

export class ExactlyOnceCheck {
  /** Per server: the index and written value of the entry it is applying (from 'raft.apply'), until its 'kv.state'. */
  private readonly applying = new Map<NodeId, { index: number; what: string; client: number; seq: number }>();
  /** What each write (key and value) took effect at: the log index and the first server seen. */
  private readonly effects = new Map<string, { index: number; node: NodeId; client: number; seq: number }>();
  private reported = 0;
  private full = false;
  /** Writes that took effect, counted once each. */
  judged = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'raft.apply') this.onApply(node, f.index as number, f.type as string, f.data as string);
      else if (name === 'kv.state') this.onState(node, f.index as number, f.changed === true);
    });
    world.onConclude(() => {
      if (this.full) world.cannotDecide('exactly-once', `more than ${formatCount(EXACTLY_ONCE_RECORDS_MAX)} writes took effect; the check stopped remembering them, so a later second application of a forgotten one would go unseen`);
    });
  }

  private onApply(node: NodeId, index: number, type: string, data: string): void {
    this.applying.delete(node);
    if (type !== 'normal' || data === '') return;
    const e = decodeEntry(data);
    if (e === null || isRegister(e)) return;
    const op = e.op;
    if (op.op !== 'put' && op.op !== 'append' && op.op !== 'cas') return;
    this.applying.set(node, { index, what: `${op.op} ${JSON.stringify(op.key)} ${JSON.stringify(op.value)}`, client: e.clientId, seq: e.seq });
  }

  private onState(node: NodeId, index: number, changed: boolean): void {
    const a = this.applying.get(node);
    if (a === undefined || a.index !== index) return;
    this.applying.delete(node);
    if (!changed) return;
    const first = this.effects.get(a.what);
    if (first === undefined) {
      if (this.effects.size >= EXACTLY_ONCE_RECORDS_MAX) {
        this.full = true;
        return;
      }
      this.effects.set(a.what, { index, node, client: a.client, seq: a.seq });
      this.judged++;
      return;
    }
    if (first.index === index || this.reported++ >= VIOLATIONS_PER_CHECK_MAX) return;
    this.world.violate('exactly-once', node, `node ${node} applied the write ${a.what} at index ${index} (session ${a.client}, seq ${a.seq}), and it changed the data, but the same write had already taken effect at index ${first.index} (node ${first.node}, session ${first.client}, seq ${first.seq}): a client's write takes effect at most once, however often it is retried`);
  }
}
