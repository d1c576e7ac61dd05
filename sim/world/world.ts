// The world: the kernel, the network and the trace, driving node runtimes.
//
// Contract: everything that happens in a run is an event executed by the kernel in
// canonical order, and everything observable (deliveries, timers, faults, drops, crashes)
// is recorded in the trace in that order. Node-local work (processes, disks, CPUs,
// clocks) happens in a NodeRuntime (sim/host/runtime.ts); the world owns what is shared:
// time, the network, partitions, scheduled actions, checks. A message is deep-frozen when
// sent (trace/canon), so nodes may share it but never change it; a node that tries throws,
// and a process that throws is a bug in the process: the world records a violation and
// crashes that node.
import type { Micros, NodeId } from '../../core/env.ts';
import type { Host, HostStatus } from '../host/host.ts';
import { NODE_ID_MAX, NodeRuntime, type NodeCommand, type NodeSpec, type RuntimeSink } from '../host/runtime.ts';
import { Kernel, KERNEL_ORIGIN, type RunLimits, type StopReason } from '../kernel/kernel.ts';
import { DROP_REASONS, Network, type NetOp, type PartitionShape } from '../net/network.ts';
import { DEFAULT_LINK, type LinkProfile } from '../net/link.ts';
import { Sealer, type Seal } from '../trace/canon.ts';
import { Trace, type TraceKind } from '../trace/trace.ts';
import { EventQueue } from '../kernel/eventQueue.ts';
import { formatMicros } from '../kernel/time.ts';
import type { Inconclusive } from '../check/verdict.ts';
import { EV_ACTION, EV_MSG, type ActionEvent, type MsgEvent, type SimEvent, type TimerEvent } from './events.ts';

export type { NodeSpec } from '../host/runtime.ts';
export { MEMORY_BYTES_MAX_DEFAULT } from '../host/runtime.ts';

export interface WorldConfig {
  seed: string;
  nodes: NodeSpec[];
  link?: Partial<LinkProfile>;
  /** The minimum link latency L > 0, µs. */
  latencyFloorUs?: Micros;
  retainTrace?: boolean;
  /**
   * True when the nodes run elsewhere (worker runtimes driven by sim/workers/lockstep):
   * the world then keeps no hosts, and node commands queue up for the driver.
   */
  remote?: boolean;
  /** Events one origin may create (tie keys); below the default only in tests of that limit. */
  originSeqMax?: number;
}

/** A node command issued by a kernel action while the nodes run remotely. */
export interface PendingCommand {
  node: NodeId;
  cmd: NodeCommand;
}

export interface Violation {
  t: Micros;
  check: string;
  node: NodeId | null;
  /** What broke, bounded to a few kilobytes where the check can produce more. */
  message: string;
  /**
   * The whole text behind a bounded message (a linearizability failure's every operation
   * and step), when there is more than the message holds. Reports leave it out; the CLI
   * writes it to a file (see cli/explanations.ts).
   */
  detail?: string;
}

export interface InFlight {
  from: NodeId;
  to: NodeId;
  type: string;
  sentUs: Micros;
  arriveUs: Micros;
  corrupted: boolean;
}

/** A send tap: the message and its canonical size; it may observe, never change, the message. */
export type SendTap = (from: NodeId, to: NodeId, msg: unknown, sizeBytes: number) => void;

/**
 * What one scheduled fault touches, and when (sim/faults/reach.ts): servers whose process,
 * host, clock or disk it changes (`nodes`; every node when `all`), directed links it cuts
 * (`cuts`) and links whose profile it changes (`links`), over [fromUs, toUs). For checks
 * that judge only what runs free of faults.
 */
export interface FaultReach {
  fromUs: Micros;
  toUs: Micros;
  nodes: readonly NodeId[];
  all: boolean;
  cuts: readonly (readonly [NodeId, NodeId])[];
  links: readonly (readonly [NodeId, NodeId])[];
}

export type TelemetryListener = (t: Micros, node: NodeId, name: string, fields: Readonly<Record<string, string | number | boolean>>) => void;

