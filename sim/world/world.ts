// The world: kernel, network, disks and hosts wired together, running processes through
// the Env seam.
//
// Contract: everything that happens in a run is an event executed by the kernel in
// canonical order, and everything observable (deliveries, timers, faults, drops, crashes)
// is recorded in the trace in that order. A message is deep-frozen when sent (trace/canon),
// so nodes may share it but never change it; a node that tries throws, and a process that
// throws is a bug in the process: the world records a violation and crashes that node.
import type { Micros, NodeContext, NodeId, Process, TelemetrySink } from '../../core/env.ts';
import { SimDisk, type DiskFaults } from '../disk/disk.ts';
import { Cpu, DEFAULT_CPU, type CpuProfile } from '../host/cpu.ts';
import { Host, STASH_MAX, TIMERS_MAX } from '../host/host.ts';
import { Kernel, KERNEL_ORIGIN, type RunLimits, type StopReason } from '../kernel/kernel.ts';
import { NODE_COUNT_MAX } from '../kernel/eventQueue.ts';
import { Network, type PartitionShape } from '../net/network.ts';
import { DEFAULT_LINK, type LinkProfile } from '../net/link.ts';
import { sealMessage, type Seal } from '../trace/canon.ts';
import { Trace, type TraceKind } from '../trace/trace.ts';
import { EV_ACTION, EV_MSG, EV_TIMER, type MsgEvent, type SimEvent, type TimerEvent } from './events.ts';

export interface NodeSpec {
  role: string;
  factory: (id: NodeId) => Process;
  cpu?: Partial<CpuProfile>;
  memoryBytesMax?: number;
  disk?: Partial<DiskFaults>;
}

export interface WorldConfig {
  seed: string;
  nodes: NodeSpec[];
  link?: Partial<LinkProfile>;
  /** The minimum link latency L > 0, µs. */
  latencyFloorUs?: Micros;
  retainTrace?: boolean;
}

export interface Violation {
  t: Micros;
  check: string;
  node: NodeId | null;
  message: string;
}

export interface InFlight {
  from: NodeId;
  to: NodeId;
  type: string;
  sentUs: Micros;
  arriveUs: Micros;
  corrupted: boolean;
}

export type TelemetryListener = (t: Micros, node: NodeId, name: string, fields: Readonly<Record<string, string | number | boolean>>) => void;

export const MEMORY_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

export class World {
  readonly kernel: Kernel<SimEvent>;
  readonly net: Network;
  readonly hosts: Host<SimEvent>[];
  readonly trace: Trace;
  readonly violations: Violation[] = [];
  private readonly telemetryListeners: TelemetryListener[] = [];
  private readonly afterEvent: ((node: NodeId) => void)[] = [];
  private readonly sendTaps: ((from: NodeId, to: NodeId, msg: unknown) => void)[] = [];
  /** The node whose event is executing, and where its outputs go. */
  private execNode = -1;
  private execNowUs = 0;
  private outbox: { to: NodeId; msg: unknown; seal: Seal }[] = [];

  constructor(readonly config: WorldConfig) {
    if (config.nodes.length < 1 || config.nodes.length >= NODE_COUNT_MAX) throw new Error(`World: node count must be in [1, ${NODE_COUNT_MAX - 1}]`);
    this.kernel = new Kernel<SimEvent>(config.seed, (ev, t) => this.execute(ev, t));
    const streams = this.kernel.streams;
    this.net = new Network(config.nodes.length, config.latencyFloorUs ?? 500, streams, { ...DEFAULT_LINK, ...config.link });
    this.hosts = config.nodes.map((spec, id) => new Host<SimEvent>(
      id, spec.role, spec.factory,
      new SimDisk(streams.get(`disk/${id}`), spec.disk),
      new Cpu({ ...DEFAULT_CPU, ...spec.cpu }),
      spec.memoryBytesMax ?? MEMORY_BYTES_MAX_DEFAULT,
    ));
    this.trace = new Trace(config.retainTrace ?? false);
  }

  get nowUs(): Micros {
    return this.kernel.nowUs;
  }

  onTelemetry(l: TelemetryListener): void {
    this.telemetryListeners.push(l);
  }

  /** Called after every executed node event with the node's id (invariant checkers). */
  onAfterEvent(f: (node: NodeId) => void): void {
    this.afterEvent.push(f);
  }

  /** Called for every message a node sends, before the network decides its fate (nemesis taps). */
  onSend(f: (from: NodeId, to: NodeId, msg: unknown) => void): void {
    this.sendTaps.push(f);
  }

  /**
   * Delivers a message that no node sent (a byzantine adversary: forged sender, replayed
   * or malformed message) to `to` at `atUs`, claiming to come from `from`. It bypasses the
   * network's loss and partitions, as an attacker on the wire would.
   */
  injectMessage(atUs: Micros, from: NodeId, to: NodeId, msg: unknown): void {
    if (!(to >= 0 && to < this.hosts.length)) throw new Error(`injectMessage: no node ${to}`);
    const seal = sealMessage(msg);
    this.kernel.schedule(Math.max(atUs, this.kernel.nowUs), to, KERNEL_ORIGIN, { k: EV_MSG, node: to, from, msg, d1: seal.d1, d2: seal.d2, type: typeOf(msg), corrupted: true, sentUs: Math.max(atUs, this.kernel.nowUs) });
  }

