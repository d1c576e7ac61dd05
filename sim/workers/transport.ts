// A lockstep runner's own network: it transmits the messages its nodes send, delivers those
// between its own nodes itself, and ships the rest to the kernel with their arrival time
// and tie key already fixed.
//
// Contract: the same draws, arrival times and tie keys as World.send in one thread. That
// holds because everything a transmission reads belongs to the sending node: each directed
// link has its own random stream and state (sim/net/network.ts), drawn only by its sender,
// in the sender's order; a message's tie key numbers the sender's messages in that order
// (Kernel.nextKey); and the links' profiles and cuts change only in kernel actions, which
// the kernel replays here (NetOp) before the runner runs past them. So a runner owns its
// nodes' outgoing links, and the kernel's copy of them is not used for transmitting.
// What the kernel still needs to hear, in canonical order, is sent back as effects: a
// dropped message's trace record and, when anything listens to sends (telemetry, a
// byzantine tap), the send itself. Not for worlds with endpoints the world serves itself
// (a control plane): their deliveries are kernel actions (see Lockstep).
import type { Micros, NodeId } from '../../core/env.ts';
import { originLimitReason } from '../kernel/kernel.ts';
import { tieKey } from '../kernel/eventQueue.ts';
import type { Streams } from '../kernel/random.ts';
import type { LinkProfile } from '../net/link.ts';
import { applyNetOp, DROP_REASONS, Network, type NetOp } from '../net/network.ts';
import { Sealer, type Seal } from '../trace/canon.ts';
import { EV_MSG, type MsgEvent } from '../world/events.ts';
import { typeOf } from '../world/world.ts';
import type { TaggedEffect } from './effects.ts';

/** What a runner needs to transmit for its nodes (WorkerInit.transport). */
export interface TransportInit {
  /** The runner index of every node. */
  placement: number[];
  /** The network's base profile and floor (Network's constructor arguments). */
  link: LinkProfile;
  latencyFloorUs: Micros;
  /** The kernel's tie-key limit per origin. */
  originSeqMax: number;
  /** Whether the kernel has send taps to tell of every send. */
  sendTaps: boolean;
}

/** A message for a node of another runner, its arrival and tie key fixed here. */
export interface Outgoing {
  t: Micros;
  key: number;
  ev: MsgEvent;
}

export class RunnerTransport {
  private readonly net: Network;
  private readonly originSeq: number[];
  private readonly sealer = new Sealer();
  private netOpsApplied = 0;
  /** Messages for other runners' nodes since the last take. */
  outgoing: Outgoing[] = [];

  constructor(
    private readonly init: TransportInit,
    /** This runner's index in init.placement. */
    private readonly runner: number,
    streams: Streams,
    /** Schedules a delivery to a node of this runner. */
    private readonly deliverLocal: (t: Micros, key: number, ev: MsgEvent) => void,
  ) {
    const n = init.placement.length;
    this.net = new Network(n, init.latencyFloorUs, streams, init.link);
    this.originSeq = new Array<number>(n).fill(0);
  }

  /**
   * Replays the kernel's changes to the links. `ops` is the kernel's whole log from index
   * `from` on; entries already applied here are skipped, so a repeated tail is harmless.
   */
  applyNetOps(from: number, ops: readonly NetOp[]): void {
    if (from > this.netOpsApplied) throw new Error(`lockstep transport: link changes from ${from} on, but only ${this.netOpsApplied} applied`);
    for (let i = this.netOpsApplied - from; i < ops.length; i++) applyNetOp(this.net, ops[i]);
    this.netOpsApplied = Math.max(this.netOpsApplied, from + ops.length);
  }

  takeOutgoing(): Outgoing[] {
    const out = this.outgoing;
    this.outgoing = [];
    return out;
  }

  /**
   * World.send for a node of this runner, at the event (t, key) that `effects` receives
   * effects for: the trace and tap effects go there, the deliveries to this runner's queue
   * or to `outgoing`.
   */
  send(effects: TaggedEffect[], t: Micros, key: number, retainMessages: boolean, from: NodeId, to: NodeId, msg: unknown, seal: Seal, departUs: Micros): void {
    if (this.init.sendTaps) effects.push({ t, key, effect: { e: 'tap', from, to, msg, sizeBytes: seal.sizeBytes } });
    const net = this.net;
    const n = net.transmitFast(departUs, from, to, msg, seal.sizeBytes);
    if (n < 0) {
      effects.push({ t, key, effect: { e: 'traceMsg', node: to, kind: 'drop', from, tag: DROP_REASONS[-1 - n], d1: seal.d1, d2: seal.d2, msg: retainMessages ? msg : null } });
      return;
    }
    const type = typeOf(msg);
    const local = this.init.placement[to] === this.runner;
    for (let c = 0; c < n; c++) {
      const m = net.deliveredMsg[c];
      net.deliveredMsg[c] = null;
      let ev: MsgEvent;
      if (net.corrupted[c]) {
        const s = this.sealer.seal(m);
        ev = { k: EV_MSG, node: to, from, msg: m, d1: s.d1, d2: s.d2, type: typeOf(m), corrupted: true, sentUs: departUs };
      } else {
        ev = { k: EV_MSG, node: to, from, msg: m, d1: seal.d1, d2: seal.d2, type, corrupted: false, sentUs: departUs };
      }
      const k = this.nextKey(effects, t, key, to, from);
      if (local) this.deliverLocal(net.arrivalUs[c], k, ev);
      else this.outgoing.push({ t: net.arrivalUs[c], key: k, ev });
    }
  }

  /** Kernel.nextKey for a message from `from`: past the limit, the run halts (the same reason, the same last key). */
  private nextKey(effects: TaggedEffect[], t: Micros, key: number, to: NodeId, from: NodeId): number {
    const seq = this.originSeq[from]++;
    if (seq < this.init.originSeqMax) return tieKey(to, from, seq);
    effects.push({ t, key, effect: { e: 'halt', reason: originLimitReason(`node ${from} (the messages it sent)`, this.init.originSeqMax, t) } });
    return tieKey(to, from, this.init.originSeqMax - 1);
  }
}