export class World implements RuntimeSink {
  readonly kernel: Kernel<SimEvent>;
  readonly net: Network;
  readonly trace: Trace;
  readonly violations: Violation[] = [];
  /** Checks that could not decide, and why (see sim/check/verdict.ts). */
  readonly inconclusive: Inconclusive[] = [];
  readonly runtime: NodeRuntime | null;
  /** The hosts, by node id: the runtime's own objects in-process; empty when remote. */
  readonly hosts: Host<MsgEvent | TimerEvent>[];
  /** Each node's status as last reported by its runtime: readable in every mode. */
  readonly status: HostStatus[];
  /** Node commands waiting for the lockstep driver (remote mode only). */
  readonly pendingCommands: PendingCommand[] = [];
  /**
   * Remote mode keeps kernel actions apart from messages, so the lockstep driver finds the
   * next action in O(1); keys come from the same counters, so the order is unchanged.
   */
  readonly actions: EventQueue<ActionEvent> | null;
  /**
   * Remote mode: every change made to the network's links, in order (Network.mirror), for
   * lockstep runners that transmit their nodes' messages on copies of it.
   */
  readonly netLog: NetOp[] = [];
  /** Node events executed by remote runtimes (added to the kernel's count for reports). */
  remoteExecuted = 0;
  /** Crashes of any cause, and out-of-memory crashes among them. */
  crashCount = 0;
  oomCount = 0;
  private readonly telemetryListeners: TelemetryListener[] = [];
  private readonly afterEventHooks: ((node: NodeId) => void)[] = [];
  private readonly sendTaps: SendTap[] = [];
  /** Checks scheduled with checkAt that have not run yet, by name and time. */
  private readonly pendingChecks = new Map<number, { check: string; atUs: Micros }>();
  private pendingCheckNext = 0;
  private readonly concludeHooks: (() => void)[] = [];
  private concluded = false;
  private layerIdNext = 1;
  /** Seals injected and corrupted messages (trace/canon.ts); the world's own. */
  private readonly sealer = new Sealer();
  private readonly statusListeners: ((node: NodeId, status: HostStatus) => void)[] = [];
  private readonly reachListeners: ((r: FaultReach) => void)[] = [];
  /** Nodes taken out of service for good (see retire): no later start brings them back. */
  readonly retired = new Set<NodeId>();
  /** Nodes whose messages the world itself serves (a control plane): see serveEndpoint. */
  private readonly endpoints = new Map<NodeId, (from: NodeId, msg: unknown) => void>();

  constructor(readonly config: WorldConfig) {
    const n = config.nodes.length;
    if (n < 1 || n > NODE_ID_MAX + 1) throw new Error(`World: node count must be in [1, ${NODE_ID_MAX + 1}]`);
    this.kernel = new Kernel<SimEvent>(config.seed, (ev, t) => this.execute(ev, t), config.originSeqMax);
    this.net = new Network(n, config.latencyFloorUs ?? 500, this.kernel.streams, { ...DEFAULT_LINK, ...config.link });
    this.trace = new Trace(config.retainTrace ?? false);
    this.status = config.nodes.map(() => 'down');
    const kernel = this.kernel;
    this.actions = config.remote ? new EventQueue<ActionEvent>() : null;
    if (config.remote) {
      this.net.mirror = (op) => this.netLog.push(op);
      this.runtime = null;
      this.hosts = [];
      return;
    }
    const rt = new NodeRuntime(new Map(config.nodes.map((s, id) => [id, s])), n, kernel.streams, this, {
      schedule: (timeUs, key, ev) => kernel.reschedule(timeUs, key, ev),
      originSeqMax: kernel.originSeqMax,
    });
    this.runtime = rt;
    this.hosts = config.nodes.map((_, id) => rt.host(id));
  }

  /** Why the run stopped before its end (a scale limit), or null while it can run on. */
  get haltedBy(): string | null {
    return this.kernel.halted;
  }

