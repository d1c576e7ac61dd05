// The simulated control plane: the infrastructure API the MAPE-K manager's operator port
// talks to (core/mapek/controlProtocol.ts), implemented on the world as a cloud API or a
// kubelet would act on machines.
//
// Contract: it is a world endpoint (World.serveEndpoint) on its own node, so requests
// and answers cross the simulated network. Each operation takes modelled time before it
// takes effect and answers: `restart` stops the node (if it runs) and boots it after
// `restartUs`; `provision` boots an idle spare after `provisionUs`; `decommission` stops a
// node for good (no later restart or provision brings it back); `quarantine` isolates a
// node at the network after `networkUs` and `release` heals that cut; `resync-clock` steps
// the node's clock by the requested amount. A request about a node that is not managed is
// refused. Everything it does goes through world commands and partitions, so it works
// whether the nodes run in this thread or under lockstep. Within one action it answers (a
// trace note, a send) before it issues a node command: under lockstep a command's effects
// are applied after the action, so doing it last keeps the trace the same in both modes.
import type { Micros, NodeId } from '../../core/env.ts';
import { seal } from '../../core/kv/integrity.ts';
import { parseControlRequest, type ControlAnswer, type ControlRequest, type HostInfo } from '../../core/mapek/controlProtocol.ts';
import type { World } from '../world/world.ts';

export interface ControlPlaneTimes {
  /** A describe's service time. */
  describeUs: Micros;
  /** Stop to running again, boot included. */
  restartUs: Micros;
  /** A spare from idle to running. */
  provisionUs: Micros;
  decommissionUs: Micros;
  /** A firewall rule, in or out. */
  networkUs: Micros;
  resyncUs: Micros;
}

export const DEFAULT_CONTROL_TIMES: ControlPlaneTimes = {
  describeUs: 5_000,
  restartUs: 500_000,
  provisionUs: 1_000_000,
  decommissionUs: 50_000,
  networkUs: 50_000,
  resyncUs: 20_000,
};

export interface ControlPlaneOp {
  t: Micros;
  op: string;
  node: NodeId;
  ok: boolean;
  reason: string;
}

export class ControlPlane {
  private readonly quarantine = new Map<NodeId, number>();
  private readonly decommissioned = new Set<NodeId>();
  /** Every operation carried out, in order (for reports and the UI). */
  readonly log: ControlPlaneOp[] = [];

  constructor(
    private readonly world: World,
    readonly node: NodeId,
    /** The nodes it may operate on (servers and spares), sorted. */
    private readonly managed: readonly NodeId[],
    private readonly times: ControlPlaneTimes,
  ) {
    world.serveEndpoint(node, (from, msg) => this.onRequest(from, msg));
  }

  isQuarantined(n: NodeId): boolean {
    return this.quarantine.has(n);
  }

  isDecommissioned(n: NodeId): boolean {
    return this.decommissioned.has(n);
  }

  hosts(): HostInfo[] {
    return this.managed.map((n) => ({ node: n, state: this.world.status[n], quarantined: this.quarantine.has(n), decommissioned: this.decommissioned.has(n) }));
  }

  private onRequest(from: NodeId, raw: unknown): void {
    const q = parseControlRequest(raw);
    if (q === null) return;
    const w = this.world;
    const now = w.nowUs;
    // A boot answers just before its start command (see the contract), so the answer says
    // how the host will be once the command has run.
    const answer = (ok: boolean, reason: string, booting = false): void => {
      this.log.push({ t: w.nowUs, op: q.op, node: q.node, ok, reason });
      if (q.op !== 'describe') w.note(this.node, 'control', `${q.op} n${q.node}: ${ok ? 'done' : reason}`);
      const hosts = this.hosts().map((h) => (booting && h.node === q.node ? { ...h, state: 'up' as const } : h));
      const a: ControlAnswer = { type: 'cp.resp', rid: q.rid, op: q.op, ok, reason, hosts };
      w.sendFrom(this.node, from, seal(a));
    };
    const later = (us: Micros, name: string, f: () => void): void => w.at(now + us, name, f);
    if (q.op === 'describe') return later(this.times.describeUs, 'control describe', () => answer(true, ''));
    const refusal = this.refusal(q);
    if (refusal !== null) return later(this.times.describeUs, `control ${q.op} refused`, () => answer(false, refusal));
    const x = q.node;
    switch (q.op) {
      case 'restart':
        if (w.status[x] !== 'down') w.crashNode(x);
        return later(this.times.restartUs, `control restart n${x}`, () => {
          answer(true, '', true);
          w.startNode(x);
        });
      case 'provision':
        return later(this.times.provisionUs, `control provision n${x}`, () => {
          answer(true, '', true);
          w.startNode(x);
        });
      case 'decommission':
        this.decommissioned.add(x);
        w.crashNode(x);
        return later(this.times.decommissionUs, `control decommission n${x}`, () => answer(true, ''));
      case 'quarantine':
        return later(this.times.networkUs, `control quarantine n${x}`, () => {
          if (!this.quarantine.has(x)) this.quarantine.set(x, w.partition({ shape: 'isolate', nodes: [x] }));
          answer(true, '');
        });
      case 'release':
        return later(this.times.networkUs, `control release n${x}`, () => {
          const id = this.quarantine.get(x);
          if (id !== undefined) w.net.heal(id);
          this.quarantine.delete(x);
          answer(true, '');
        });
      case 'resync-clock':
        return later(this.times.resyncUs, `control resync clock n${x}`, () => {
          answer(true, '');
          w.command(x, { kind: 'clockStep', stepUs: q.arg });
        });
    }
  }

  private refusal(q: ControlRequest): string | null {
    if (!this.managed.includes(q.node)) return `n${q.node} is not a managed node`;
    if (this.decommissioned.has(q.node) && q.op !== 'decommission') return `n${q.node} is decommissioned`;
    if (q.op === 'provision' && this.world.status[q.node] !== 'down') return `n${q.node} is already running`;
    return null;
  }
}
