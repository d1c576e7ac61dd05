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
// forgotten write could not be seen). A record is the write's 64-bit hash (Hash64 of its
// text) with its index, first node, session and seq, in an open-addressed table of typed
// arrays (36 bytes a slot, two to four slots a record: it doubles at half full), not the
// text. Two different writes with the same 64-bit hash would read as one applied twice:
// about one chance in 10^7 at the cap.
//
// The same records judge fail-sound: a write whose client completed it with a definite
// failure ('kv.complete' with a result that is not ok; the history checker takes it as an
// operation that took no effect) must not have changed the data at any index, before or
// after. A put or append never fails once applied, and a cas that changed the data
// succeeded, so the correct code tells a client "failed" only for a write that took no
// effect; a client or server that turns an unknown outcome (a session gone, a timeout) into a
// failure does not. Judged at the end of the run, over at most RECORDS_MAX failed writes; a
// failed write the effect table could not have recorded (it was full), or failures past the
// cap, make fail-sound inconclusive rather than passed.
//
// executed-once judges every command, deletes and writes that changed nothing included (a
// cas that failed, a put of the value already there): a command, named by its session and
// seq, is run by the state machine at one log index only, on any replica; its other copies
// in the log (a retry after a lost answer, a duplicated request) are answered from the
// session cache or refused as session-expired (thesis §6.3). 'kv.state' says whether the
// state machine ran the entry's operation (`ran`). The value-based exactly-once sees a second
// run only when it changed the data; a cache that answers only some results (successes, say)
// runs a failed cas again, which may succeed the second time or answer another value, and
// which changes no data when it fails again. Memory as exactly-once's: one record per
// command run, at most RECORDS_MAX, then inconclusive.
import type { NodeId } from '../../core/env.ts';
import { decodeEntry } from '../../core/kv/commandCodec.ts';
import { isRegister } from '../../core/kv/types.ts';
import type { World } from '../world/world.ts';
import { formatCount, formatMicros } from '../kernel/time.ts';
import { Hash64 } from '../../core/hash/hash64.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

/** Writes remembered at most. */
export const EXACTLY_ONCE_RECORDS_MAX = 2_000_000;

/** Where each write took effect, by its 64-bit hash: an open-addressed table with linear probing. */
class EffectTable {
  size = 0;
  private mask = 1023;
  private h1 = new Uint32Array(1024);
  private h2 = new Uint32Array(1024);
  /** Log index, 0 for an empty slot (indexes start at 1). */
  private index = new Float64Array(1024);
  private node = new Int32Array(1024);
  private client = new Float64Array(1024);
  private seq = new Float64Array(1024);