  /**
   * Stops the run for good because a scale limit was reached (the event limit, an origin's
   * tie keys): no event runs after the current one, and the run is inconclusive.
   */
  halt(reason: string): void {
    this.kernel.halt(reason);
  }

  /** Events executed so far, wherever they ran. */
  get executed(): number {
    return this.kernel.executed + this.remoteExecuted;
  }

  get nowUs(): Micros {
    return this.kernel.nowUs;
  }

  get nodeCount(): number {
    return this.config.nodes.length;
  }

  onTelemetry(l: TelemetryListener): void {
    this.telemetryListeners.push(l);
  }

  /** A fresh id for a fault layer over a node or link setting (sim/kernel/layered.ts). */
  newLayerId(): number {
    return this.layerIdNext++;
  }

  /** Called after every executed node event with the node's id (invariant checkers). */
  onAfterEvent(f: (node: NodeId) => void): void {
    this.afterEventHooks.push(f);
  }

  /** Called for every message a node sends, before the network decides its fate (nemesis taps, telemetry). */
  onSend(f: SendTap): void {
    this.sendTaps.push(f);
  }

  /**
   * Delivers a message that no node sent (a byzantine adversary: forged sender, replayed
   * or malformed message) to `to` at `atUs`, claiming to come from `from`. It bypasses the
   * network's loss and partitions, as an attacker on the wire would.
   */
  injectMessage(atUs: Micros, from: NodeId, to: NodeId, msg: unknown): void {
    if (!(to >= 0 && to < this.nodeCount)) throw new Error(`injectMessage: no node ${to}`);
    const seal = this.sealer.seal(msg);
    const t = Math.max(atUs, this.kernel.nowUs);
    this.kernel.schedule(t, to, KERNEL_ORIGIN, { k: EV_MSG, node: to, from, msg, d1: seal.d1, d2: seal.d2, type: typeOf(msg), corrupted: true, sentUs: t });
  }

  violate(check: string, node: NodeId | null, message: string, detail?: string): void;
  violate(t: Micros, check: string, node: NodeId, message: string): void;
  violate(a: string | Micros, b: string | NodeId | null, c: NodeId | null | string, d?: string): void {
    if (typeof a === 'number') this.violations.push({ t: a, check: b as string, node: c as NodeId, message: d as string });
    else this.violations.push({ t: this.kernel.nowUs, check: a, node: b as NodeId | null, message: c as string, ...(d === undefined ? {} : { detail: d }) });
  }

  /** Records that `check` could not decide, and why; the run is then inconclusive unless it failed. */
  cannotDecide(check: string, reason: string): void {
    this.inconclusive.push({ check, reason });
  }

  /**
   * Schedules a check at an absolute time (the trace names it `check NAME` unless
   * `actionName` says otherwise). A check that
   * has not run when the run's checks are concluded (the run stopped early) is recorded as
   * inconclusive, so no scheduled check can pass by never running.
   */
  checkAt(timeUs: Micros, check: string, run: () => void, actionName = `check ${check}`): void {
    const id = this.pendingCheckNext++;
    this.pendingChecks.set(id, { check, atUs: timeUs });
    this.at(timeUs, actionName, () => {
      this.pendingChecks.delete(id);
      run();
    });
  }

  /** Called once when the run's checks are concluded, before the verdict (end-of-run checks that report inconclusive). */
  onConclude(f: () => void): void {
    this.concludeHooks.push(f);
  }

  /**
   * Ends the run's checking: runs the conclude hooks and records every scheduled check
   * that never ran as inconclusive. Idempotent; reports call it before reading the verdict.
   */
  concludeChecks(): void {
    if (this.concluded) return;
    this.concluded = true;
    // The root cause first: everything else a halted run could not decide follows from it.
    if (this.haltedBy !== null) this.inconclusive.unshift({ check: 'scale-limit', reason: this.haltedBy });
    for (const f of this.concludeHooks) f();
    for (const { check, atUs } of this.pendingChecks.values()) {
      this.cannotDecide(check, `the run ${this.haltedBy === null ? 'ended' : 'was stopped by a scale limit'} at ${formatMicros(this.nowUs)}, before this check's time ${formatMicros(atUs)}`);
    }
    this.pendingChecks.clear();
  }

