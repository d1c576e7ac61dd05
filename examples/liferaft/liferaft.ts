// The liferaft workload: `topology.nodes` servers run the published liferaft 1.0.0 (not
// written for a simulator: timers, promises, an event emitter, a leveldown log) through
// faultline's evented adapter; `liferaft.clients` client nodes read, write and cas one
// register through it. Checks: faultline's Raft invariants (election safety, state
// machine safety, leader completeness) from the servers' telemetry, linearizability of
// the clients' history with the register model, and a write within the liveness bound
// after the faults heal. A run that fails is a finding about liferaft (docs/liferaft.md).
import {
  checkHistory, defineWorkload, positiveDuration, RaftInvariants, recordHistory, registerModel, z,
  type NodeContext, type NodeId, type Process, type RegisterInput, type RegisterOutput, type RegisterValue, type World,
} from 'faultline';
import { eventedProcess } from 'faultline/evented';

const PROGRAM = new URL('./program/node.cjs', import.meta.url);

interface ClientOptions {
  servers: number;
  thinkUs: number;
  timeoutUs: number;
  retryUs: number;
  stopAtUs: number;
}

/**
 * A closed-loop client: one request at a time, sent to the server it believes leads; a
 * redirect sends it on (to the named leader, or to another server after a pause); no
 * answer by the timeout makes the outcome unknown.
 */
class Client implements Process {
  private ctx!: NodeContext;
  private reqId = 0;
  private target: NodeId = 0;
  private pending: { reqId: number; input: RegisterInput; deadline: number } | null = null;
  private lastSeen: RegisterValue = null;

  constructor(private readonly opts: ClientOptions) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.target = ctx.random.int(this.opts.servers);
    ctx.setTimer(this.opts.thinkUs, 'next');
  }

  onTimer(tag: string): void {
    if (tag === 'next' && this.pending === null && this.ctx.now() < this.opts.stopAtUs) this.issue();
    else if (tag === 'timeout' && this.pending !== null && this.ctx.now() >= this.pending.deadline) this.finish('');
    else if (tag === 'retry' && this.pending !== null) this.send();
  }

  private issue(): void {
    const r = this.ctx.random.int(10);
    const value = `${this.ctx.id}.${this.reqId + 1}`;
    const input: RegisterInput = r < 4 ? { op: 'read' } : r < 8 ? { op: 'write', value } : { op: 'cas', expected: this.lastSeen, value };
    this.reqId += 1;
    this.pending = { reqId: this.reqId, input, deadline: this.ctx.now() + this.opts.timeoutUs };
    this.ctx.telemetry.emit('register.invoke', { reqId: this.reqId, input: JSON.stringify(input) });
    this.ctx.setTimer(this.opts.timeoutUs, 'timeout');
    this.send();
  }

  private send(): void {
    if (this.pending === null) return;
    this.ctx.send(this.target, { type: 'request', reqId: this.pending.reqId, input: this.pending.input });
  }

  onMessage(from: NodeId, msg: unknown): void {
    const m = msg as { type?: unknown; reqId?: unknown; output?: unknown; leader?: unknown };
    if (this.pending === null || m.reqId !== this.pending.reqId) return;
    if (m.type === 'reply' && typeof m.output === 'object' && m.output !== null) {
      const output = m.output as RegisterOutput;
      if (output.ok && output.value !== undefined) this.lastSeen = output.value;
      this.finish(JSON.stringify(output));
    } else if (m.type === 'redirect') {
      const leader = typeof m.leader === 'number' && m.leader >= 0 && m.leader < this.opts.servers && m.leader !== from ? m.leader : -1;
      this.target = leader >= 0 ? leader : (from + 1 + this.ctx.random.int(this.opts.servers - 1)) % this.opts.servers;
      if (leader >= 0) this.send();
      else this.ctx.setTimer(this.opts.retryUs, 'retry');
    }
  }

  private finish(output: string): void {
    if (this.pending === null) return;
    this.ctx.telemetry.emit('register.complete', { reqId: this.pending.reqId, output });
    this.pending = null;
    this.ctx.setTimer(this.opts.thinkUs, 'next');
  }

  inspect() {
    return { role: 'client', summary: this.pending === null ? 'idle' : `#${this.pending.reqId} at node ${this.target}`, details: { requests: this.reqId } };
  }
}

