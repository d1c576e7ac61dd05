// The operator: an administrator who changes a raft-kv cluster while its clients keep
// reading and writing (the `admin:` section). It walks the paths no fault reaches:
// membership changes (a spare added as a learner, a learner promoted, a follower, a learner
// or the leader itself removed), leadership transfer, and compaction on demand.
//
// Contract: it is a world endpoint on its own node (like the MAPE-K control plane), so its
// requests and the answers cross the simulated network, and every change goes through the
// servers' real admin API (core/kv/admin.ts): membership changes and transfers at the
// leader, found by following `not-leader` answers. Every choice (when, which action, which
// target) comes from the run's `operator` stream. One action at a time: from `start`, an
// action every `every` on average (uniform between half and one and a half times it), until
// `stop`. A removed server is retired (World.retire: shut down for good, as an operator
// decommissions it) once a server whose commit index covers the removal's conf entry no
// longer lists it; a removal whose entry was overwritten is forgotten. Learners are
// promoted only when within `caughtUp` entries of the leader's log (as etcd requires), and
// voters are never removed below `votersMin`.
import { z } from 'zod';
import type { Micros, NodeId } from '../../core/env.ts';
import { parseAdminAnswer, type AdminAnswer, type AdminOpName, type AdminRequest, type ServerStatus } from '../../core/kv/admin.ts';
import { seal } from '../../core/kv/integrity.ts';
import type { Stream } from '../kernel/random.ts';
import { formatDuration } from '../scenario/duration.ts';
import { drawableWeights, duration, positiveDuration, type Problem } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';

