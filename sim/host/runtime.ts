// The node runtime: executes node-local events (message deliveries, timers) for a set of
// hosts, through the Env seam, and reports everything it causes to a sink.
//
// Contract: the runtime is the only code that touches a host's process, disk, CPU and
// clock. It runs the same way whether the kernel drives it event by event (in-process) or
// window by window inside a worker (sim/workers): its outputs (sends, trace records,
// telemetry, violations) go to a RuntimeSink, and its local events (timers, CPU-busy
// deferrals, paused-node stashes) go to a LocalScheduler under keys that are intrinsic to
// the node (see eventQueue.ts), so both drivings produce the same canonical order.
import type { HostProbe, Micros, NodeContext, NodeId, Process, TelemetrySink } from '../../core/env.ts';
import { SimDisk, type DiskFaults } from '../disk/disk.ts';
import { ORIGIN_SEQ_MAX, tieKey } from '../kernel/eventQueue.ts';
import { originLimitReason } from '../kernel/kernel.ts';
import type { Streams } from '../kernel/random.ts';
import { Sealer, type Seal } from '../trace/canon.ts';
import type { TraceKind } from '../trace/trace.ts';
import { EV_MSG, EV_TIMER, type MsgEvent, type TimerEvent } from '../world/events.ts';
import { Cpu, DEFAULT_CPU, type CpuProfile } from './cpu.ts';
import { CPU_QUEUE_MAX, Host, STASH_MAX, TIMERS_MAX, type HostStatus } from './host.ts';
import type { NodeSetting, NodeSettingValues } from './settings.ts';

/** Timers are created under origin TIMER_ORIGIN_BASE + node, messages under the sender. */
export const TIMER_ORIGIN_BASE = 2048;
/** Node ids stay below this so timer origins do not collide with the kernel's. */
export const NODE_ID_MAX = 2046;

export interface NodeSpec {
  role: string;
  factory: (id: NodeId) => Process;
  cpu?: Partial<CpuProfile>;
  memoryBytesMax?: number;
  disk?: Partial<DiskFaults>;
  /** False for a node that stays down until something starts it (an idle spare). */
  boot?: boolean;
}

export const MEMORY_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;

/**
 * An exception that ends the run instead of crashing the node it came from: a process that
 * broke the Process contract (an async handler, whose code after its first await would run
 * outside the simulation) is a malformed workload, not a failure of the system under test,
 * so it must not be judged as a node that threw (sim/workloads/userWorkload.ts).
 */
export class RunEndingError extends Error {}

/**
 * A RunEndingError's message as it crosses from a lockstep worker to the kernel's thread,
 * which gets only text: marked, so the command can tell the workload's error (exit 2)
 * from a failure of the simulation (exit 1) and print it as one thread would.
 */
const RUN_ENDING_MARK = '\u0001run-ending\u0001';

export function markRunEnding(message: string): string {
  return RUN_ENDING_MARK + message;
}

/** The RunEndingError message an error's text carries (see markRunEnding), or null. */
export function runEndingMessage(text: string): string | null {
  const i = text.indexOf(RUN_ENDING_MARK);
  return i < 0 ? null : text.slice(i + RUN_ENDING_MARK.length);
}

const STRAY_EXIT_MARK = 'process.exit called in a worker thread: ';

/**
 * The message of the RunEndingError a lockstep worker thread raises in place of a
 * process.exit(code) that workload code called (nodeWorker.ts): in a worker it ended only
 * the thread, and the run failed as faultline's ("worker exited with code 0", exit 1). The
 * command ends as a process.exit in its own thread does (see strayExitCode).
 */
export function strayExitMessage(code: unknown): string {
  return STRAY_EXIT_MARK + String(code ?? '');
}

/** The code of a process.exit that a strayExitMessage reports ('' for none), or null for any other message. */
export function strayExitCode(message: string): string | null {
  return message.startsWith(STRAY_EXIT_MARK) ? message.slice(STRAY_EXIT_MARK.length) : null;
}

/** Simulated time between two 'host.stats' reports of a busy node, when telemetry is on. */
export const HOST_STATS_US = 100_000;

