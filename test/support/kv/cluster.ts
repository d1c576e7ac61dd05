// Test helper: a few KvServers on a hand-driven event queue, for unit tests of the server
// (core/kv/server.test.ts) that must run in milliseconds (each runs against every mutant of
// core/kv/server.ts in `npm run mutation`).
//
// Contract: one virtual clock (now = monotonic, no skew); every message takes `latencyUs`
// (JSON-copied, as a network would); timers fire at their time; ties go in the order they
// were scheduled. Disks are MemDisks (volatile writes, fsync, crash); `fsyncDelayUs` turns on
// the server's disk-time path. Every telemetry event is kept with its node and time; nodes
// with ids of at least `servers` are clients whose inbound messages are kept in `inbox`.
// `drop(from, to)` cuts links. Crash forgets the process and its unsynced writes; restart
// starts a new process on the same disk. The telemetry also feeds the simulator's own
// checkers of it (sim/check: RaftLogChecks, ReadBasisCheck); what they find is in
// `violations`, so a test can assert that the server told them the truth.
import type { DiskPort, Micros, NodeContext, NodeId } from '../../../core/env.ts';
import { seal } from '../../../core/kv/integrity.ts';
import { KvServer, type KvServerConfig } from '../../../core/kv/server.ts';
import type { KvOp } from '../../../core/kv/types.ts';
import type { TelemetryFields, TelemetryValue } from '../../../core/telemetry/sink.ts';
import { RaftLogChecks } from '../../../sim/check/raftLogChecks.ts';
import { ReadBasisCheck } from '../../../sim/check/readBasis.ts';
import type { World } from '../../../sim/world/world.ts';
import { MemDisk, type CrashOptions } from '../raft/testDisk.ts';
import { seeded } from '../seeded.ts';

export interface Emitted {
  t: Micros;
  node: NodeId;
  name: string;
  f: Record<string, TelemetryValue>;
}

export interface Received {
  t: Micros;
  from: NodeId;
  msg: Record<string, unknown>;
}

type Ev =
  | { at: Micros; seq: number; kind: 'msg'; to: NodeId; from: NodeId; msg: unknown; epoch: number }
  | { at: Micros; seq: number; kind: 'timer'; to: NodeId; tag: string; id: number; epoch: number };

/** A disk whose fsync takes `delayUs` (0: the server persists synchronously). */
export class TimedDisk extends MemDisk {
  delayUs = 0;
  fsyncDelayUs(): Micros {
    return this.delayUs;
  }
}

export function serverConfig(over: Partial<KvServerConfig> = {}): KvServerConfig {
  return {
    voters: [0, 1, 2], learners: [], tickUs: 10_000, electionTicks: 10, heartbeatTicks: 2, preVote: false, checkQuorum: false,
    readMode: 'safe', clockDriftMax: 0.1, maxInflight: 64, maxEntriesPerMsg: 64, snapshotEvery: 1000, bugs: {}, ...over,
  };
}

export class Cluster {
  t: Micros = 0;
  latencyUs: Micros = 1_000;
  readonly servers: (KvServer | null)[];
  readonly disks: TimedDisk[];
  readonly tel: Emitted[] = [];
  readonly inbox = new Map<NodeId, Received[]>();
  /** Links cut: a message from `from` to `to` is lost when this says so. */
  drop: (from: NodeId, to: NodeId) => boolean = () => false;
  /** Messages each server sent, in order (Raft's and answers). */
  readonly sent: { t: Micros; from: NodeId; to: NodeId; msg: Record<string, unknown> }[] = [];
  private queue: Ev[] = [];
  private seq = 0;
  private timerId = 0;
  private readonly cancelled = new Set<number>();
  private readonly epochs: number[];
  private readonly configs: KvServerConfig[];
  /** What sim/check's checkers found: "check node: message". */
  readonly violations: string[] = [];
  private readonly listeners: ((t: Micros, node: NodeId, name: string, f: TelemetryFields) => void)[] = [];

  constructor(readonly n: number, over: Partial<KvServerConfig> | ((id: NodeId) => Partial<KvServerConfig>) = {}, readonly seed = 's') {
    const voters = Array.from({ length: n }, (_, i) => i);
    this.configs = voters.map((id) => serverConfig({ voters, ...(typeof over === 'function' ? over(id) : over) }));
    this.servers = voters.map(() => null);
    this.disks = voters.map(() => new TimedDisk());
    this.epochs = voters.map(() => 0);
    // The checkers see only this much of a World.
    const world = {
      onTelemetry: (cb: (t: Micros, node: NodeId, name: string, f: TelemetryFields) => void) => { this.listeners.push(cb); },
      onConclude: () => {},
      violate: (...args: unknown[]) => { this.violations.push(args.map(String).join(' ')); },
      cannotDecide: (check: string, why: string) => { this.violations.push(`undecided ${check}: ${why}`); },
      retired: new Set<NodeId>(),
    } as unknown as World;
    new RaftLogChecks(world);
    new ReadBasisCheck(world);
  }

  /** Starts (or restarts) server `id` on its disk; `make` builds the process (default KvServer). */
  start(id: NodeId, make: (c: KvServerConfig) => KvServer = (c) => new KvServer(c)): KvServer {
    const s = make(this.configs[id]);
    this.servers[id] = s;
    s.start(this.ctx(id));
    return s;
  }

  startAll(): this {
    for (let i = 0; i < this.n; i++) this.start(i);
    return this;
  }

