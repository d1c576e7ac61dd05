// Conservative lockstep: the kernel drives node runtimes that live elsewhere (worker
// threads, Web Workers, or in-process runners in tests) one window at a time.
//
// Contract: the kernel stays the single owner of time and order. A window starts at the
// earliest pending event anywhere (so empty stretches cost nothing) and ends (exclusive)
// at start + L or just before the next kernel action, whichever is first, where L is the
// least latency any link can draw now (its profile's minimum, never below the run's
// floor): no event in a window can influence another node's event in the same window,
// because every message takes at least L. Link profiles change only in kernel actions, so
// L is recomputed after each; a message that lands inside a window already run (L was
// wrong) stops the run with an error instead of reordering it. Each runner gets its nodes'
// messages for the window in one call and returns its effects tagged with their causing
// events; the kernel merges them in canonical (time, tie key) order and applies them
// exactly as the in-process world would have, so the trace hash is the same with any
// number of workers. Kernel actions run between windows, in their canonical place; the
// node commands they issue go to the runners in the order they were issued.
import type { Micros, NodeId } from '../../core/env.ts';
import type { NodeCommand } from '../host/runtime.ts';
import type { StopReason } from '../kernel/kernel.ts';
import { latencyMinUs } from '../net/latency.ts';
import { EV_MSG, type MsgEvent, type SimEvent } from '../world/events.ts';
import type { World } from '../world/world.ts';
import type { TaggedEffect } from './effects.ts';
import type { Shipped, WindowResult } from './windowRunner.ts';

/**
 * A runner's answer: the result (a runner in this thread), a promise of it (comlink), or a
 * function that waits for it (a shared-memory channel: the work is handed over when the
 * call returns, and the driver hands every runner its window before it waits for any).
 * The driver takes each answer before it calls that runner again.
 */
export type Reply = WindowResult | Promise<WindowResult> | (() => WindowResult | Promise<WindowResult>);

/** What the driver needs from a runner. */
export interface Runner {
  runWindow(endUs: Micros, endKey: number, incoming: Shipped[]): Reply;
  commands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number): Reply;
}

function settle(r: Reply): WindowResult | Promise<WindowResult> {
  return typeof r === 'function' ? r() : r;
}

export interface LockstepStats {
  windows: number;
  runnerCalls: number;
  /** Node events per runner call: the batching factor. */
  eventsPerCall: number;
  /** The least window bound L used, µs (the least link latency over the run so far). */
  lookaheadUs: Micros;
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
  /** L: the least latency any link can draw under the current profiles. */
  private lookaheadUs = 0;
  private lookaheadLeast = Infinity;
  /** The time every window run so far ended before: no message may arrive earlier. */
  private doneUs = 0;

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
    this.updateLookahead();
  }

  /** L, from every directed link's current profile. */
  private updateLookahead(): void {
    const net = this.world.net;
    const n = this.world.nodeCount;
    let min = Infinity;
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        const p = net.profile(from, to);
        const l = p.extraUs + latencyMinUs(p.latency, net.latencyFloorUs);
        if (l < min) min = l;
      }
    }
    if (!(min >= 1)) throw new Error(`Lockstep: the least link latency is ${min} µs; windows need it to be at least 1 µs`);
    this.lookaheadUs = min;
    if (min < this.lookaheadLeast) this.lookaheadLeast = min;
  }

  stats(): LockstepStats {
    return { windows: this.windows, runnerCalls: this.calls, eventsPerCall: this.calls === 0 ? 0 : this.world.remoteExecuted / this.calls, lookaheadUs: this.lookaheadLeast };
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
      let endUs = Math.min(startT + this.lookaheadUs, timeUs + 1);
      let endKey = -1;
      if (before(at, ak, endUs, endKey)) [endUs, endKey] = [at, ak];
      // Runners in this thread and shared-memory channels answer at once: no await.
      const pending = this.runWindow(endUs, endKey);
      if (pending !== undefined) await pending;
    }
  }

  private runWindow(endUs: Micros, endKey: number): Promise<void> | undefined {
    const k = this.world.kernel;
    const incoming: Shipped[][] = this.runners.map(() => []);
    while (k.queue.size > 0 && before(k.queue.peekTime(), k.queue.peekKey(), endUs, endKey)) {
      const t = k.queue.peekTime();
      const key = k.queue.peekKey();
      if (t < this.doneUs) throw new Error(`Lockstep: a message arrives at ${t} µs, inside a window already run (to ${this.doneUs} µs): the lookahead L = ${this.lookaheadUs} µs is wrong`);
      const ev = k.queue.pop() as SimEvent;
      if (ev.k !== EV_MSG) throw new Error('Lockstep: a non-message event reached the kernel queue in remote mode');
      incoming[this.placement[ev.node]].push({ t, key, ev: ev as MsgEvent });
    }
    const replies: Reply[] = [];
    const who: number[] = [];
    for (let i = 0; i < this.runners.length; i++) {
      if (incoming[i].length === 0 && !before(this.nextT[i], this.nextK[i], endUs, endKey)) continue;
      who.push(i);
      replies.push(this.runners[i].runWindow(endUs, endKey, incoming[i]));
    }
    this.windows++;
    this.calls += replies.length;
    this.doneUs = endUs;
    const results: WindowResult[] = [];
    for (let j = 0; j < replies.length; j++) {
      const r = settle(replies[j]);
      if (r instanceof Promise) return this.finishAsync(who, replies, results, j, r);
      results.push(r);
    }
    this.merge(who, results);
    return undefined;
  }

  /** The rest of a window once some runner answered with a promise. */
  private async finishAsync(who: number[], replies: Reply[], results: WindowResult[], j: number, first: Promise<WindowResult>): Promise<void> {
    const rest: (WindowResult | Promise<WindowResult>)[] = [first];
    try {
      for (let i = j + 1; i < replies.length; i++) rest.push(settle(replies[i]));
    } catch (e) {
      for (const r of rest) if (r instanceof Promise) r.catch(() => {});
      throw e;
    }
    for (const r of await Promise.all(rest)) results.push(r);
    this.merge(who, results);
  }

  private merge(who: number[], results: WindowResult[]): void {
    for (let j = 0; j < results.length; j++) {
      const res = results[j];
      this.nextT[who[j]] = res.nextUs;
      this.nextK[who[j]] = res.nextKey;
      this.world.remoteExecuted += res.executed;
    }
    if (results.length === 1) {
      // One runner's effects are in canonical order already: it ran its events in order.
      this.apply(results[0].effects);
      return;
    }
    const merged: TaggedEffect[] = [];
    for (const res of results) for (const e of res.effects) merged.push(e);
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
    this.doneUs = t;
    this.world.trace.record(t, ev.node >= this.world.nodeCount ? -1 : ev.node, 'fault', -1, ev.name, '');
    ev.run();
    const pending = this.world.pendingCommands.splice(0);
    for (const p of pending) {
      const i = this.placement[p.node];
      this.calls++;
      const res = await settle(this.runners[i].commands([p], t, key));
      this.nextT[i] = res.nextUs;
      this.nextK[i] = res.nextKey;
      this.apply(res.effects);
    }
    // A fault may have changed a link's latency.
    this.updateLookahead();
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