/** Where a runtime's outputs go: straight into the world, or into a window's effect list. */
export interface RuntimeSink {
  /** A scale limit was reached (see Kernel.halt): the run must stop after this event. */
  halt(reason: string): void;
  traceEvent(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string): void;
  traceMessage(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string, ev: MsgEvent): void;
  /** A message a node sent while handling an event at `t`; it leaves at `departUs`. */
  send(from: NodeId, to: NodeId, msg: unknown, seal: Seal, departUs: Micros): void;
  telemetry(t: Micros, node: NodeId, name: string, fields: Readonly<Record<string, string | number | boolean>>): void;
  violate(t: Micros, check: string, node: NodeId, message: string): void;
  /** Called after every node event has run (invariant checkers in-process). */
  afterEvent(node: NodeId): void;
  /** A node's status changed (so the kernel side can mirror it without touching the host). */
  statusChanged(t: Micros, node: NodeId, status: HostStatus): void;
}

/** Where a runtime's local events go: the kernel's queue, or the worker's own. */
export interface LocalScheduler {
  schedule(timeUs: Micros, key: number, ev: MsgEvent | TimerEvent): void;
  /** Timers one node may create in a run (tie keys); default ORIGIN_SEQ_MAX. */
  readonly originSeqMax?: number;
}