  /** The slot holding (a, b), or the empty slot where it would go. */
  private slot(a: number, b: number): number {
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    while (this.index[i] !== 0 && (this.h1[i] !== a || this.h2[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** The slot of the write (a, b) if it took effect already, else -1. */
  find(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.index[i] === 0 ? -1 : i;
  }

  add(a: number, b: number, index: number, node: NodeId, client: number, seq: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const i = this.slot(a, b);
    this.h1[i] = a;
    this.h2[i] = b;
    this.index[i] = index;
    this.node[i] = node;
    this.client[i] = client;
    this.seq[i] = seq;
    this.size++;
  }

  nodeAt(i: number): NodeId {
    return this.node[i];
  }

  indexAt(i: number): number {
    return this.index[i];
  }

  describe(i: number): string {
    return `index ${this.index[i]} (node ${this.node[i]}, session ${this.client[i]}, seq ${this.seq[i]})`;
  }

  private grow(): void {
    const old = { h1: this.h1, h2: this.h2, index: this.index, node: this.node, client: this.client, seq: this.seq };
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.h1 = new Uint32Array(cap);
    this.h2 = new Uint32Array(cap);
    this.index = new Float64Array(cap);
    this.node = new Int32Array(cap);
    this.client = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    for (let j = 0; j < old.index.length; j++) {
      if (old.index[j] === 0) continue;
      const i = this.slot(old.h1[j], old.h2[j]);
      this.h1[i] = old.h1[j];
      this.h2[i] = old.h2[j];
      this.index[i] = old.index[j];
      this.node[i] = old.node[j];
      this.client[i] = old.client[j];
      this.seq[i] = old.seq[j];
    }
  }
}

export class ExactlyOnceCheck {
  /** Per server: the index and written value of the entry it is applying (from 'raft.apply'), until its 'kv.state'. */
  private readonly applying = new Map<NodeId, { index: number; what: string; client: number; seq: number }>();
  private readonly effects = new EffectTable();
  /** Where each command (session and seq) ran, by the 64-bit hash of "session:seq". */
  private readonly runs = new EffectTable();
  private reported = 0;
  private runsReported = 0;
  private full = false;
  private runsFull = false;
  /** Commands that ran, counted once each (executed-once). */
  runsJudged = 0;
  /** fail-sound lost track of a write (its tables were full): its verdict is inconclusive. */
  private failUnjudged = false;
  /** Operations invoked and not yet completed, by client and rid (opKey): their input as given. */
  private readonly invoked = new Map<number, string>();
  /** Writes completed with a definite failure: what they write, and when and for whom. */
  private readonly failed: { what: string; client: number; rid: number; t: number }[] = [];
  /** Writes completed with a definite failure, judged at the end. */
  failedJudged = 0;
  /** Writes that took effect, counted once each. */
  judged = 0;

  constructor(
    private readonly world: World,
    /** Writes remembered at most (a test sets it low). */
    private readonly recordsMax = EXACTLY_ONCE_RECORDS_MAX,
  ) {
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.apply') this.onApply(node, f.index as number, f.type as string, f.data as string);
      else if (name === 'kv.state') this.onState(node, f.index as number, f.changed === true, f.ran === true);
      else if (name === 'kv.invoke') this.onInvoke(f.clientId as number, f.rid as number, f.input as string);
      else if (name === 'kv.complete') this.onComplete(t, f.clientId as number, f.rid as number, f.output as string, f.refused === true);
    });
    world.onConclude(() => {
      this.judgeFailures();
      if (this.full) world.cannotDecide('exactly-once', `more than ${formatCount(this.recordsMax)} writes took effect; the check stopped remembering them, so a later second application of a forgotten one would go unseen`);
      if (this.runsFull) world.cannotDecide('executed-once', `more than ${formatCount(this.recordsMax)} commands ran; the check stopped remembering them, so a later second run of a forgotten one would go unseen`);
    });
  }

  /** A client's operation's key in `invoked`: both are whole numbers below 2^21 and 2^32. */
  private static opKey(client: number, rid: number): number {
    return client * 4_294_967_296 + rid;
  }

  // Every operation's input is kept as given until it completes, and read only for the few
  // that complete with a definite failure: parsing each (reads included) cost ~5% of a
  // raft-kv run.
  private onInvoke(client: number, rid: number, input: string): void {
    if (this.invoked.size >= this.recordsMax) {
      this.failUnjudged = true;
      return;
    }
    this.invoked.set(ExactlyOnceCheck.opKey(client, rid), input);
  }

  private onComplete(t: number, client: number, rid: number, output: string, refused: boolean): void {
    const key = ExactlyOnceCheck.opKey(client, rid);
    const input = this.invoked.get(key);
    if (input === undefined) return;
    this.invoked.delete(key);
    // The client writes its result with JSON.stringify (no spaces): a failure holds '"ok":false'.
    if (refused || !output.includes('"ok":false') || (JSON.parse(output) as { ok: boolean }).ok) return;
    const op = JSON.parse(input) as { op: string; key: string; value?: string };
    if (op.op !== 'put' && op.op !== 'append' && op.op !== 'cas') return;
    const what = `${op.op} ${JSON.stringify(op.key)} ${JSON.stringify(op.value)}`;
    if (this.failed.length >= this.recordsMax) this.failUnjudged = true;
    else this.failed.push({ what, client, rid, t });
  }

  /** fail-sound: no write a client was told failed took effect. */
  private judgeFailures(): void {
    let reported = 0;
    let unseen = 0;
    this.failedJudged = this.failed.length;
    for (const x of this.failed) {
      const [h1, h2] = new Hash64().string(x.what).words();
      const e = this.effects.find(h1, h2);
      if (e < 0) {
        unseen++;
        continue;
      }
      if (reported++ >= VIOLATIONS_PER_CHECK_MAX) continue;
      this.world.violate('fail-sound', this.effects.nodeAt(e), `client ${x.client}'s write ${x.what} (operation ${x.rid}) completed at ${formatMicros(x.t)} with a definite failure, but it took effect at ${this.effects.describe(e)}: a client may report a write failed only when it took no effect; an outcome it cannot know is unknown`);
    }
    if (this.failUnjudged) this.world.cannotDecide('fail-sound', `more than ${formatCount(this.recordsMax)} client writes were in flight or completed as failed; the check stopped remembering them, so a write reported failed that took effect could go unseen`);
    else if (this.full && unseen > 0) this.world.cannotDecide('fail-sound', `${formatCount(unseen)} writes completed as failed were not found among the writes that took effect, but more than ${formatCount(this.recordsMax)} writes took effect and the check stopped remembering them, so one of them may have`);
  }

  private onApply(node: NodeId, index: number, type: string, data: string): void {
    this.applying.delete(node);
    if (type !== 'normal' || data === '') return;
    const e = decodeEntry(data);
    if (e === null || isRegister(e)) return;
    const op = e.op;
    // A delete carries no value: only executed-once judges it ('what' stays empty).
    const what = op.op === 'put' || op.op === 'append' || op.op === 'cas' ? `${op.op} ${JSON.stringify(op.key)} ${JSON.stringify(op.value)}` : '';
    this.applying.set(node, { index, what, client: e.clientId, seq: e.seq });
  }

  private onState(node: NodeId, index: number, changed: boolean, ran: boolean): void {
    const a = this.applying.get(node);
    if (a === undefined || a.index !== index) return;
    this.applying.delete(node);
    if (ran) this.judgeRun(node, index, a.client, a.seq);
    if (!changed || a.what === '') return;
    const [h1, h2] = new Hash64().string(a.what).words();
    const first = this.effects.find(h1, h2);
    if (first < 0) {
      if (this.effects.size >= this.recordsMax) {
        this.full = true;
        return;
      }
      this.effects.add(h1, h2, index, node, a.client, a.seq);
      this.judged++;
      return;
    }
    if (this.effects.indexAt(first) === index || this.reported++ >= VIOLATIONS_PER_CHECK_MAX) return;
    this.world.violate('exactly-once', node, `node ${node} applied the write ${a.what} at index ${index} (session ${a.client}, seq ${a.seq}), and it changed the data, but the same write had already taken effect at ${this.effects.describe(first)}: a client's write takes effect at most once, however often it is retried`);
  }

  /** executed-once: the command (session, seq) ran at no other log index before. */
  private judgeRun(node: NodeId, index: number, client: number, seq: number): void {
    const [h1, h2] = new Hash64().string(`${client}:${seq}`).words();
    const first = this.runs.find(h1, h2);
    if (first < 0) {
      if (this.runs.size >= this.recordsMax) {
        this.runsFull = true;
        return;
      }
      this.runs.add(h1, h2, index, node, client, seq);
      this.runsJudged++;
      return;
    }
    if (this.runs.indexAt(first) === index || this.runsReported++ >= VIOLATIONS_PER_CHECK_MAX) return;
    this.world.violate('executed-once', node, `node ${node} ran the command of session ${client}, seq ${seq} at index ${index}, but the same command had already run at ${this.runs.describe(first)}: a command's copies after its first run are answered from the session cache (or refused as session-expired), never run again, whatever their first result was`);
  }
}