  violate(check: string, node: NodeId | null, message: string): void {
    this.violations.push({ t: this.kernel.nowUs, check, node, message });
  }

  /** Boots every node at time 0. */
  boot(): void {
    for (const h of this.hosts) this.at(0, `boot ${h.id}`, () => this.startNode(h.id), h.id);
  }

  /** Schedules a world action (a fault, a heal) at an absolute time. */
  at(timeUs: Micros, name: string, run: () => void, node: NodeId = KERNEL_ORIGIN): void {
    this.kernel.schedule(Math.max(timeUs, this.kernel.nowUs), node, KERNEL_ORIGIN, { k: EV_ACTION, node, name, run });
  }

  run(limits: RunLimits): StopReason {
    return this.kernel.run(limits);
  }

  // ---- node lifecycle (called from actions) ----

  startNode(id: NodeId): void {
    const h = this.hosts[id];
    if (h.status !== 'down') return;
    h.status = 'up';
    const t = this.kernel.nowUs;
    h.process = h.factory(id);
    if (h.incarnation > 0) this.trace.record(t, id, 'restart', -1, '', '');
    const ctx = this.contextFor(h.id, h.incarnation);
    this.runHandler(h.id, t, 'start', undefined, (p) => p.start(ctx));
  }

  crashNode(id: NodeId, kind: TraceKind = 'crash'): void {
    const h = this.hosts[id];
    if (h.status === 'down') return;
    const t = this.kernel.nowUs;
    if (kind === 'oom') h.oomCrashes++;
    h.kill(t);
    this.trace.record(t, id, kind, -1, '', '');
  }

  /** Graceful shutdown: the process may finish in-flight work in `shutdown`, then it stops. */
  shutdownNode(id: NodeId): void {
    const h = this.hosts[id];
    if (h.status !== 'up' || h.process === null) return;
    const t = this.kernel.nowUs;
    if (h.process.shutdown !== undefined) this.runHandler(id, t, 'start', undefined, (p) => p.shutdown?.());
    this.crashNode(id);
  }

  pauseNode(id: NodeId): void {
    const h = this.hosts[id];
    if (h.status !== 'up') return;
    h.status = 'paused';
    this.trace.record(this.kernel.nowUs, id, 'pause', -1, '', '');
  }

  resumeNode(id: NodeId): void {
    const h = this.hosts[id];
    if (h.status !== 'paused') return;
    const t = this.kernel.nowUs;
    h.status = 'up';
    this.trace.record(t, id, 'resume', -1, '', '');
    for (const s of h.stash) this.kernel.reschedule(t, s.key, s.ev);
    h.stash.length = 0;
  }

  partition(shape: PartitionShape): number {
    const id = this.net.partition(shape);
    return id;
  }

  // ---- execution ----

  private execute(ev: SimEvent, t: Micros): void {
    if (ev.k === EV_ACTION) {
      this.trace.record(t, ev.node === KERNEL_ORIGIN ? -1 : ev.node, 'fault', -1, ev.name, '');
      ev.run();
      return;
    }
    const h = this.hosts[ev.node];
    if (ev.k === EV_TIMER && (ev.incarnation !== h.incarnation || !h.liveTimers.has(ev.id))) return;
    if (h.status === 'down') {
      if (ev.k === EV_MSG) this.trace.recordMessage(t, ev.node, 'drop', ev.from, 'down', ev.d1, ev.d2, ev.msg);
      return;
    }
    if (h.status === 'paused') {
      if (h.stash.length < STASH_MAX) h.stash.push({ key: this.kernel.currentKey, ev });
      else if (ev.k === EV_MSG) this.trace.recordMessage(t, ev.node, 'drop', ev.from, 'paused-overflow', ev.d1, ev.d2, ev.msg);
      return;
    }
    if (h.cpu.busyUntilUs > t) {
      this.kernel.reschedule(h.cpu.busyUntilUs, this.kernel.currentKey, ev);
      return;
    }
    if (ev.k === EV_MSG) this.deliver(ev, t);
    else this.fire(ev, t);
  }

  private deliver(ev: MsgEvent, t: Micros): void {
    this.trace.recordMessage(t, ev.node, 'msg', ev.from, ev.type ?? '', ev.d1, ev.d2, ev.msg);
    this.runHandler(ev.node, t, 'msg', ev.type, (p) => p.onMessage(ev.from, ev.msg));
  }

  private fire(ev: TimerEvent, t: Micros): void {
    const h = this.hosts[ev.node];
    h.liveTimers.delete(ev.id);
    this.trace.record(t, ev.node, 'timer', -1, ev.tag, '');
    this.runHandler(ev.node, t, 'timer', undefined, (p) => p.onTimer(ev.tag));
  }

