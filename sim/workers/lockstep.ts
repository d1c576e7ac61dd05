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
//
// Per-runner horizons (the default when the runners transmit their own nodes' messages,
// transport.ts): a runner delivers its nodes' messages to each other itself, so only
// messages from other runners bound it: runner R runs up to the earlier of (the earliest
// next event of any other runner) + L and (its own earliest event) + 2L (an answer to its
// own message), where L is now the least latency of a link between two runners. Its messages for other runners come back with their arrival and tie key fixed;
// its effects wait in a buffer and are applied in canonical order once no runner can
// produce an earlier one (every event before the earliest pending event anywhere has run).
// An action still ends every runner's stretch. An action that changes nodes or links
// inside a stretch some runner already ran (one scheduled by a check while effects were
// applied, nearer than that runner had run) stops the run with an error.
import type { Micros, NodeId } from '../../core/env.ts';
import type { NodeCommand } from '../host/runtime.ts';
import type { StopReason } from '../kernel/kernel.ts';
import { EventQueue } from '../kernel/eventQueue.ts';
import { latencyMinUs } from '../net/latency.ts';
import type { NetOp } from '../net/network.ts';
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
  /** `netOps`: the kernel's link changes from index `netFrom` on (World.netLog), for a runner with a transport. */
  runWindow(endUs: Micros, endKey: number, incoming: Shipped[], netFrom: number, netOps: readonly NetOp[]): Reply;
  commands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number, netFrom: number, netOps: readonly NetOp[]): Reply;
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
  /** Per-runner horizons (true) or one window for all runners (false). */
  horizons: boolean;
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
  /** Per-runner horizons: each runner's pending messages from other runners, the kernel's side. */
  private readonly inbox: EventQueue<MsgEvent>[];
  /** Per-runner horizons: the exclusive bound each runner has run to; no message for it may arrive earlier. */
  private readonly doneT: number[];
  private readonly doneK: number[];
  /** Per-runner horizons: effects not yet applied, in canonical order. */
  private buffer: TaggedEffect[] = [];
  /** How much of World.netLog each runner has been given. */
  private readonly netSent: number[];

  constructor(
    private readonly world: World,
    private readonly runners: Runner[],
    /** The runner index of each node. */
    private readonly placement: readonly number[],
    /** Per-runner horizons; the runners must have been built with a transport (WorkerInit.transport). */
    private readonly horizons = false,
  ) {
    if (placement.length !== world.nodeCount) throw new Error('Lockstep: placement must name a runner for every node');
    if (world.actions === null) throw new Error('Lockstep: the world must be built in remote mode');
    if (horizons && world.hasEndpoints) throw new Error('Lockstep: per-runner horizons need every node on a runner (this world serves endpoints itself)');
    this.nextT = runners.map(() => Infinity);
    this.nextK = runners.map(() => Infinity);
    this.inbox = runners.map(() => new EventQueue<MsgEvent>());
    this.doneT = runners.map(() => 0);
    this.doneK = runners.map(() => -1);
    this.netSent = runners.map(() => 0);
    this.updateLookahead();
  }

  /** The link changes runner `i` has not been given yet, as (from, ops), marked as given. */
  private netOpsFor(i: number): [number, NetOp[]] {
    const log = this.world.netLog;
    const from = this.netSent[i];
    if (!this.horizons || from === log.length) return [from, []];
    this.netSent[i] = log.length;
    return [from, log.slice(from)];
  }

  /** L, from every directed link's current profile (with per-runner horizons, the links between two runners). */
  private updateLookahead(): void {
    const net = this.world.net;
    const n = this.world.nodeCount;
    let min = Infinity;
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (this.horizons && this.placement[from] === this.placement[to]) continue;
        const p = net.profile(from, to);
        const l = p.extraUs + latencyMinUs(p.latency, net.latencyFloorUs);
        if (l < min) min = l;
      }
    }
    // One runner: no link between two runners, so nothing bounds its stretches but actions.
    if (this.horizons && min === Infinity) min = Number.MAX_SAFE_INTEGER;
    if (!(min >= 1)) throw new Error(`Lockstep: the least link latency is ${min} µs; windows need it to be at least 1 µs`);
    this.lookaheadUs = min;
    if (min < this.lookaheadLeast) this.lookaheadLeast = min;
  }

  stats(): LockstepStats {
    return { windows: this.windows, runnerCalls: this.calls, eventsPerCall: this.calls === 0 ? 0 : this.world.remoteExecuted / this.calls, lookaheadUs: this.lookaheadLeast, horizons: this.horizons };
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
    if (this.horizons) return this.runHorizons(timeUs, eventsMax);
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
      replies.push(this.runners[i].runWindow(endUs, endKey, incoming[i], 0, []));
    }
    this.windows++;
    this.calls += replies.length;
    this.doneUs = endUs;
    const results = collect(replies);
    if (results instanceof Promise) return results.then((r) => this.merge(who, r));
    this.merge(who, results);
    return undefined;
  }

  /** Per-runner horizons: see the header. */
  private async runHorizons(timeUs: Micros, eventsMax: number): Promise<StopReason> {
    const k = this.world.kernel;
    const actions = this.world.actions as NonNullable<World['actions']>;
    const n = this.runners.length;
    const eT = new Array<number>(n);
    const eK = new Array<number>(n);
    for (;;) {
      if (k.halted !== null) return 'halted';
      if (this.world.executed >= eventsMax) return 'events';
      this.drainKernelQueue();
      // The earliest pending event of each runner, and of all (an action included).
      let gT = actions.peekTime();
      let gK = actions.peekKey();
      let actionFirst = actions.size > 0;
      for (let i = 0; i < n; i++) {
        let t = this.nextT[i];
        let key = this.nextK[i];
        const q = this.inbox[i];
        if (q.size > 0 && before(q.peekTime(), q.peekKey(), t, key)) [t, key] = [q.peekTime(), q.peekKey()];
        eT[i] = t;
        eK[i] = key;
        if (before(t, key, gT, gK)) {
          [gT, gK] = [t, key];
          actionFirst = false;
        }
      }
      if (actionFirst || gT > timeUs) {
        // Every event before the earliest pending one has run: its effects are final.
        this.flush(gT, gK);
        if (k.halted !== null) return 'halted';
        // An effect just applied scheduled an action before the earliest event: start over.
        if (actions.size > 0 && before(actions.peekTime(), actions.peekKey(), gT, gK)) continue;
        if (gT > timeUs) {
          k.nowUs = Math.max(k.nowUs, timeUs);
          return gT === Infinity ? 'idle' : 'time';
        }
        await this.runAction();
        continue;
      }
      const at = actions.peekTime();
      const ak = actions.peekKey();
      const who: number[] = [];
      const replies: Reply[] = [];
      for (let i = 0; i < n; i++) {
        // What reaches this runner first: a message caused by another runner's earliest
        // event (one hop, at least L later), or an answer to its own first message to
        // another runner (two hops, at least 2L after its own earliest event).
        let other = Infinity;
        for (let j = 0; j < n; j++) if (j !== i && eT[j] < other) other = eT[j];
        let hT = Math.min(other + this.lookaheadUs, eT[i] + 2 * this.lookaheadUs);
        let hK = -1;
        if (timeUs + 1 < hT) hT = timeUs + 1;
        if (before(at, ak, hT, hK)) [hT, hK] = [at, ak];
        if (!before(eT[i], eK[i], hT, hK)) continue;
        const incoming: Shipped[] = [];
        const q = this.inbox[i];
        while (q.size > 0 && before(q.peekTime(), q.peekKey(), hT, hK)) {
          const t = q.peekTime();
          const key = q.peekKey();
          incoming.push({ t, key, ev: q.pop() as MsgEvent });
        }
        this.doneT[i] = hT;
        this.doneK[i] = hK;
        const [netFrom, netOps] = this.netOpsFor(i);
        who.push(i);
        replies.push(this.runners[i].runWindow(hT, hK, incoming, netFrom, netOps));
      }
      this.windows++;
      this.calls += replies.length;
      // While the workers run their stretches, the effects that are final now are applied
      // here (they change only the kernel's side: trace, checks, telemetry). One that
      // schedules an action inside a stretch already handed out is caught by runAction.
      this.flush(gT, gK);
      const results = collect(replies);
      this.absorb(who, results instanceof Promise ? await results : results);
    }
  }

  /** Messages the kernel itself scheduled (a byzantine injection) go to their runner's inbox. */
  private drainKernelQueue(): void {
    const q = this.world.kernel.queue;
    while (q.size > 0) {
      const t = q.peekTime();
      const key = q.peekKey();
      const ev = q.pop() as SimEvent;
      if (ev.k !== EV_MSG) throw new Error('Lockstep: a non-message event reached the kernel queue in remote mode');
      this.deliver(t, key, ev as MsgEvent);
    }
  }

  private deliver(t: Micros, key: number, ev: MsgEvent): void {
    const r = this.placement[ev.node];
    // By time alone: a message created at an action's instant may sort before the action
    // (a smaller tie key) yet run after it, as in one thread; the runner ran nothing later.
    if (t < this.doneT[r]) throw new Error(`Lockstep: a message arrives at ${t} µs, inside a stretch runner ${r} already ran (to ${this.doneT[r]} µs): the lookahead L = ${this.lookaheadUs} µs is wrong`);
    this.inbox[r].push(t, key, ev);
  }

  /** Takes a round's results: each runner's next event, its messages for others, its effects into the buffer. */
  private absorb(who: number[], results: WindowResult[]): void {
    const waiting = this.buffer.length;
    let added = 0;
    for (let j = 0; j < results.length; j++) {
      const res = results[j];
      const i = who[j];
      this.nextT[i] = res.nextUs;
      this.nextK[i] = res.nextKey;
      this.world.remoteExecuted += res.executed;
      for (const o of res.outgoing ?? []) this.deliver(o.t, o.key, o.ev);
      if (res.effects.length > 0) {
        for (const e of res.effects) this.buffer.push(e);
        added++;
      }
    }
    // Each runner's effects are in canonical order; a stable sort interleaves them.
    if (added > 1 || (added === 1 && waiting > 0)) this.buffer.sort((a, b) => a.t - b.t || a.key - b.key);
  }

  /**
   * Applies the buffered effects of events before (gT, gK), in order, stopping early at an
   * action that comes due first (one a check scheduled as an effect was applied) or a halt.
   */
  private flush(gT: Micros, gK: number): void {
    const b = this.buffer;
    const actions = this.world.actions as NonNullable<World['actions']>;
    let i = 0;
    while (i < b.length && before(b[i].t, b[i].key, gT, gK) && this.world.kernel.halted === null) {
      if (actions.size > 0 && before(actions.peekTime(), actions.peekKey(), b[i].t, b[i].key)) break;
      this.applyOne(b[i]);
      i++;
    }
    if (i > 0) this.buffer = i === b.length ? [] : b.slice(i);
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
    const netBefore = this.world.netLog.length;
    ev.run();
    const pending = this.world.pendingCommands.splice(0);
    if (this.horizons) {
      // A runner that already ran past this action would miss what it changes.
      const late = (i: number): boolean => before(t, key, this.doneT[i], this.doneK[i]) && !(this.doneT[i] === t && this.doneK[i] === key);
      for (let i = 0; i < this.runners.length; i++) {
        const touched = this.world.netLog.length > netBefore || pending.some((p) => this.placement[p.node] === i);
        if (touched && late(i)) throw new Error(`Lockstep: the action "${ev.name}" at ${t} µs changes nodes or links, but runner ${i} already ran to ${this.doneT[i]} µs (an action scheduled while effects were applied, sooner than a runner's stretch): run it in one thread`);
      }
    }
    for (const p of pending) {
      const i = this.placement[p.node];
      this.calls++;
      const [netFrom, netOps] = this.netOpsFor(i);
      const res = await settle(this.runners[i].commands([p], t, key, netFrom, netOps));
      this.nextT[i] = res.nextUs;
      this.nextK[i] = res.nextKey;
      for (const o of res.outgoing ?? []) this.deliver(o.t, o.key, o.ev);
      this.apply(res.effects);
    }
    // A fault may have changed a link's latency.
    this.updateLookahead();
  }

  private apply(effects: TaggedEffect[]): void {
    for (const e of effects) this.applyOne(e);
  }

  private applyOne({ t, key, effect: e }: TaggedEffect): void {
    const w = this.world;
    const k = w.kernel;
    if (t > k.nowUs) k.nowUs = t;
    k.currentKey = key;
    switch (e.e) {
      case 'trace': w.traceEvent(t, e.node, e.kind, e.from, e.tag); break;
      case 'traceMsg': w.trace.recordMessage(t, e.node, e.kind, e.from, e.tag, e.d1, e.d2, e.msg); break;
      case 'send': w.send(e.from, e.to, e.msg, e.seal, e.departUs); break;
      case 'tap': w.tapSend(e.from, e.to, e.msg, e.sizeBytes); break;
      case 'telemetry': w.telemetry(t, e.node, e.name, e.fields); break;
      case 'violate': w.violate(t, e.check, e.node, e.message); break;
      case 'status': w.statusChanged(t, e.node, e.status); break;
      case 'halt': w.halt(e.reason); break;
    }
  }
}

/**
 * A round's answers in the runners' order: at once when every runner answered at once (in
 * this thread, or through shared memory), else a promise of them all. If a runner in this
 * thread throws, the workers' answers still pending are no longer wanted (marked handled).
 */
function collect(replies: Reply[]): WindowResult[] | Promise<WindowResult[]> {
  const results: WindowResult[] = [];
  let pending: Promise<WindowResult>[] | null = null;
  try {
    for (const r of replies) {
      const v = settle(r);
      if (v instanceof Promise) (pending ??= []).push(v);
      else if (pending === null) results.push(v);
      else pending.push(Promise.resolve(v));
    }
  } catch (e) {
    for (const p of pending ?? []) p.catch(() => {});
    throw e;
  }
  if (pending === null) return results;
  return Promise.all(pending).then((rest) => {
    for (const v of rest) results.push(v);
    return results;
  });
}
