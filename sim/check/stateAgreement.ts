// The state-agreement check: replicas that have applied the same log prefix hold the same
// key-value state, sessions included (Raft's replicated state machine: a deterministic
// machine fed the same commands in the same order ends in the same state, §5.4.3 and
// thesis §6.3).
//
// Contract: judged from 'kv.state', which the KV server emits after it applies each entry,
// with the index and the state machine's digest (core/kv/stateMachine.ts: data, sessions
// with their seqs, answers and use stamps, and the command counter). The first digest
// reported for an index is the reference; any other node (or the same node after a restart)
// that reports a different digest for that index fails the check, the moment it does.
// State machine safety (raftInvariants.ts) compares the entries applied; this compares what
// applying them produced, so it sees a replica whose state drifted from the others' while
// the entries agree: a snapshot that restores the sessions in another order of use (the
// next eviction then drops another client), an apply that depends on something outside the
// log, a restore that loses part of the image without the digest noticing.
// Memory is bounded: two 32-bit hashes of the digest and the index per remembered index, in
// typed arrays addressed by index modulo their length, which doubles as indexes grow, up to
// COMMITTED_REMEMBERED_MAX. A report whose index's slot already holds a newer index cannot
// be compared; such reports are counted, and if there were any the check is reported
// inconclusive, never passed.
import type { NodeId } from '../../core/env.ts';
import { FNV_OFFSET, fnv1a32 } from '../../core/hash/index.ts';
import { formatCount } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import { COMMITTED_REMEMBERED_MAX, VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

const FNV_BASIS_2 = FNV_OFFSET ^ 0x2f6b3a71;

export class StateAgreementCheck {
  private cap: number;
  /** The index held in each slot; 0 for none (log indexes start at 1). */
  private idx: Float64Array;
  private h1: Uint32Array;
  private h2: Uint32Array;
  private nodes: Int32Array;
  private reported = 0;
  /** Reports whose index had been forgotten: not compared. */
  unchecked = 0;
  /** Reports compared with an earlier one of the same index. */
  compared = 0;

  constructor(private readonly world: World, private readonly max = COMMITTED_REMEMBERED_MAX) {
    this.cap = Math.max(1, Math.min(1024, max));
    this.idx = new Float64Array(this.cap);
    this.h1 = new Uint32Array(this.cap);
    this.h2 = new Uint32Array(this.cap);
    this.nodes = new Int32Array(this.cap);
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'kv.state') this.judge(node, f.index as number, f.digest as string);
    });
    world.onConclude(() => {
      if (this.unchecked > 0) {
        this.world.cannotDecide('state-agreement', `${formatCount(this.unchecked)} states at indexes older than the remembered window were not compared (the checker remembers the last ${formatCount(this.max)} indexes)`);
      }
    });
  }

  private judge(node: NodeId, index: number, digest: string): void {
    if (index >= this.cap && this.cap < this.max) this.grow(Math.min(this.max, Math.max(this.cap * 2, index + 1)));
    const s = index % this.cap;
    const held = this.idx[s];
    const a = fnv1a32(digest);
    const b = fnv1a32(digest, FNV_BASIS_2);
    if (held > index) {
      this.unchecked++;
      return;
    }
    if (held < index) {
      this.idx[s] = index;
      this.h1[s] = a;
      this.h2[s] = b;
      this.nodes[s] = node;
      return;
    }
    this.compared++;
    if (this.h1[s] === a && this.h2[s] === b) return;
    if (this.reported++ < VIOLATIONS_PER_CHECK_MAX) {
      this.world.violate('state-agreement', node, `node ${node}'s state after applying index ${index} (digest ${digest}) differs from node ${this.nodes[s]}'s after the same index: replicas that applied the same entries must hold the same data and sessions`);
    }
  }

  private grow(cap: number): void {
    const old = { cap: this.cap, idx: this.idx, h1: this.h1, h2: this.h2, nodes: this.nodes };
    this.cap = cap;
    this.idx = new Float64Array(cap);
    this.h1 = new Uint32Array(cap);
    this.h2 = new Uint32Array(cap);
    this.nodes = new Int32Array(cap);
    for (let o = 0; o < old.cap; o++) {
      const i = old.idx[o];
      if (i === 0) continue;
      const s = i % cap;
      if (this.idx[s] > i) continue;
      this.idx[s] = i;
      this.h1[s] = old.h1[o];
      this.h2[s] = old.h2[o];
      this.nodes[s] = old.nodes[o];
    }
  }
}
