// Monitor: every interval, ask each server and gateway for its status over the network and
// gather what comes back into one round.
//
// Contract: a round opens with one status request per target and closes when the next
// round opens; an answer within `statusTimeoutUs` belongs to its round, a later one is
// kept as a late sample (the node is alive, only slow), and no answer at all leaves the
// target missing from the round. Answers that fail their integrity check are counted per
// sender: the network says who sent them, so a node sending garbage is on record. The
// monitored servers change as members are added and removed.
import type { Micros, NodeId } from '../env.ts';
import type { ServerStatus } from '../kv/admin.ts';
import { seal } from '../kv/integrity.ts';
import type { GatewayStatus } from '../gateway/control.ts';
import type { Rpc } from './rpc.ts';

export interface ServerSample {
  node: NodeId;
  status: ServerStatus;
  rttUs: Micros;
  /** Manager-local times of the request and the answer. */
  sentUs: Micros;
  recvUs: Micros;
  late: boolean;
}

export interface GatewaySample {
  node: NodeId;
  status: GatewayStatus;
  rttUs: Micros;
}

export interface RoundView {
  round: number;
  startUs: Micros;
  endUs: Micros;
  /** The servers asked this round. */
  servers: NodeId[];
  replies: Map<NodeId, ServerSample>;
  /** Answers to earlier rounds that arrived during this one. */
  late: ServerSample[];
  gateways: Map<NodeId, GatewaySample>;
  gatewaysAsked: NodeId[];
  /** Answers refused for a bad checksum or shape, by sender. */
  malformed: Map<NodeId, number>;
}

export class Monitor {
  private round = 0;
  private current: RoundView | null = null;
  private readonly servers = new Set<NodeId>();
  private readonly gateways: NodeId[];

  constructor(
    private readonly rpc: Rpc,
    private readonly now: () => Micros,
    servers: readonly NodeId[],
    gateways: readonly NodeId[],
    private readonly timeoutUs: Micros,
  ) {
    for (const s of servers) this.servers.add(s);
    this.gateways = [...gateways];
    rpc.onLate = (to, answer, rttUs) => this.onLate(to, answer, rttUs);
  }

  /** The servers monitored now, sorted. */
  monitored(): NodeId[] {
    return [...this.servers].sort((a, b) => a - b);
  }

  watch(node: NodeId): void {
    this.servers.add(node);
  }

  unwatch(node: NodeId): void {
    this.servers.delete(node);
  }

  /** Closes the open round (returned, null for the first call) and opens the next one. */
  nextRound(): RoundView | null {
    const closed = this.current;
    const startUs = this.now();
    if (closed !== null) closed.endUs = startUs;
    const view: RoundView = {
      round: ++this.round, startUs, endUs: startUs, servers: this.monitored(), replies: new Map(), late: [],
      gateways: new Map(), gatewaysAsked: [...this.gateways], malformed: new Map(),
    };
    this.current = view;
    for (const node of view.servers) {
      this.rpc.call(node, (rid) => seal({ type: 'kv.admin', rid, op: 'status', node: -1 }), this.timeoutUs, (answer, rttUs) => {
        if (answer === null) return;
        const status = (answer as { status: ServerStatus }).status;
        const recvUs = this.now();
        view.replies.set(node, { node, status, rttUs, sentUs: recvUs - rttUs, recvUs, late: false });
      });
    }
    for (const node of view.gatewaysAsked) {
      this.rpc.call(node, (rid) => ({ type: 'gw.ctl', rid, op: 'status', ratePerSec: 0 }), this.timeoutUs, (answer, rttUs) => {
        if (answer === null) return;
        view.gateways.set(node, { node, status: (answer as { status: GatewayStatus }).status, rttUs });
      });
    }
    return closed;
  }

  private onLate(to: NodeId, answer: unknown, rttUs: Micros): void {
    const view = this.current;
    if (view === null || answer === null || typeof answer !== 'object') return;
    const status = (answer as { status?: ServerStatus }).status;
    if (status === undefined || (answer as { type?: string }).type !== 'kv.admin.resp') return;
    const recvUs = this.now();
    view.late.push({ node: to, status, rttUs, sentUs: recvUs - rttUs, recvUs, late: true });
  }

  /** An answer from `from` failed its integrity check. */
  malformed(from: NodeId): void {
    const view = this.current;
    if (view !== null) view.malformed.set(from, (view.malformed.get(from) ?? 0) + 1);
  }
}
