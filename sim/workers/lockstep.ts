// Conservative lockstep: the kernel drives node runtimes that live elsewhere (worker
// threads, Web Workers, or in-process runners in tests) one window at a time.
//
// Contract: the kernel stays the single owner of time and order. A window starts at the
// earliest pending event and ends (exclusive) at start + L or at the next kernel action,
// whichever is first; no event in a window can influence another node's event in the same
// window, because every message takes at least L. Each runner gets its nodes' messages for
// the window in one call and returns its effects tagged with their causing events; the
// kernel merges them in canonical (time, tie key) order and applies them exactly as the
// in-process world would have, so the trace hash is the same with any number of workers.
// Kernel actions run between windows; the node commands they issue are sent to the
// runners in the order they were issued.
import type { Micros, NodeId } from '../../core/env.ts';
import type { StopReason } from '../kernel/kernel.ts';
import { EV_ACTION, EV_MSG, type MsgEvent, type SimEvent } from '../world/events.ts';
import type { World } from '../world/world.ts';
import type { TaggedEffect } from './effects.ts';
import type { Shipped, WindowResult } from './windowRunner.ts';
import type { NodeCommand } from '../host/runtime.ts';

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

export class Lockstep {
  private readonly nextLocal: number[];
  private windows = 0;
  private calls = 0;

  constructor(
    private readonly world: World,
    private readonly runners: Runner[],
    /** The runner index of each node. */
    private readonly placement: readonly number[],
  ) {
    if (placement.length !== world.nodeCount) throw new Error('Lockstep: placement must name a runner for every node');
    this.nextLocal = runners.map(() => Infinity);
  }

  stats(): LockstepStats {
    return { windows: this.windows, runnerCalls: this.calls, eventsPerCall: this.calls === 0 ? 0 : this.world.remoteExecuted / this.calls };
  }

  /** Runs until simulated time `timeUs` (inclusive), like World.run({ timeUs }). */
  async run(timeUs: Micros): Promise<StopReason> {
    const k = this.world.kernel;
    const floorUs = this.world.net.latencyFloorUs;
    for (;;) {
      const kernelT = k.queue.peekTime();
      const localT = Math.min(...this.nextLocal);
      const startT = Math.min(kernelT, localT);
      if (startT > timeUs) {
        k.nowUs = Math.max(k.nowUs, timeUs);
        return startT === Infinity ? 'idle' : 'time';
      }
      const top = k.queue.peek();
      if (top !== undefined && top.k === EV_ACTION && kernelT <= localT && (kernelT < localT || !this.localBefore(kernelT, k.queue.peekKey()))) {
        await this.runAction();
        continue;
      }
      await this.runWindow(startT, floorUs, timeUs);
    }
  }

  /** Whether some runner may hold a local event at time t before key (conservatively yes). */
  private localBefore(t: Micros, _key: number): boolean {
    return this.nextLocal.some((x) => x <= t);
  }

  private async runWindow(startT: Micros, floorUs: Micros, timeUs: Micros): Promise<void> {
    const k = this.world.kernel;
    let endUs = Math.min(startT + floorUs, timeUs + 1);
    let endKey = -1;
    // Find the first action at or before the window's end: the window stops just before it.
    const actionBound = this.firstActionBefore(endUs);
    if (actionBound !== null) [endUs, endKey] = actionBound;
    const incoming: Shipped[][] = this.runners.map(() => []);
    while (k.queue.size > 0) {
      const t = k.queue.peekTime();
      const key = k.queue.peekKey();
      if (!(t < endUs || (t === endUs && key < endKey))) break;
      const ev = k.queue.peek() as SimEvent;
      if (ev.k !== EV_MSG) throw new Error('Lockstep: a non-message node event reached the kernel queue');
      k.queue.pop();
      incoming[this.placement[ev.node]].push({ t, key, ev: ev as MsgEvent });
    }
    const calls: Promise<WindowResult>[] = [];
    const who: number[] = [];
    this.runners.forEach((r, i) => {
      if (incoming[i].length === 0 && !(this.nextLocal[i] < endUs || this.nextLocal[i] === endUs)) return;
      who.push(i);
      calls.push(Promise.resolve(r.runWindow(endUs, endKey, incoming[i])));
    });
    this.windows++;
    this.calls += calls.length;
    const results = await Promise.all(calls);
    const merged: TaggedEffect[] = [];
    results.forEach((res, j) => {
      this.nextLocal[who[j]] = res.nextUs;
      this.world.remoteExecuted += res.executed;
      for (const e of res.effects) merged.push(e);
    });
    // Stable: effects of one event keep their order; events interleave canonically.
    merged.sort((a, b) => a.t - b.t || a.key - b.key);
    this.apply(merged);
  }

  /** The (time, key) of the earliest kernel action before `endUs`, or null. */
  private firstActionBefore(endUs: Micros): [Micros, number] | null {
    let best: [Micros, number] | null = null;
    this.world.kernel.queue.forEach((ev, t) => {
      if (ev.k !== EV_ACTION || t >= endUs) return;
      if (best === null || t < best[0]) best = [t, -2];
    });
    if (best === null) return null;
    // The exact key of the earliest action at that time.
    let key = Infinity;
    const bt = (best as [Micros, number])[0];
    this.world.kernel.queue.forEachKeyed((ev, t, k) => {
      if (ev.k === EV_ACTION && t === bt && k < key) key = k;
    });
    return [bt, key];
  }

  private async runAction(): Promise<void> {
    const k = this.world.kernel;
    const t = k.queue.peekTime();
    const key = k.queue.peekKey();
    const ev = k.queue.pop() as SimEvent;
    if (ev.k !== EV_ACTION) throw new Error('Lockstep: expected an action');
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
      this.nextLocal[i] = res.nextUs;
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
      }
    }
  }
}