/** The latest leader by term from 'raft.role' telemetry, if it is up: what `leader` faults aim at. */
function trackLeader(world: World): { current(): NodeId } {
  let leader: NodeId = -1;
  let term = -1;
  world.onTelemetry((_t, node, name, f) => {
    if (name !== 'raft.role') return;
    const t = f.term as number;
    if (f.role === 'leader' && t >= term) {
      leader = node;
      term = t;
    } else if (node === leader && f.role !== 'leader') leader = -1;
  });
  return { current: () => (leader >= 0 && world.status[leader] === 'up' ? leader : -1) };
}

const section = z.object({
  clients: z.number().int().min(1).max(20).default(3),
  think: positiveDuration.default(20_000),
  timeout: positiveDuration.default(1_000_000),
  retry: positiveDuration.default(50_000),
  quiesce: positiveDuration.default(1_000_000),
  electionMin: positiveDuration.default(150_000),
  electionMax: positiveDuration.default(300_000),
  heartbeat: positiveDuration.default(50_000),
}).strict().default({ clients: 3, think: 20_000, timeout: 1_000_000, retry: 50_000, quiesce: 1_000_000, electionMin: 150_000, electionMax: 300_000, heartbeat: 50_000 });

/** Search steps the end-of-run linearizability check may spend before answering unknown. */
const LINEARIZABILITY_STEPS_MAX = 5_000_000;

export default defineWorkload({
  name: 'liferaft',
  description: 'The published liferaft 1.0.0 Raft library, run unchanged through the evented adapter, replicating a register for closed-loop clients; checks Raft safety, linearizability and recovery.',
  sections: { liferaft: section },
  leader: true,
  nodes: (s) => {
    const servers = Array.from({ length: s.topology.nodes }, (_, i) => i);
    const config = { servers, electionMinMs: s.liferaft.electionMin / 1000, electionMaxMs: s.liferaft.electionMax / 1000, heartbeatMs: s.liferaft.heartbeat / 1000 };
    const clientOpts: ClientOptions = { servers: servers.length, thinkUs: s.liferaft.think, timeoutUs: s.liferaft.timeout, retryUs: s.liferaft.retry, stopAtUs: s.duration - s.liferaft.quiesce };
    return [
      ...servers.map(() => ({ role: 'server', factory: () => eventedProcess({ entry: PROGRAM, config }) })),
      ...Array.from({ length: s.liferaft.clients }, () => ({ role: 'client', factory: () => new Client(clientOpts) })),
    ];
  },
  install(world, s, ctx) {
    const invariants = new RaftInvariants(world);
    const recorded = recordHistory<RegisterInput, RegisterOutput>(world, 'register');
    const history = recorded.ops;
    const leaders = trackLeader(world);
    const boundUs = ctx.healUs + s.liveness.within;
    if (boundUs <= s.duration - s.liferaft.quiesce) {
      world.at(boundUs, 'check liveness', () => {
        const wrote = history.some((o) => o.input.op !== 'read' && o.output?.ok === true && o.return > ctx.healUs && o.return <= boundUs);
        if (!wrote) world.violate('liveness', null, `no write succeeded within ${s.liveness.within / 1000} ms after the faults healed at ${ctx.healUs / 1000} ms`);
      });
    }
    return {
      leaders,
      finish() {
        if (recorded.dropped > 0) world.violate('linearizability-inconclusive', null, `${recorded.dropped} operations were not recorded: the history is partial`);
        const r = checkHistory(registerModel, history, { maxSteps: LINEARIZABILITY_STEPS_MAX });
        if (r.verdict === 'illegal') world.violate('linearizability', null, `the register's history is not linearizable:\n${r.illegal?.explanation}`);
        if (r.verdict === 'unknown') world.violate('linearizability-inconclusive', null, `the checker ran out of steps on ${history.length} operations: not a pass`);
        return {
          linearizability: r.verdict,
          operations: history.length,
          operationsOk: history.filter((o) => o.output?.ok === true).length,
          operationsUnknown: history.filter((o) => o.return === Infinity).length,
          elections: invariants.electionCount,
        };
      },
    };
  },
  ui: { metric: 'term', roleColors: { leader: '#c98a0b', candidate: '#b5472f', follower: '#3b6fb6', client: '#8a8f98' }, messageColors: { raft: '#3b6fb6', 'raft-reply': '#23895b', request: '#8a8f98', reply: '#555b66', redirect: '#b5472f' } },
});