  /** Boots every node at time 0, except those whose spec says `boot: false` (idle spares). */
  boot(): void {
    for (let id = 0; id < this.nodeCount; id++) {
      if (this.config.nodes[id].boot === false) continue;
      this.at(0, `boot ${id}`, () => this.command(id, { kind: 'start' }), id);
    }
  }

  /**
   * Makes node `id` an endpoint the world serves itself, like infrastructure outside the
   * cluster (a control plane): messages sent to it cross the network as any message does
   * (latency, loss, partitions), and on arrival `handler` runs as a world action instead of
   * a process. It answers with `sendFrom`. The node's own spec should not boot.
   */
  serveEndpoint(id: NodeId, handler: (from: NodeId, msg: unknown) => void): void {
    if (!(id >= 0 && id < this.nodeCount)) throw new Error(`serveEndpoint: no node ${id}`);
    this.endpoints.set(id, handler);
  }

  /** Sends a message from an endpoint (see serveEndpoint) now, through the network. */
  sendFrom(from: NodeId, to: NodeId, msg: unknown): void {
    this.send(from, to, msg, this.sealer.seal(msg), this.kernel.nowUs);
  }

  /** Schedules a world action (a fault, a heal) at an absolute time. */
  at(timeUs: Micros, name: string, run: () => void, node: NodeId = KERNEL_ORIGIN): void {
    const t = Math.max(timeUs, this.kernel.nowUs);
    const ev: ActionEvent = { k: EV_ACTION, node, name, run };
    if (this.actions !== null) this.actions.push(t, this.kernel.nextKey(node, KERNEL_ORIGIN), ev);
    else this.kernel.schedule(t, node, KERNEL_ORIGIN, ev);
  }

  run(limits: RunLimits): StopReason {
    return this.kernel.run(limits);
  }

  /** Applies a command (lifecycle or fault) to a node now. A retired node is never started again. */
  command(id: NodeId, cmd: NodeCommand): void {
    if (!(id >= 0 && id < this.nodeCount)) throw new Error(`command: no node ${id}`);
    if (cmd.kind === 'start' && this.retired.has(id)) {
      this.note(id, 'start-refused', 'the node is retired');
      return;
    }
    if (this.runtime === null) {
      this.pendingCommands.push({ node: id, cmd });
      return;
    }
    this.runtime.command(id, cmd, this.kernel.nowUs);
  }

  startNode(id: NodeId): void {
    this.command(id, { kind: 'start' });
  }

  /**
   * Takes a node out of service for good, as an operator decommissions a server removed
   * from the cluster: it shuts down now, and any later start (a fault's restart) is refused.
   * Checks that compare every node (the log checks' eviction floor) stop counting it.
   */
  retire(id: NodeId): void {
    this.retired.add(id);
    this.shutdownNode(id);
  }

  crashNode(id: NodeId): void {
    this.command(id, { kind: 'crash' });
  }

  shutdownNode(id: NodeId): void {
    this.command(id, { kind: 'shutdown' });
  }

  pauseNode(id: NodeId): void {
    this.command(id, { kind: 'pause' });
  }

  resumeNode(id: NodeId): void {
    this.command(id, { kind: 'resume' });
  }