  /** Crashes server `id`: its timers and messages in flight to it are lost, and its unsynced writes. */
  crash(id: NodeId, opts: CrashOptions = {}): void {
    this.servers[id] = null;
    this.epochs[id]++;
    this.disks[id].crash(opts);
  }

  server(id: NodeId): KvServer {
    const s = this.servers[id];
    if (s === null) throw new Error(`server ${id} is down`);
    return s;
  }

  private ctx(id: NodeId): NodeContext {
    const epoch = this.epochs[id];
    const disk: DiskPort = this.disks[id];
    return {
      id, now: () => this.t, monotonic: () => this.t, random: seeded(`${this.seed}/${id}/${epoch}`), disk,
      send: (to, msg) => {
        const copy = JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
        this.sent.push({ t: this.t, from: id, to, msg: copy });
        this.post(id, to, copy);
      },
      setTimer: (afterUs, tag) => {
        const tid = ++this.timerId;
        this.push({ at: this.t + afterUs, seq: ++this.seq, kind: 'timer', to: id, tag, id: tid, epoch });
        return tid;
      },
      cancelTimer: (tid) => { this.cancelled.add(tid); },
      telemetry: {
        emit: (name, f = {}) => {
          this.tel.push({ t: this.t, node: id, name, f: { ...f } });
          for (const l of this.listeners) l(this.t, id, name, f);
        },
      },
    };
  }

  private push(e: Ev): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > e.at || (this.queue[i - 1].at === e.at && this.queue[i - 1].seq > e.seq))) i--;
    this.queue.splice(i, 0, e);
  }

  private post(from: NodeId, to: NodeId, msg: unknown): void {
    if (this.drop(from, to)) return;
    this.push({ at: this.t + this.latencyUs, seq: ++this.seq, kind: 'msg', to, from, msg, epoch: to < this.n ? this.epochs[to] : 0 });
  }

  /** A client (id >= n) sends `msg` to server `to`, sealed unless `raw`. */
  clientSend(from: NodeId, to: NodeId, msg: object, raw = false): void {
    this.post(from, to, raw ? msg : JSON.parse(JSON.stringify(seal({ ...msg }))));
  }

  /** Delivers `msg` to server `to` now, as if from `from` (no latency, no copy). */
  deliverNow(from: NodeId, to: NodeId, msg: unknown): void {
    this.server(to).onMessage(from, msg);
  }

  runUntil(tUs: Micros): void {
    for (;;) {
      const e = this.queue[0];
      if (e === undefined || e.at > tUs) break;
      this.queue.shift();
      this.t = e.at;
      if (e.kind === 'timer') {
        if (this.cancelled.has(e.id) || e.epoch !== this.epochs[e.to]) continue;
        this.servers[e.to]?.onTimer(e.tag);
      } else if (e.to >= this.n) {
        const box = this.inbox.get(e.to) ?? [];
        box.push({ t: this.t, from: e.from, msg: e.msg as Record<string, unknown> });
        this.inbox.set(e.to, box);
      } else if (e.epoch === this.epochs[e.to]) this.servers[e.to]?.onMessage(e.from, e.msg);
    }
    this.t = Math.max(this.t, tUs);
  }

  runFor(us: Micros): void {
    this.runUntil(this.t + us);
  }

  /** Runs until `pred` holds (checked after each step of 1 ms), at most `maxUs`; throws if it never does. */
  runUntilTrue(pred: () => boolean, maxUs: Micros = 5_000_000): void {
    const end = this.t + maxUs;
    while (!pred()) {
      if (this.t >= end) throw new Error(`condition not reached by t=${this.t}`);
      this.runFor(1_000);
    }
  }

  role(id: NodeId): string {
    return this.servers[id]?.inspect().role ?? 'down';
  }

  details(id: NodeId): Record<string, unknown> {
    return this.server(id).inspect().details ?? {};
  }

  /** The one server that is leader (of the highest term among leaders), or -1. */
  leader(): NodeId {
    let best = -1;
    let bestTerm = -1;
    for (let i = 0; i < this.n; i++) {
      if (this.role(i) !== 'leader') continue;
      const term = this.details(i).term as number;
      if (term > bestTerm) [best, bestTerm] = [i, term];
    }
    return best;
  }

  /** Runs until some server leads; returns it. */
  elect(maxUs: Micros = 5_000_000): NodeId {
    this.runUntilTrue(() => this.leader() !== -1, maxUs);
    return this.leader();
  }

  events(name: string, node?: NodeId): Emitted[] {
    return this.tel.filter((e) => e.name === name && (node === undefined || e.node === node));
  }

  /** Answers client `id` received, unsealed fields only (sum dropped). */
  answers(id: NodeId): Record<string, unknown>[] {
    return (this.inbox.get(id) ?? []).map((r) => {
      const { sum: _sum, ...rest } = r.msg;
      return rest;
    });
  }

  register(client: NodeId, to: NodeId, nonce: string, rid = 1, count = 1): void {
    this.clientSend(client, to, { type: 'kv.register', rid, nonce, count });
  }

  request(client: NodeId, to: NodeId, clientId: number, rid: number, seq: number, op: KvOp): void {
    this.clientSend(client, to, { type: 'kv.req', clientId, rid, seq, op });
  }

  admin(client: NodeId, to: NodeId, rid: number, op: string, node = -1): void {
    this.clientSend(client, to, { type: 'kv.admin', rid, op, node });
  }
}
