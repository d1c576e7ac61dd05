// The worker side of lockstep: a NodeRuntime for some nodes, its own queue of local
// events, and the window loop.
//
// Contract: `runWindow(endUs, incoming)` runs every event of this worker's nodes with time
// <= endUs, in (time, tie key) order, and returns the effects with their causes, the
// number of events run, and the time of the next local event. No event in the window can
// depend on another worker's events in the same window: every message takes at least L,
// and the kernel never makes a window longer than L. The same code runs in-process
// (tests) and in a worker thread or Web Worker.
import type { Micros, NodeId } from '../../core/env.ts';
import { markRunEnding, NodeRuntime, RunEndingError, type NodeCommand } from '../host/runtime.ts';
import { EventQueue } from '../kernel/eventQueue.ts';
import { Streams } from '../kernel/random.ts';
import { nodeSpecs } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { EV_MSG, type MsgEvent, type TimerEvent } from '../world/events.ts';
import type { NetOp } from '../net/network.ts';
import { EffectBuffer, type TaggedEffect } from './effects.ts';
import { RunnerTransport, type Outgoing, type TransportInit } from './transport.ts';

export interface WorkerInit {
  scenario: Scenario;
  /** The world's seed string (`name/seed`), so streams match the kernel's. */
  seedText: string;
  nodeIds: NodeId[];
  retainMessages: boolean;
  /**
   * Users' workload modules (URLs) the worker imports before it builds its nodes, so it
   * finds the scenario's workload by name as the kernel's thread did (sim/workloads).
   */
  workloadModules: string[];
  /** NodeRuntime.hostStatsUs: 0 (default) reports no host stats; telemetry turns it on. */
  hostStatsUs?: Micros;
  /**
   * Set when this runner transmits its own nodes' messages (transport.ts; the kernel's
   * per-runner horizons need it); otherwise every send goes to the kernel as an effect.
   */
  transport?: TransportInit;
  /** Test hook: make this runner fail after it has run this many events. */
  failAfterEvents?: { count: number; how: 'throw' | 'exit' };
}

/** A message shipped to a worker for a window: its arrival time and tie key. */
export interface Shipped {
  t: Micros;
  key: number;
  ev: MsgEvent;
}

export interface WindowResult {
  effects: TaggedEffect[];
  /** Messages for other runners' nodes (only with a transport). */
  outgoing?: Outgoing[];
  executed: number;
  /** The earliest pending local event, or Infinity, and its tie key. */
  nextUs: Micros;
  nextKey: number;
}

/** Freezes a message received from across a worker boundary, as in-process sends are. */
function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
}

export class WindowRunner {
  private readonly queue = new EventQueue<MsgEvent | TimerEvent>();
  private readonly buffer: EffectBuffer;
  private readonly runtime: NodeRuntime;
  private currentKey = 0;
  private executedTotal = 0;
  private readonly failAfter: WorkerInit['failAfterEvents'];
  private readonly transport: RunnerTransport | null;

  constructor(init: WorkerInit) {
    this.failAfter = init.failAfterEvents;
    this.buffer = new EffectBuffer(init.retainMessages);
    const specs = nodeSpecs(init.scenario);
    const mine = new Map(init.nodeIds.map((id) => [id, specs[id]]));
    const streams = new Streams(init.seedText);
    this.runtime = new NodeRuntime(mine, specs.length, streams, this.buffer, {
      schedule: (timeUs, key, ev) => this.queue.push(timeUs, key, ev),
    });
    this.transport = init.transport === undefined ? null : new RunnerTransport(init.transport, init.transport.placement[init.nodeIds[0]], streams, (t, key, ev) => this.queue.push(t, key, ev));
    this.buffer.transport = this.transport;
    this.runtime.hostStatsUs = init.hostStatsUs ?? 0;
  }

  /**
   * Runs every local event before the exclusive bound (endUs, endKey) in canonical order:
   * an event at (t, key) runs if t < endUs, or t === endUs and key < endKey.
   */
  runWindow(endUs: Micros, endKey: number, incoming: Shipped[], netFrom = 0, netOps: readonly NetOp[] = []): WindowResult {
    return marked(() => this.window(endUs, endKey, incoming, netFrom, netOps));
  }

  commands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number, netFrom = 0, netOps: readonly NetOp[] = []): WindowResult {
    return marked(() => this.applyCommands(cmds, t, key, netFrom, netOps));
  }

  private window(endUs: Micros, endKey: number, incoming: Shipped[], netFrom: number, netOps: readonly NetOp[]): WindowResult {
    this.transport?.applyNetOps(netFrom, netOps);
    for (const s of incoming) {
      deepFreeze(s.ev.msg);
      this.queue.push(s.t, s.key, s.ev);
    }
    let executed = 0;
    const q = this.queue;
    while (q.size > 0 && (q.peekTime() < endUs || (q.peekTime() === endUs && q.peekKey() < endKey))) {
      const t = q.peekTime();
      this.currentKey = q.peekKey();
      const ev = q.pop() as MsgEvent | TimerEvent;
      this.buffer.cause(t, this.currentKey);
      this.executedTotal++;
      try {
        if (this.failAfter?.how === 'throw' && this.executedTotal > this.failAfter.count) throw new Error('injected failure (test hook)');
        this.runtime.execute(ev, t, this.currentKey);
      } catch (e) {
        if (e instanceof RunEndingError) throw e;
        const what = ev.k === EV_MSG ? `message ${ev.type ?? '?'} from node ${ev.from}` : `timer ${ev.tag}`;
        throw new Error(`node ${ev.node} failed at t=${t}µs on ${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
      executed++;
    }
    return this.result(executed);
  }

  private result(executed: number): WindowResult {
    const effects = this.buffer.take();
    if (this.transport === null) return { effects, executed, nextUs: this.queue.peekTime(), nextKey: this.queue.peekKey() };
    return { effects, outgoing: this.transport.takeOutgoing(), executed, nextUs: this.queue.peekTime(), nextKey: this.queue.peekKey() };
  }

  /** Whether the 'exit' test hook is due (the worker entry then ends the thread). */
  exitDue(): boolean {
    return this.failAfter?.how === 'exit' && this.executedTotal >= this.failAfter.count;
  }

  /** Applies commands issued by one kernel action at (t, key). */
  private applyCommands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number, netFrom: number, netOps: readonly NetOp[]): WindowResult {
    this.transport?.applyNetOps(netFrom, netOps);
    this.buffer.cause(t, key);
    for (const c of cmds) this.runtime.command(c.node, c.cmd, t);
    return this.result(0);
  }

  /** Process views for the UI or a report: inspect() of each hosted node. */
  inspect(): { node: NodeId; status: string; view: unknown }[] {
    return [...this.runtime.hosts.values()].map((h) => ({ node: h.id, status: h.status, view: h.process?.inspect?.() ?? null }));
  }
}

/**
 * Runs a runner's call; the workload's own error (a module that broke its contract, a
 * RunEndingError) leaves it marked (markRunEnding), since across a worker's channel only
 * its text goes, and the command ends as in one thread (exit 2, the workload's message).
 */
function marked<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof RunEndingError ? new Error(markRunEnding(e.message)) : e;
  }
}