export const ADMIN_ACTIONS = ['addLearner', 'promote', 'remove', 'removeLeader', 'transfer', 'compact'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

const weight = z.number().min(0, 'must be a weight >= 0');

export const adminSchema = z.object({
  /** When the first action may come. */
  start: duration.default(1_000_000),
  /** The mean time between actions. */
  every: positiveDuration.default(1_000_000),
  /** No action starts after this; default: when the clients stop (duration minus clients.quiesce). */
  stop: duration.optional(),
  /** Relative weights of the actions. */
  ops: z.object({
    addLearner: weight.default(2),
    promote: weight.default(2),
    remove: weight.default(1),
    removeLeader: weight.default(1),
    transfer: weight.default(3),
    compact: weight.default(1),
  }).strict().superRefine(drawableWeights('the operator could draw no action', 'the default is addLearner 2, promote 2, remove 1, removeLeader 1, transfer 3, compact 1')).default({ addLearner: 2, promote: 2, remove: 1, removeLeader: 1, transfer: 3, compact: 1 }),
  /** Voters are never removed below this many. */
  votersMin: z.number().int().min(1).max(64).default(3),
  /** A learner is promoted only when its match is within this many entries of the leader's last index. */
  caughtUp: z.number().int().min(0).default(100),
  /** How long the operator waits for an answer. */
  timeout: positiveDuration.default(200_000),
}).strict();

/**
 * An operator with no moment to act: its first action may come at admin.start, and none
 * starts after admin.stop (default: when the clients stop, duration minus clients.quiesce).
 * A start past that took no action at all, and the run passed as if membership changes had
 * been tested (admin.start 10s in a 5s run; admin.stop before admin.start).
 */
export function adminProblems(s: { duration: number; admin?: AdminSpec; clients: { quiesce: number } }): Problem[] {
  const a = s.admin;
  if (a === undefined) return [];
  const untested = 'the operator would take no action, and the run would pass as if its membership changes had been tested';
  if (a.stop !== undefined) {
    if (a.stop >= a.start) return [];
    return [{ path: 'admin.stop', message: `is ${formatDuration(a.stop)}, before admin.start (${formatDuration(a.start)}): ${untested}; give a stop after the start, or remove it (the default is when the clients stop)` }];
  }
  const stopUs = s.duration - s.clients.quiesce;
  if (a.start <= stopUs) return [];
  return [{ path: 'admin.start', message: `is ${formatDuration(a.start)}, after the operator's last moment (${formatDuration(Math.max(0, stopUs))}: the run's duration ${formatDuration(s.duration)} minus clients.quiesce ${formatDuration(s.clients.quiesce)}): ${untested}; start it earlier (the default is 1s), or lengthen the run` }];
}

/** The `admin:` section: absent, no operator runs (and the run is unchanged). */
export const adminSection = adminSchema.optional();
export type AdminSpec = z.output<typeof adminSchema>;

/** Hops along `not-leader` answers, and servers tried, before an action is given up. */
const HOPS_MAX = 4;
/** How often, and how many times, the operator asks whether a removal took effect. */
const POLL_US = 50_000;
const POLLS_MAX = 40;

interface Pending {
  to: NodeId;
  cb: (a: AdminAnswer | null) => void;
}

export interface OperatorLayout {
  /** The operator's own node (a world endpoint). */
  node: NodeId;
  /** The initial voters. */
  voters: readonly NodeId[];
  /** Idle spare servers, in the order they are brought in. */
  spares: readonly NodeId[];
}

export class RaftOperator {
  private readonly r: Stream;
  private ridNext = 1;
  private readonly pending = new Map<number, Pending>();
  private busy = false;
  /** Servers started (the initial voters, then spares as they are brought in). */
  private readonly started: Set<NodeId>;
  /** Who the operator last heard leads, and the members the most advanced status listed. */
  private lead: NodeId = -1;
  private viewCommit = -1;
  private members: NodeId[];
  /** Removals accepted and not yet decided: node -> index of the removal's conf entry. */
  private readonly removals = new Map<NodeId, number>();
  /** Per action: how many were carried out (`ok`), refused or found not applicable (`skipped`), or lost (`failed`). */
  readonly counts = new Map<string, number>();
  private readonly stopUs: Micros;

  constructor(private readonly world: World, private readonly spec: AdminSpec, private readonly layout: OperatorLayout, stopUs: Micros) {
    this.r = world.kernel.streams.get('operator');
    this.started = new Set(layout.voters);
    this.members = [...layout.voters];
    this.stopUs = spec.stop ?? stopUs;
    world.serveEndpoint(layout.node, (from, msg) => this.onAnswer(from, msg));
    this.schedule(spec.start);
  }

  /** The report's figures: `admin.<action>.<outcome>` counts and the servers retired. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[`admin.${k}`] = v;
    out['admin.retired'] = this.world.retired.size;
    return out;
  }

  private count(action: AdminAction, outcome: 'ok' | 'skipped' | 'failed'): void {
    const k = `${action}.${outcome}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  private note(text: string): void {
    this.world.note(this.layout.node, 'admin', text);
  }

  private schedule(atUs: Micros): void {
    if (atUs > this.stopUs) return;
    this.world.at(atUs, 'admin tick', () => this.tick(), this.layout.node);
  }

  private tick(): void {
    const next = this.world.nowUs + Math.max(1, Math.round(this.spec.every * (0.5 + this.r.next())));
    if (!this.busy) {
      this.busy = true;
      const action = this.draw();
      this.act(action, (outcome) => {
        this.count(action, outcome);
        this.busy = false;
      });
    }
    this.schedule(next);
  }

  private draw(): AdminAction {
    const ops = this.spec.ops;
    const total = ADMIN_ACTIONS.reduce((a, k) => a + ops[k], 0);
    let x = this.r.next() * total;
    for (const k of ADMIN_ACTIONS) {
      if (x < ops[k]) return k;
      x -= ops[k];
    }
    return 'compact';
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.r.int(xs.length)];
  }

  // ---- the actions ----

  private act(action: AdminAction, done: (outcome: 'ok' | 'skipped' | 'failed') => void): void {
    this.findLeader(HOPS_MAX, (leader, st) => {
      if (leader < 0 || st === null) {
        this.note(`${action}: no leader found`);
        return done('failed');
      }
      const plan = this.plan(action, leader, st);
      if (plan === null) return done('skipped');
      if (action === 'addLearner' && !this.started.has(plan.node)) {
        this.started.add(plan.node);
        this.world.startNode(plan.node);
      }
      this.note(`${action}: ${plan.op} n${plan.node} at n${plan.to}`);
      this.call(plan.to, plan.op, plan.node, (a) => {
        if (a === null) return done('failed');
        if (!a.ok) {
          this.note(`${action} n${plan.node}: refused (${a.reason})`);
          return done('skipped');
        }
        if (plan.op !== 'remove') return done('ok');
        this.removals.set(plan.node, a.status.lastIndex);
        this.awaitRemoval(plan.node, POLLS_MAX, () => done('ok'));
      });
    });
  }

  /** The request an action makes given the leader's status, or null when it does not apply now. */
  private plan(action: AdminAction, leader: NodeId, st: ServerStatus): { to: NodeId; op: AdminOpName; node: NodeId } | null {
    const members = [...st.voters, ...st.learners];
    const removable = st.voters.length > this.spec.votersMin;
    switch (action) {
      case 'addLearner': {
        const spare = this.layout.spares.find((x) => !members.includes(x) && !this.world.retired.has(x) && !this.removals.has(x));
        return spare === undefined ? null : { to: leader, op: 'addLearner', node: spare };
      }
      case 'promote': {
        const ready = st.learners.filter((x) => (st.progress.find((p) => p.node === x)?.match ?? 0) + this.spec.caughtUp >= st.lastIndex);
        return ready.length === 0 ? null : { to: leader, op: 'addVoter', node: this.pick(ready) };
      }
      case 'remove': {
        const xs = [...(removable ? st.voters.filter((x) => x !== leader) : []), ...st.learners];
        return xs.length === 0 ? null : { to: leader, op: 'remove', node: this.pick(xs) };
      }
      case 'removeLeader':
        return removable ? { to: leader, op: 'remove', node: leader } : null;
      case 'transfer': {
        const xs = st.voters.filter((x) => x !== leader);
        return xs.length === 0 ? null : { to: leader, op: 'transfer', node: this.pick(xs) };
      }
      case 'compact':
        return members.length === 0 ? null : { to: this.pick(members), op: 'compact', node: -1 };
    }
  }

  /** Asks for status until a server says it leads; follows `not-leader` hints, else tries another member. */
  private findLeader(hops: number, cb: (leader: NodeId, st: ServerStatus | null) => void): void {
    if (hops === 0) return cb(-1, null);
    const live = this.members.filter((x) => !this.world.retired.has(x));
    const ask = this.lead >= 0 && !this.world.retired.has(this.lead) ? this.lead : live.length > 0 ? this.pick(live) : -1;
    if (ask < 0) return cb(-1, null);
    this.call(ask, 'status', -1, (a) => {
      if (a === null) {
        if (this.lead === ask) this.lead = -1;
        return this.findLeader(hops - 1, cb);
      }
      if (a.status.role === 'leader') return cb(ask, a.status);
      this.lead = a.status.lead === ask ? -1 : a.status.lead;
      this.findLeader(hops - 1, cb);
    });
  }

  /** Polls a member's status until the removal of `node` is decided (see observe), or gives up. */
  private awaitRemoval(node: NodeId, polls: number, done: () => void): void {
    if (!this.removals.has(node) || polls === 0) return done();
    this.world.at(this.world.nowUs + POLL_US, 'admin poll', () => {
      const live = this.members.filter((x) => x !== node && !this.world.retired.has(x));
      const ask = this.lead >= 0 && this.lead !== node && !this.world.retired.has(this.lead) ? this.lead : live.length > 0 ? this.pick(live) : -1;
      if (ask < 0) return done();
      this.call(ask, 'status', -1, () => this.awaitRemoval(node, polls - 1, done));
    }, this.layout.node);
  }

  /** Learns from every status: who leads, the members, and whether a removal took effect. */
  private observe(from: NodeId, st: ServerStatus): void {
    if (st.role === 'leader') this.lead = from;
    const members = [...st.voters, ...st.learners];
    if (st.commit >= this.viewCommit) {
      this.viewCommit = st.commit;
      this.members = members;
    }
    for (const [node, index] of [...this.removals]) {
      if (st.commit < index) continue;
      this.removals.delete(node);
      if (members.includes(node)) {
        // The conf entry at `index` is not the removal: it was overwritten before it committed.
        this.note(`removal of n${node} was lost (n${from} committed ${st.commit} and still lists it)`);
        continue;
      }
      this.note(`n${node} removed (n${from} committed ${st.commit}): retired`);
      this.world.retire(node);
    }
  }

  // ---- requests over the network ----

  private call(to: NodeId, op: AdminOpName, node: NodeId, cb: (a: AdminAnswer | null) => void): void {
    const rid = this.ridNext++;
    this.pending.set(rid, { to, cb });
    const req: AdminRequest = { type: 'kv.admin', rid, op, node };
    this.world.sendFrom(this.layout.node, to, seal(req));
    this.world.at(this.world.nowUs + this.spec.timeout, 'admin timeout', () => {
      const p = this.pending.get(rid);
      if (p === undefined) return;
      this.pending.delete(rid);
      p.cb(null);
    }, this.layout.node);
  }

  private onAnswer(from: NodeId, raw: unknown): void {
    const a = parseAdminAnswer(raw);
    if (a === null) return;
    this.observe(from, a.status);
    const p = this.pending.get(a.rid);
    if (p === undefined || p.to !== from) return;
    this.pending.delete(a.rid);
    p.cb(a);
  }
}