/** Commands the kernel sends a node (faults, lifecycle), applied at the current time. */
export type NodeCommand =
  | { kind: 'start' }
  | { kind: 'crash' }
  | { kind: 'shutdown' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  /** Puts fault layer `id` over one of the node's settings (see settings.ts). */
  | { [K in NodeSetting]: { kind: 'layer'; setting: K; id: number; value: NodeSettingValues[K] } }[NodeSetting]
  /** Caps the disk at the bytes in use now (only the runtime knows them): a capacity layer. */
  | { kind: 'diskFull'; id: number }
  | { kind: 'unlayer'; setting: NodeSetting; id: number }
  /** Steps the wall clock (an NTP step); the monotonic clock never moves with it. */
  | { kind: 'clockStep'; stepUs: Micros };

/** One message a handler sent: its own digest fields double as the Seal passed on. */
interface Outgoing extends Seal {
  to: NodeId;
  msg: unknown;
}

/** What a handler run delivers to the process (no closure per event: see runHandler). */
const RUN_MESSAGE = 0;
const RUN_TIMER = 1;
const RUN_START = 2;
const RUN_SHUTDOWN = 3;

/**
 * Calls a node's handler. A boundary the JIT does not see through: had V8 inlined a node's
 * handlers here (into the runtime's event loop), the loop became one unit too large for
 * the handlers' own callees to be inlined, and a run went 1.5x slower; whether it did
 * depended on which functions grew hot first, so one process ran fast and the next slow.
 * The call sites below are made megamorphic once, at load, by calling them with a few
 * stand-in processes of different classes, and V8 inlines no megamorphic call.
 */
function callProcess(p: Process, context: NodeContext, mode: RunMode, ev: MsgEvent | TimerEvent | null): void {
  switch (mode) {
    case RUN_MESSAGE: return p.onMessage((ev as MsgEvent).from, (ev as MsgEvent).msg);
    case RUN_TIMER: return p.onTimer((ev as TimerEvent).tag);
    case RUN_START: return p.start(context);
    case RUN_SHUTDOWN: return p.shutdown?.();
  }
}

{
  const standIns: Process[] = [
    new (class A { start(): void {} onMessage(): void {} onTimer(): void {} shutdown(): void {} })(),
    new (class B { start(): void {} onMessage(): void {} onTimer(): void {} shutdown(): void {} })(),
    new (class C { start(): void {} onMessage(): void {} onTimer(): void {} shutdown(): void {} })(),
    new (class D { start(): void {} onMessage(): void {} onTimer(): void {} shutdown(): void {} })(),
    new (class E { start(): void {} onMessage(): void {} onTimer(): void {} shutdown(): void {} })(),
  ];
  const msg = { k: EV_MSG, from: 0, msg: null } as unknown as MsgEvent;
  const timer = { k: EV_TIMER, tag: '' } as unknown as TimerEvent;
  // V8 records call targets only once a function has a feedback vector, which it gets
  // after its first few calls: hence rounds.
  for (let round = 0; round < 16; round++) {
    for (const p of standIns) {
      callProcess(p, null as unknown as NodeContext, RUN_START, null);
      callProcess(p, null as unknown as NodeContext, RUN_MESSAGE, msg);
      callProcess(p, null as unknown as NodeContext, RUN_TIMER, timer);
      callProcess(p, null as unknown as NodeContext, RUN_SHUTDOWN, null);
    }
  }
}

type RunMode = typeof RUN_MESSAGE | typeof RUN_TIMER | typeof RUN_START | typeof RUN_SHUTDOWN;

export class NodeRuntime {
  readonly hosts = new Map<NodeId, Host<MsgEvent | TimerEvent>>();
  /** The same hosts in an array by id (a hole for nodes elsewhere): one indexed read per event. */
  private readonly hostById: (Host<MsgEvent | TimerEvent> | undefined)[] = [];
  /** Timers each node has created (its timer origin's sequence), by node id. */
  private readonly timerSeq: number[] = [];
  private readonly timerSeqMax: number;
  private execNode = -1;
  private execNowUs = 0;
  /**
   * When > 0, each node reports 'host.stats' (CPU, memory, fsyncs) at most once per this
   * many µs of simulated time, after an event. Telemetry only: it never changes the run.
   */
  hostStatsUs = 0;
  /**
   * Reused for every event: it is drained before the next handler runs. Its records are
   * reused too (outCount of them hold this event's sends), so a send allocates nothing.
   */
  private readonly outbox: Outgoing[] = [];
  private outCount = 0;
  /** Seals what this runtime's nodes send (trace/canon.ts); one per runtime, never shared. */
  private readonly sealer = new Sealer();

  constructor(
    specs: ReadonlyMap<NodeId, NodeSpec>,
    private readonly nodeCount: number,
    private readonly streams: Streams,
    private readonly sink: RuntimeSink,
    private readonly local: LocalScheduler,
  ) {
    this.timerSeqMax = local.originSeqMax ?? ORIGIN_SEQ_MAX;
    for (const [id, spec] of specs) {
      if (id > NODE_ID_MAX) throw new Error(`node id ${id} exceeds ${NODE_ID_MAX}`);
      const h = new Host<MsgEvent | TimerEvent>(id, spec.role, spec.factory, new SimDisk(streams.get(`disk/${id}`), spec.disk), new Cpu({ ...DEFAULT_CPU, ...spec.cpu }), spec.memoryBytesMax ?? MEMORY_BYTES_MAX_DEFAULT);
      this.hosts.set(id, h);
      this.hostById[id] = h;
      this.timerSeq[id] = 0;
    }
  }

  host(id: NodeId): Host<MsgEvent | TimerEvent> {
    const h = this.hostById[id];
    if (h === undefined) throw new Error(`node ${id} is not in this runtime`);
    return h;
  }

  /** Runs one local event of `ev.node` at `t`; `key` is the event's tie key. */
  execute(ev: MsgEvent | TimerEvent, t: Micros, key: number): void {
    const h = this.host(ev.node);
    if (ev.k === EV_TIMER && (ev.incarnation !== h.incarnation || !h.liveTimers.has(ev.id))) return;
    if (h.status === 'down') {
      if (ev.k === EV_MSG) this.sink.traceMessage(t, ev.node, 'drop', ev.from, 'down', ev);
      return;
    }
    if (h.status === 'paused') {
      if (h.stash.length < STASH_MAX) h.stash.push({ key, ev });
      else if (ev.k === EV_MSG) this.sink.traceMessage(t, ev.node, 'drop', ev.from, 'paused-overflow', ev);
      return;
    }
    const armed = key === h.armedKey;
    if (armed) h.armedKey = -1;
    if (h.cpu.busyUntilUs > t) {
      if (armed) {
        // The head keeps its place: something else took the CPU at the same instant.
        h.armedKey = key;
        this.local.schedule(h.cpu.busyUntilUs, key, ev);
      } else {
        this.enqueueBusy(h, key, ev, t);
      }
      return;
    }
    if (ev.k === EV_MSG) {
      this.sink.traceMessage(t, ev.node, 'msg', ev.from, ev.type ?? '', ev);
      this.runHandler(ev.node, t, RUN_MESSAGE, ev);
    } else {
      h.liveTimers.delete(ev.id);
      this.sink.traceEvent(t, ev.node, 'timer', -1, ev.tag);
      this.runHandler(ev.node, t, RUN_TIMER, ev);
    }
  }

  /** Queues an event behind a busy CPU; the armed head goes back to the front. */
  private enqueueBusy(h: Host<MsgEvent | TimerEvent>, key: number, ev: MsgEvent | TimerEvent, t: Micros): void {
    if (h.armedKey === -1 && h.cpuQueue.length - h.cpuQueueHead === 0) {
      // Nothing waits: this event itself becomes the armed head.
      h.armedKey = key;
      this.local.schedule(h.cpu.busyUntilUs, key, ev);
      return;
    }
    if (h.cpuQueue.length - h.cpuQueueHead >= CPU_QUEUE_MAX) {
      if (ev.k === EV_MSG) this.sink.traceMessage(t, ev.node, 'drop', ev.from, 'cpu-queue-full', ev);
      return;
    }
    h.cpuQueue.push({ key, ev });
    this.armNext(h);
  }

  /** Schedules the oldest queued event for when the CPU frees up, if none is armed. */
  private armNext(h: Host<MsgEvent | TimerEvent>): void {
    if (h.armedKey !== -1 || h.cpuQueueHead >= h.cpuQueue.length) return;
    const next = h.cpuQueue[h.cpuQueueHead++];
    if (h.cpuQueueHead > 1024 && h.cpuQueueHead * 2 > h.cpuQueue.length) {
      h.cpuQueue.splice(0, h.cpuQueueHead);
      h.cpuQueueHead = 0;
    }
    h.armedKey = next.key;
    this.local.schedule(Math.max(h.cpu.busyUntilUs, 0), next.key, next.ev);
  }

  /** Applies a kernel command to a node at time `t`. */
  command(id: NodeId, cmd: NodeCommand, t: Micros): void {
    const h = this.host(id);
    switch (cmd.kind) {
      case 'start': return this.start(id, t);
      case 'crash': return this.crash(id, t, 'crash');
      case 'shutdown':
        if (h.status === 'up' && h.process?.shutdown !== undefined) this.runHandler(id, t, RUN_SHUTDOWN, null);
        return this.crash(id, t, 'crash');
      case 'pause':
        if (h.status !== 'up') return;
        h.status = 'paused';
        this.sink.statusChanged(t, id, 'paused');
        return this.sink.traceEvent(t, id, 'pause', -1, '');
      case 'resume':
        if (h.status !== 'paused') return;
        h.status = 'up';
        this.sink.statusChanged(t, id, 'up');
        this.sink.traceEvent(t, id, 'resume', -1, '');
        for (const s of h.stash) this.local.schedule(t, s.key, s.ev);
        h.stash.length = 0;
        return;
      case 'layer':
        return this.applySetting(h, cmd.setting, h.settings.addChecked(cmd.setting, cmd.id, cmd.value), t);
      case 'diskFull':
        return this.applySetting(h, 'capacityBytes', h.settings.add('capacityBytes', cmd.id, h.disk.bytesUsed), t);
      case 'unlayer':
        return this.applySetting(h, cmd.setting, h.settings.remove(cmd.setting, cmd.id), t);
      case 'clockStep':
        h.clock.step(t, cmd.stepUs);
        return;
    }
  }

  /** Carries a setting's new effective value into the part of the host that uses it. */
  private applySetting(h: Host<MsgEvent | TimerEvent>, k: NodeSetting, v: unknown, t: Micros): void {
    switch (k) {
      case 'throttle':
        h.cpu.throttle = v as number;
        return;
      case 'driftPpm':
        // Only a change rebases the clock, so a layer that repeats the value moves nothing.
        if (h.clock.driftPpm !== v) h.clock.setDrift(t, v as number);
        return;
      case 'startUs':
        h.cpu.profile = { ...h.cpu.profile, startUs: v as number };
        return;
      case 'ballastBytes':
        h.ballastBytes = v as number;
        if (h.status === 'up' && h.memoryBytes() > h.memoryBytesMax) this.crash(h.id, t, 'oom');
        return;
      case 'capacityBytes':
      case 'fsyncLies':
      case 'tornWriteProb':
      case 'readErrorProb':
      case 'fsyncSlowUs':
        h.disk.faults = { ...h.disk.faults, [k]: v };
        return;
    }
  }

  private start(id: NodeId, t: Micros): void {
    const h = this.host(id);
    if (h.status !== 'down') return;
    h.status = 'up';
    this.sink.statusChanged(t, id, 'up');
    h.process = h.factory(id);
    if (h.incarnation > 0) this.sink.traceEvent(t, id, 'restart', -1, '');
    h.context = this.contextFor(id, h.incarnation);
    this.runHandler(id, t, RUN_START, null);
  }

  private crash(id: NodeId, t: Micros, kind: TraceKind): void {
    const h = this.host(id);
    if (h.status === 'down') return;
    if (kind === 'oom') h.oomCrashes++;
    h.kill(t);
    this.sink.statusChanged(t, id, 'down');
    this.sink.traceEvent(t, id, kind, -1, '');
  }

  /** Calls the process's handler for `mode` (ev is the message or timer event, or null). */
  private invoke(h: Host<MsgEvent | TimerEvent>, mode: RunMode, ev: MsgEvent | TimerEvent | null): void {
    callProcess(h.process as Process, h.context as NodeContext, mode, ev);
  }

  private runHandler(id: NodeId, t: Micros, mode: RunMode, ev: MsgEvent | TimerEvent | null): void {
    const h = this.host(id);
    const kind = mode === RUN_MESSAGE ? 'msg' : mode === RUN_TIMER ? 'timer' : 'start';
    const msgType = mode === RUN_MESSAGE ? (ev as MsgEvent).type : undefined;
    this.execNode = id;
    this.execNowUs = t;
    this.outCount = 0;
    h.disk.fsyncCount = 0;
    h.cpu.chargedUs = 0;
    try {
      this.invoke(h, mode, ev);
    } catch (e) {
      this.execNode = -1;
      if (e instanceof RunEndingError) throw e;
      this.sink.violate(t, 'process-threw', id, `node ${id} threw while handling ${kind}${msgType ? ` ${msgType}` : ''}: ${e instanceof Error ? e.message : String(e)}`);
      this.crash(id, t, 'crash');
      return;
    }
    this.execNode = -1;
    const serviceUs = h.cpu.serviceUs(kind, msgType, h.disk.fsyncCount, h.cpu.chargedUs);
    h.cpu.busyUntilUs = t + serviceUs;
    h.cpu.busyTotalUs += serviceUs;
    h.fsyncTotal += h.disk.fsyncCount;
    const out = this.outbox;
    for (let i = 0, n = this.outCount; i < n; i++) {
      const o = out[i];
      this.sink.send(id, o.to, o.msg, o, t + serviceUs);
      o.msg = null; // The record is reused; it must not keep the message alive.
    }
    this.outCount = 0;
    if (h.memoryBytes() > h.memoryBytesMax) this.crash(id, t, 'oom');
    else {
      this.armNext(h);
      if (this.hostStatsUs > 0 && t >= h.statsNextUs) this.reportHost(id, h, t);
    }
    this.sink.afterEvent(id);
  }

  /** One 'host.stats' event; the next is due at the next multiple of hostStatsUs. */
  private reportHost(id: NodeId, h: Host<MsgEvent | TimerEvent>, t: Micros): void {
    h.statsNextUs = (Math.floor(t / this.hostStatsUs) + 1) * this.hostStatsUs;
    this.sink.telemetry(t, id, 'host.stats', {
      cpuBusyUs: h.cpu.busyTotalUs, cpuQueue: h.cpuQueue.length - h.cpuQueueHead + (h.armedKey === -1 ? 0 : 1), memoryBytes: h.memoryBytes(), fsyncs: h.fsyncTotal,
    });
  }

  private contextFor(id: NodeId, incarnation: number): NodeContext {
    const h = this.host(id);
    const rt = this;
    const random = this.streams.get(`node/${id}/${incarnation}`);
    const telemetry: TelemetrySink = {
      emit: (name, fields = {}) => rt.sink.telemetry(rt.execNowUs, id, name, fields),
    };
    const host: HostProbe = {
      memoryBytes: () => h.memoryBytes(),
      get memoryBytesMax() { return h.memoryBytesMax; },
      diskBytesUsed: () => h.disk.bytesUsed,
      diskBytesMax: () => h.disk.faults.capacityBytes,
      cpuBusyUs: () => h.cpu.busyTotalUs,
    };
    return {
      id,
      random,
      disk: h.disk,
      telemetry,
      host,
      now: () => h.clock.local(rt.execNowUs),
      monotonic: () => h.clock.monotonic(rt.execNowUs),
      send(to: NodeId, msg: unknown): void {
        rt.assertExecuting(id, incarnation, 'send');
        if (!(Number.isInteger(to) && to >= 0 && to < rt.nodeCount)) throw noNodeError(to);
        // Sealing here, inside the sender's handler, makes a non-JSON message the sender's fault.
        let o = rt.outbox[rt.outCount];
        if (o === undefined) {
          o = { to: 0, msg: null, d1: 0, d2: 0, sizeBytes: 0 };
          rt.outbox.push(o);
        }
        rt.sealer.sealInto(msg, o);
        o.to = to;
        o.msg = msg;
        rt.outCount++;
      },
      setTimer(afterUs: Micros, tag: string): number {
        rt.assertExecuting(id, incarnation, 'setTimer');
        if (!(afterUs >= 0 && afterUs < Infinity) || h.liveTimers.size >= TIMERS_MAX) throw setTimerError(id, afterUs);
        const timerId = h.timerIdNext++;
        h.liveTimers.add(timerId);
        const at = rt.execNowUs + h.clock.toTrueDuration(Math.round(afterUs));
        const next = rt.timerSeq[id];
        rt.timerSeq[id] = next + 1;
        // Past the limit the key would spill into another origin's range: halt the run (the
        // timers scheduled under the last key never fire, so their order does not matter).
        if (next === rt.timerSeqMax) rt.sink.halt(originLimitReason(`node ${id} (its timers)`, rt.timerSeqMax, rt.execNowUs));
        const seq = Math.min(next, rt.timerSeqMax - 1);
        rt.local.schedule(at, tieKey(id, TIMER_ORIGIN_BASE + id, seq), { k: EV_TIMER, node: id, id: timerId, tag, incarnation });
        return timerId;
      },
      cancelTimer(timerId: number): void {
        h.liveTimers.delete(timerId);
      },
      chargeCpu(us: Micros): void {
        rt.assertExecuting(id, incarnation, 'chargeCpu');
        if (!(us >= 0 && Number.isFinite(us))) throw chargeCpuError(us);
        h.cpu.chargedUs += us;
      },
    };
  }

  private assertExecuting(id: NodeId, incarnation: number, what: string): void {
    if (this.execNode !== id || this.host(id).incarnation !== incarnation) throw outsideHandlerError(what, id);
  }
}

// The errors of the node context, built out of line: a template literal in a hot function
// grows it past what V8 inlines (see Kernel's pastTimeError).
function noNodeError(to: unknown): Error {
  return new Error(`send: no node ${String(to)}`);
}

function setTimerError(id: NodeId, afterUs: Micros): Error {
  return new Error(afterUs >= 0 && afterUs < Infinity ? `setTimer: node ${id} holds ${TIMERS_MAX} timers` : `setTimer: delay must be a finite number of µs >= 0, got ${afterUs}${afterUs === Infinity ? ' (a timer that never fires: set none)' : ''}`);
}

function chargeCpuError(us: Micros): Error {
  return new Error(`chargeCpu: cost must be a finite number >= 0, got ${us}`);
}

function outsideHandlerError(what: string, id: NodeId): Error {
  return new Error(`${what} called by node ${id} outside its own event handler`);
}