  partition(shape: PartitionShape): number {
    return this.net.partition(shape);
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

  private execute(ev: SimEvent, t: Micros): void {
    if (ev.k === EV_ACTION) {
      this.trace.record(t, ev.node === KERNEL_ORIGIN ? -1 : ev.node, 'fault', -1, ev.name, '');
      ev.run();
      return;
    }
    if (this.runtime === null) throw new Error('World: a node event reached the kernel in remote mode');
    this.runtime.execute(ev, t, this.kernel.currentKey);
  }

  statusChanged(_t: Micros, node: NodeId, status: HostStatus): void {
    this.status[node] = status;
    for (const l of this.statusListeners) l(node, status);
  }

  /** Called for every fault as it is scheduled (a leader fault: when it finds its target), with what it touches. */
  onFaultReach(f: (r: FaultReach) => void): void {
    this.reachListeners.push(f);
  }

  /** Tells the onFaultReach listeners what a fault being scheduled touches (sim/faults/schedule.ts). */
  faultReach(r: FaultReach): void {
    for (const l of this.reachListeners) l(r);
  }

  /** Called whenever a node's status changes (up, down, paused), wherever the node runs. */
  onStatusChange(f: (node: NodeId, status: HostStatus) => void): void {
    this.statusListeners.push(f);
  }

  // ---- RuntimeSink: what node runtimes report ----

  traceEvent(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string): void {
    if (kind === 'crash' || kind === 'oom') this.crashCount++;
    if (kind === 'oom') this.oomCount++;
    this.trace.record(t, node, kind, from, tag, '');
  }

  traceMessage(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string, ev: MsgEvent): void {
    this.trace.recordMessage(t, node, kind, from, tag, ev.d1, ev.d2, ev.msg);
  }

  telemetry(t: Micros, node: NodeId, name: string, fields: Readonly<Record<string, string | number | boolean>>): void {
    const ls = this.telemetryListeners;
    for (let i = 0; i < ls.length; i++) ls[i](t, node, name, fields);
  }

  afterEvent(node: NodeId): void {
    const hooks = this.afterEventHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i](node);
  }

  /** Whether anything listens to sends (onSend), and whether any node is served by the world (serveEndpoint). */
  get hasSendTaps(): boolean {
    return this.sendTaps.length > 0;
  }

  get hasEndpoints(): boolean {
    return this.endpoints.size > 0;
  }

  /** Tells the send taps of a message a lockstep runner transmitted itself (send does this for the rest). */
  tapSend(from: NodeId, to: NodeId, msg: unknown, sizeBytes: number): void {
    const taps = this.sendTaps;
    for (let i = 0; i < taps.length; i++) taps[i](from, to, msg, sizeBytes);
  }

  send(from: NodeId, to: NodeId, msg: unknown, seal: Seal, departUs: Micros): void {
    const taps = this.sendTaps;
    for (let i = 0; i < taps.length; i++) taps[i](from, to, msg, seal.sizeBytes);
    const type = typeOf(msg);
    const net = this.net;
    const n = net.transmitFast(departUs, from, to, msg, seal.sizeBytes);
    if (n < 0) {
      this.trace.recordMessage(this.kernel.nowUs, to, 'drop', from, DROP_REASONS[-1 - n], seal.d1, seal.d2, msg);
      return;
    }
    const endpoint = this.endpoints.size === 0 ? undefined : this.endpoints.get(to);
    if (endpoint !== undefined) {
      for (let c = 0; c < n; c++) {
        const m = net.deliveredMsg[c];
        this.at(net.arrivalUs[c], `${type ?? 'msg'} n${from}->n${to}`, () => endpoint(from, m));
      }
      return;
    }
    for (let c = 0; c < n; c++) {
      const m = net.deliveredMsg[c];
      net.deliveredMsg[c] = null;
      if (net.corrupted[c]) {
        const s = this.sealer.seal(m);
        this.kernel.schedule(net.arrivalUs[c], to, from, { k: EV_MSG, node: to, from, msg: m, d1: s.d1, d2: s.d2, type: typeOf(m), corrupted: true, sentUs: departUs });
      } else {
        this.kernel.schedule(net.arrivalUs[c], to, from, { k: EV_MSG, node: to, from, msg: m, d1: seal.d1, d2: seal.d2, type, corrupted: false, sentUs: departUs });
      }
    }
  }
}

export function typeOf(msg: unknown): string | undefined {
  if (msg !== null && typeof msg === 'object') {
    const t = (msg as { type?: unknown }).type;
    if (typeof t === 'string') return t;
  }
  return undefined;
}
