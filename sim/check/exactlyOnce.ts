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
//
// The same records judge fail-sound: a write whose client completed it with a definite
// failure ('kv.complete' with a result that is not ok; the history checker takes it as an
// operation that took no effect) must not have changed the data at any index, before or
// after. A put or append never fails once applied, and a cas that changed the data
// succeeded, so the correct code tells a client "failed" only for a write that took no
// effect; a client or server that turns an unknown outcome (a session gone, a timeout) into a
// failure does not. Judged at the end of the run, over at most RECORDS_MAX failed writes.
import type { NodeId } from '../../core/env.ts';
import { decodeEntry } from '../../core/kv/commandCodec.ts';
import { isRegister } from '../../core/kv/types.ts';
import type { World } from '../world/world.ts';
import { formatCount, formatMicros } from '../kernel/time.ts';
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
  /** Write operations invoked and not yet completed, by "client/rid": what they write. */
  private readonly invoked = new Map<string, string>();
  /** Writes completed with a definite failure: what they write, and when and for whom. */
  private readonly failed: { what: string; client: number; rid: number; t: number }[] = [];
  /** Writes completed with a definite failure, judged at the end. */
  failedJudged = 0;
  /** Writes that took effect, counted once each. */
  judged = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.apply') this.onApply(node, f.index as number, f.type as string, f.data as string);
      else if (name === 'kv.state') this.onState(node, f.index as number, f.changed === true);
      else if (name === 'kv.invoke') this.onInvoke(f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.onComplete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
    world.onConclude(() => {
      this.judgeFailures();
      if (this.full) world.cannotDecide('exactly-once', `more than ${formatCount(EXACTLY_ONCE_RECORDS_MAX)} writes took effect; the check stopped remembering them, so a later second application of a forgotten one would go unseen`);
    });
  }

  private onInvoke(client: number, rid: number, input: string): void {
    const op = JSON.parse(input) as { op: string; key: string; value?: string };
    if (op.op !== 'put' && op.op !== 'append' && op.op !== 'cas') return;
    if (this.invoked.size >= EXACTLY_ONCE_RECORDS_MAX) return;
    this.invoked.set(`${client}/${rid}`, `${op.op} ${JSON.stringify(op.key)} ${JSON.stringify(op.value)}`);
  }

  private onComplete(t: number, client: number, rid: number, output: string, refused: boolean): void {
    const key = `${client}/${rid}`;
    const what = this.invoked.get(key);
    if (what === undefined) return;
    this.invoked.delete(key);
    if (refused || output === '' || (JSON.parse(output) as { ok: boolean }).ok) return;
    if (this.failed.length < EXACTLY_ONCE_RECORDS_MAX) this.failed.push({ what, client, rid, t });
  }

  /** fail-sound: no write a client was told failed took effect. */
  private judgeFailures(): void {
    let reported = 0;
    this.failedJudged = this.failed.length;
    for (const x of this.failed) {
      const e = this.effects.get(x.what);
      if (e === undefined || reported++ >= VIOLATIONS_PER_CHECK_MAX) continue;
      this.world.violate('fail-sound', e.node, `client ${x.client}'s write ${x.what} (operation ${x.rid}) completed at ${formatMicros(x.t)} with a definite failure, but it took effect at index ${e.index} (node ${e.node}, session ${e.client}, seq ${e.seq}): a client may report a write failed only when it took no effect; an outcome it cannot know is unknown`);
    }
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