  private runHandler(id: NodeId, t: Micros, kind: 'msg' | 'timer' | 'start', msgType: string | undefined, body: (p: Process) => void): void {
    const h = this.hosts[id];
    const p = h.process as Process;
    this.execNode = id;
    this.execNowUs = t;
    this.outbox = [];
    h.disk.fsyncCount = 0;
    try {
      body(p);
    } catch (e) {
      this.execNode = -1;
      this.violate('process-threw', id, `node ${id} threw while handling ${kind}${msgType ? ` ${msgType}` : ''}: ${e instanceof Error ? e.message : String(e)}`);
      this.crashNode(id);
      return;
    }
    this.execNode = -1;
    const serviceUs = h.cpu.serviceUs(kind, msgType, h.disk.fsyncCount);
    h.cpu.busyUntilUs = t + serviceUs;
    h.cpu.busyTotalUs += serviceUs;
    const departUs = t + serviceUs;
    for (const o of this.outbox) this.transmit(id, o.to, o.msg, o.seal, departUs);
    if (h.memoryBytes() > h.memoryBytesMax) this.crashNode(id, 'oom');
    for (const f of this.afterEvent) f(id);
  }

  private transmit(from: NodeId, to: NodeId, msg: unknown, seal: Seal, departUs: Micros): void {
    for (const tap of this.sendTaps) tap(from, to, msg);
    const type = typeOf(msg);
    const r = this.net.transmit(departUs, from, to, msg, seal.sizeBytes);
    if (!r.ok) {
      this.trace.recordMessage(this.kernel.nowUs, to, 'drop', from, r.reason, seal.d1, seal.d2, msg);
      return;
    }
    for (const d of r.deliveries) {
      const s = d.corrupted ? sealMessage(d.msg) : seal;
      this.kernel.schedule(d.arrivalUs, to, from, { k: EV_MSG, node: to, from, msg: d.msg, d1: s.d1, d2: s.d2, type: d.corrupted ? typeOf(d.msg) : type, corrupted: d.corrupted, sentUs: departUs });
    }
  }

  private contextFor(id: NodeId, incarnation: number): NodeContext {
    const h = this.hosts[id];
    const world = this;
    const random = this.kernel.streams.get(`node/${id}/${incarnation}`);
    const telemetry: TelemetrySink = {
      emit: (name, fields = {}) => {
        for (const l of world.telemetryListeners) l(world.kernel.nowUs, id, name, fields);
      },
    };
    return {
      id,
      random,
      disk: h.disk,
      telemetry,
      now: () => h.clock.local(world.execNowUs),
      send(to: NodeId, msg: unknown): void {
        world.assertExecuting(id, incarnation, 'send');
        if (!(Number.isInteger(to) && to >= 0 && to < world.hosts.length)) throw new Error(`send: no node ${to}`);
        // Sealing here, inside the sender's handler, makes a non-JSON message the sender's fault.
        world.outbox.push({ to, msg, seal: sealMessage(msg) });
      },
      setTimer(afterUs: Micros, tag: string): number {
        world.assertExecuting(id, incarnation, 'setTimer');
        if (!(afterUs >= 0)) throw new Error(`setTimer: delay must be >= 0, got ${afterUs}`);
        if (h.liveTimers.size >= TIMERS_MAX) throw new Error(`setTimer: node ${id} holds ${TIMERS_MAX} timers`);
        const timerId = h.timerIdNext++;
        h.liveTimers.add(timerId);
        const at = world.execNowUs + h.clock.toTrueDuration(Math.round(afterUs));
        world.kernel.schedule(at, id, id, { k: EV_TIMER, node: id, id: timerId, tag, incarnation });
        return timerId;
      },
      cancelTimer(timerId: number): void {
        h.liveTimers.delete(timerId);
      },
    };
  }

  private assertExecuting(id: NodeId, incarnation: number, what: string): void {
    if (this.execNode !== id || this.hosts[id].incarnation !== incarnation) {
      throw new Error(`${what} called by node ${id} outside its own event handler`);
    }
  }

  /** Messages in flight, sorted by arrival then sender: for the UI and reports. */
  messagesInFlight(): InFlight[] {
    const out: InFlight[] = [];
    this.kernel.queue.forEach((ev, time) => {
      if (ev.k === EV_MSG) out.push({ from: ev.from, to: ev.node, type: ev.type ?? '?', sentUs: ev.sentUs, arriveUs: time, corrupted: ev.corrupted });
    });
    return out.sort((a, b) => a.arriveUs - b.arriveUs || a.from - b.from || a.to - b.to || a.sentUs - b.sentUs);
  }

  /** Records an observation in the trace (e.g. a client operation's completion). */
  note(node: NodeId, tag: string, data: string): void {
    this.trace.record(this.kernel.nowUs, node, 'note', -1, tag, data);
  }
}

function typeOf(msg: unknown): string | undefined {
  if (msg !== null && typeof msg === 'object') {
    const t = (msg as { type?: unknown }).type;
    if (typeof t === 'string') return t;
  }
  return undefined;
}
