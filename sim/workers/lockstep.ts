// Conservative lockstep: the kernel drives node runtimes that live elsewhere (worker
// threads, Web Workers, or in-process runners in tests) one window at a time.
//
// Contract: the kernel stays the single owner of time and order. A window starts at the
// earliest pending event and ends (exclusive) at start + L or just before the next kernel
// action, whichever is first; no event in a window can influence another node's event in
// the same window, because every message takes at least L. Each runner gets its nodes'
// messages for the window in one call and returns its effects tagged with their causing
// events; the kernel merges them in canonical (time, tie key) order and applies them
// exactly as the in-process world would have, so the trace hash is the same with any
// number of workers. Kernel actions run between windows, in their canonical place; the
// node commands they issue go to the runners in the order they were issued.
import type { Micros, NodeId } from '../../core/env.ts';
import type { NodeCommand } from '../host/runtime.ts';
import type { StopReason } from '../kernel/kernel.ts';
import { EV_MSG, type MsgEvent, type SimEvent } from '../world/events.ts';
import type { World } from '../world/world.ts';
import type { TaggedEffect } from './effects.ts';
import type { Shipped, WindowResult } from './windowRunner.ts';

/** What the driver needs from a runner; the worker proxies return promises. */
export interface Runner {
  runWindow(endUs: Micros, endKey: number, incoming: Shipped[]): WindowResult | Promise<WindowResult>;
  commands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number): WindowResult | Promise<WindowResult>;
}

export interface LockstepStats {
  windows: number;
  runnerCalls: number;
  /** Node events per runner call: the batching factor. */
  eventsPerCall: number;
}

/** (time, key) pairs in canonical order. */
function before(t1: Micros, k1: number, t2: Micros, k2: number): boolean {
  return t1 < t2 || (t1 === t2 && k1 < k2);
}

export class Lockstep {
  private readonly nextT: number[];
  private readonly nextK: number[];
  private windows = 0;
  private calls = 0;

  constructor(
    private readonly world: World,
    private readonly runners: Runner[],
    /** The runner index of each node. */
    private readonly placement: readonly number[],
  ) {
    if (placement.length !== world.nodeCount) throw new Error('Lockstep: placement must name a runner for every node');
    if (world.actions === null) throw new Error('Lockstep: the world must be built in remote mode');
    this.nextT = runners.map(() => Infinity);
    this.nextK = runners.map(() => Infinity);
  }

  stats(): LockstepStats {
    return { windows: this.windows, runnerCalls: this.calls, eventsPerCall: this.calls === 0 ? 0 : this.world.remoteExecuted / this.calls };
  }

  /** The earliest local event over all runners, as (time, key). */
  private localNext(): [Micros, number] {
    let t = Infinity;
    let k = Infinity;
    for (let i = 0; i < this.nextT.length; i++) {
      if (before(this.nextT[i], this.nextK[i], t, k)) {
        t = this.nextT[i];
        k = this.nextK[i];
      }
    }
    return [t, k];
  }

  /**
   * Runs until simulated time `timeUs` (inclusive), like World.run({ timeUs }), or until
   * `eventsMax` events have run (checked between windows, so a window may overshoot it),
   * or until a scale limit halts the kernel.
   */
  async run(timeUs: Micros, eventsMax = Infinity): Promise<StopReason> {
    const k = this.world.kernel;
    const actions = this.world.actions as NonNullable<World['actions']>;
    for (;;) {
      if (k.halted !== null) return 'halted';
      if (this.world.executed >= eventsMax) return 'events';
      const [lt, lk] = this.localNext();
      const [mt, mk] = [k.queue.peekTime(), k.queue.peekKey()];
      const [at, ak] = [actions.peekTime(), actions.peekKey()];
      const startT = Math.min(lt, mt, at);
      if (startT > timeUs) {
        k.nowUs = Math.max(k.nowUs, timeUs);
        return startT === Infinity ? 'idle' : 'time';
      }
      // The action runs now if nothing on the nodes' side comes before it.
      if (before(at, ak, lt, lk) && before(at, ak, mt, mk)) {
        await this.runAction();
        continue;
      }
      let endUs = Math.min(startT + this.world.net.latencyFloorUs, timeUs + 1);
      let endKey = -1;
      if (before(at, ak, endUs, endKey)) [endUs, endKey] = [at, ak];
      await this.runWindow(endUs, endKey);
    }
  }

  private async runWindow(endUs: Micros, endKey: number): Promise<void> {
    const k = this.world.kernel;
    const incoming: Shipped[][] = this.runners.map(() => []);
    while (k.queue.size > 0 && before(k.queue.peekTime(), k.queue.peekKey(), endUs, endKey)) {
      const t = k.queue.peekTime();
      const key = k.queue.peekKey();
      const ev = k.queue.pop() as SimEvent;
      if (ev.k !== EV_MSG) throw new Error('Lockstep: a non-message event reached the kernel queue in remote mode');
      incoming[this.placement[ev.node]].push({ t, key, ev: ev as MsgEvent });
    }
    const calls: Promise<WindowResult>[] = [];
    const who: number[] = [];
    this.runners.forEach((r, i) => {
      if (incoming[i].length === 0 && !before(this.nextT[i], this.nextK[i], endUs, endKey)) return;
      who.push(i);
      calls.push(Promise.resolve(r.runWindow(endUs, endKey, incoming[i])));
    });
    this.windows++;
    this.calls += calls.length;
    const results = await Promise.all(calls);
    const merged: TaggedEffect[] = [];
    results.forEach((res, j) => {
      this.nextT[who[j]] = res.nextUs;
      this.nextK[who[j]] = res.nextKey;
      this.world.remoteExecuted += res.executed;
      for (const e of res.effects) merged.push(e);
    });
    // Stable: effects of one event keep their order; events interleave canonically.
    merged.sort((a, b) => a.t - b.t || a.key - b.key);
    this.apply(merged);
  }

  private async runAction(): Promise<void> {
    const k = this.world.kernel;
    const actions = this.world.actions as NonNullable<World['actions']>;
    const t = actions.peekTime();
    const key = actions.peekKey();
    const ev = actions.pop() as NonNullable<ReturnType<typeof actions.pop>>;
    k.nowUs = t;
    k.currentKey = key;
    k.executed++;
    this.world.trace.record(t, ev.node >= this.world.nodeCount ? -1 : ev.node, 'fault', -1, ev.name, '');
    ev.run();
    const pending = this.world.pendingCommands.splice(0);
    for (const p of pending) {
      const i = this.placement[p.node];
      this.calls++;
      const res = await this.runners[i].commands([p], t, key);
      this.nextT[i] = res.nextUs;
      this.nextK[i] = res.nextKey;
      this.apply(res.effects);
    }
  }

  private apply(effects: TaggedEffect[]): void {
    const w = this.world;
    const k = w.kernel;
    for (const { t, key, effect: e } of effects) {
      if (t > k.nowUs) k.nowUs = t;
      k.currentKey = key;
      switch (e.e) {
        case 'trace': w.traceEvent(t, e.node, e.kind, e.from, e.tag); break;
        case 'traceMsg': w.trace.recordMessage(t, e.node, e.kind, e.from, e.tag, e.d1, e.d2, e.msg); break;
        case 'send': w.send(e.from, e.to, e.msg, e.seal, e.departUs); break;
        case 'telemetry': w.telemetry(t, e.node, e.name, e.fields); break;
        case 'violate': w.violate(t, e.check, e.node, e.message); break;
        case 'status': w.statusChanged(t, e.node, e.status); break;
        case 'halt': w.halt(e.reason); break;
      }
    }
  }
}
