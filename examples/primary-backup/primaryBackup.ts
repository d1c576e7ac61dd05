// A replicated register, written the way a faultline user would write their own system:
// one primary (node 0) and one backup (node 1) keep a register; clients (nodes 2...)
// read, write and compare-and-set it. It uses only the public API (`from 'faultline'`).
// docs/tutorial.md walks through this file.
//
// The protocol: the primary orders writes (a sequence number), makes each durable
// (fsync), sends it to the backup, and answers the client once the backup has made it
// durable too. The backup applies writes in sequence order and acknowledges the highest
// it holds. Both rebuild the register from their disk on restart.
//
// The bug, switched on by `register.readsFromBackup`: to spread the load, clients send
// half of their reads to the backup. It looks safe, because a write is acknowledged only
// once the backup has it. It is not: the primary applies a write before the backup does,
// so a read at the primary can return a new value and a later read at the backup the
// old one. faultline finds it with the register model's linearizability check.
import {
  checkHistory, defineWorkload, positiveDuration, recordHistory, registerModel, z,
  type NodeContext, type NodeId, type Process, type RegisterInput, type RegisterOutput, type RegisterValue,
} from 'faultline';

const PRIMARY: NodeId = 0;
const BACKUP: NodeId = 1;

/** Messages between clients and replicas, and between the replicas. */
type Request = { type: 'request'; reqId: number; input: RegisterInput };
type Reply = { type: 'reply'; reqId: number; output: RegisterOutput };
type Replicate = { type: 'replicate'; seq: number; value: RegisterValue };
type Ack = { type: 'ack'; seq: number };

/** The durable record both replicas keep: the highest write they hold. */
interface Stored {
  seq: number;
  value: RegisterValue;
}

function loadStored(ctx: NodeContext): Stored {
  const read = ctx.disk.read('register');
  if (!read.ok || read.records.length === 0) return { seq: 0, value: null };
  return JSON.parse(read.records[read.records.length - 1]) as Stored;
}

/** Replaces the record and fsyncs it; false when the disk refused (full or failing). */
function store(ctx: NodeContext, s: Stored): boolean {
  return ctx.disk.replace('register', [JSON.stringify(s)]).ok && ctx.disk.fsync().ok;
}

function isRequest(m: unknown): m is Request {
  const r = m as Partial<Request> | null;
  return r !== null && typeof r === 'object' && r.type === 'request' && typeof r.reqId === 'number' && typeof r.input === 'object' && r.input !== null;
}

class Primary implements Process {
  private ctx!: NodeContext;
  private state: Stored = { seq: 0, value: null };
  /** Writes applied here but not yet acknowledged by the backup, by sequence number. */
  private readonly waiting = new Map<number, { client: NodeId; reqId: number }>();
  /** The last request id handled per client, so a duplicated request is not applied twice. */
  private readonly lastReq = new Map<NodeId, number>();

  constructor(private readonly retransmitUs: number) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.state = loadStored(ctx);
    ctx.setTimer(this.retransmitUs, 'retransmit');
  }

  onMessage(from: NodeId, msg: unknown): void {
    const m = msg as { type?: unknown; seq?: unknown };
    if (m.type === 'ack' && typeof m.seq === 'number') return this.onAck(m.seq);
    if (!isRequest(msg) || (this.lastReq.get(from) ?? 0) >= msg.reqId) return;
    this.lastReq.set(from, msg.reqId);
    const input = msg.input;
    if (input.op === 'read') return this.reply(from, msg.reqId, { ok: true, value: this.state.value });
    if (input.op === 'cas' && input.expected !== this.state.value) return this.reply(from, msg.reqId, { ok: false, current: this.state.value });
    this.write(from, msg.reqId, input.value);
  }

  private write(client: NodeId, reqId: number, value: RegisterValue): void {
    const next = { seq: this.state.seq + 1, value };
    if (!store(this.ctx, next)) return this.reply(client, reqId, { ok: false, error: 'disk' });
    this.state = next;
    this.waiting.set(next.seq, { client, reqId });
    this.ctx.send(BACKUP, { type: 'replicate', ...next } satisfies Replicate);
  }

  private onAck(seq: number): void {
    for (const [s, w] of [...this.waiting]) {
      if (s > seq) continue;
      this.waiting.delete(s);
      this.reply(w.client, w.reqId, { ok: true });
    }
  }

  onTimer(): void {
    // The backup keeps only the latest write, so resending the latest covers every gap.
    if (this.waiting.size > 0) this.ctx.send(BACKUP, { type: 'replicate', ...this.state } satisfies Replicate);
    this.ctx.setTimer(this.retransmitUs, 'retransmit');
  }

  private reply(client: NodeId, reqId: number, output: RegisterOutput): void {
    this.ctx.send(client, { type: 'reply', reqId, output } satisfies Reply);
  }

  inspect() {
    return { role: 'primary', summary: `seq ${this.state.seq} · ${JSON.stringify(this.state.value)}`, details: { seq: this.state.seq, waiting: this.waiting.size } };
  }
}

class Backup implements Process {
  private ctx!: NodeContext;
  private state: Stored = { seq: 0, value: null };

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.state = loadStored(ctx);
  }

  onMessage(from: NodeId, msg: unknown): void {
    const m = msg as Partial<Replicate>;
    if (from === PRIMARY && m.type === 'replicate' && typeof m.seq === 'number' && m.value !== undefined) {
      const next = { seq: m.seq, value: m.value };
      if (next.seq > this.state.seq && !store(this.ctx, next)) return; // Not durable: do not acknowledge.
      if (next.seq > this.state.seq) this.state = next;
      this.ctx.send(PRIMARY, { type: 'ack', seq: this.state.seq } satisfies Ack);
    } else if (isRequest(msg) && msg.input.op === 'read') {
      this.ctx.send(from, { type: 'reply', reqId: msg.reqId, output: { ok: true, value: this.state.value } } satisfies Reply);
    }
  }

  onTimer(): void {}

  inspect() {
    return { role: 'backup', summary: `seq ${this.state.seq} · ${JSON.stringify(this.state.value)}`, details: { seq: this.state.seq } };
  }
}

interface ClientOptions {
  thinkUs: number;
  timeoutUs: number;
  readsFromBackup: boolean;
  stopAtUs: number;
}

/** A closed-loop client: one request at a time; a request with no reply by the timeout has an unknown outcome. */
class Client implements Process {
  private ctx!: NodeContext;
  private reqId = 0;
  private pending: { reqId: number; timer: number } | null = null;
  private lastSeen: RegisterValue = null;

  constructor(private readonly opts: ClientOptions) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    ctx.setTimer(this.opts.thinkUs, 'next');
  }

  onTimer(tag: string): void {
    if (tag === 'timeout' && this.pending !== null) {
      this.ctx.telemetry.emit('register.complete', { reqId: this.pending.reqId, output: '' });
      this.pending = null;
      this.ctx.setTimer(this.opts.thinkUs, 'next');
    } else if (tag === 'next' && this.pending === null && this.ctx.now() < this.opts.stopAtUs) {
      this.issue();
    }
  }

  private issue(): void {
    const input = this.nextInput();
    this.reqId += 1;
    const to = input.op === 'read' && this.opts.readsFromBackup && this.ctx.random.int(2) === 1 ? BACKUP : PRIMARY;
    this.ctx.telemetry.emit('register.invoke', { reqId: this.reqId, input: JSON.stringify(input) });
    this.ctx.send(to, { type: 'request', reqId: this.reqId, input } satisfies Request);
    this.pending = { reqId: this.reqId, timer: this.ctx.setTimer(this.opts.timeoutUs, 'timeout') };
  }

  private nextInput(): RegisterInput {
    const r = this.ctx.random.int(10);
    const value = `${this.ctx.id}.${this.reqId + 1}`;
    if (r < 5) return { op: 'read' };
    if (r < 8) return { op: 'write', value };
    return { op: 'cas', expected: this.lastSeen, value };
  }

  onMessage(_from: NodeId, msg: unknown): void {
    const m = msg as Partial<Reply>;
    if (m.type !== 'reply' || this.pending === null || m.reqId !== this.pending.reqId || typeof m.output !== 'object') return;
    const output = m.output;
    if (output.ok && output.value !== undefined) this.lastSeen = output.value;
    this.ctx.telemetry.emit('register.complete', { reqId: this.pending.reqId, output: JSON.stringify(output) });
    this.ctx.cancelTimer(this.pending.timer);
    this.pending = null;
    this.ctx.setTimer(this.opts.thinkUs, 'next');
  }

  inspect() {
    return { role: 'client', summary: this.pending === null ? 'idle' : `waiting for #${this.pending.reqId}`, details: { requests: this.reqId } };
  }
}

/** The scenario section this workload reads: `register: { ... }`. */
const registerSection = z.object({
  /** The bug: send half of the reads to the backup. */
  readsFromBackup: z.boolean().default(false),
  clients: z.number().int().min(1).max(20).default(3),
  think: positiveDuration.default(10_000),
  timeout: positiveDuration.default(1_000_000),
  retransmit: positiveDuration.default(20_000),
  /** Clients stop issuing requests this long before the end, so the last ones can finish. */
  quiesce: positiveDuration.default(500_000),
}).strict().default({ readsFromBackup: false, clients: 3, think: 10_000, timeout: 1_000_000, retransmit: 20_000, quiesce: 500_000 });

export default defineWorkload({
  name: 'primary-backup',
  description: 'A register replicated from a primary to a backup, with clients that read, write and cas; checks linearizability with the register model and that writes complete after the faults heal.',
  sections: { register: registerSection },
  validate: (s) => (s.topology.nodes === 2 ? [] : [{ path: 'topology.nodes', message: 'primary-backup runs exactly 2 replicas (node 0 the primary, node 1 the backup); clients come on top' }]),
  nodes: (s) => [
    { role: 'primary', factory: () => new Primary(s.register.retransmit) },
    { role: 'backup', factory: () => new Backup() },
    ...Array.from({ length: s.register.clients }, () => ({
      role: 'client',
      factory: () => new Client({ thinkUs: s.register.think, timeoutUs: s.register.timeout, readsFromBackup: s.register.readsFromBackup, stopAtUs: s.duration - s.register.quiesce }),
    })),
  ],
  install(world, s, ctx) {
    // The history, from the clients' register.invoke / register.complete telemetry, in
    // true virtual time (a client's own clock may be skewed).
    const recorded = recordHistory<RegisterInput, RegisterOutput>(world, 'register');
    const history = recorded.ops;
    // Liveness: once the faults heal, some write must succeed within the bound.
    const boundUs = ctx.healUs + s.liveness.within;
    if (boundUs <= s.duration - s.register.quiesce) {
      world.at(boundUs, 'check liveness', () => {
        const wrote = history.some((o) => o.input.op !== 'read' && o.output?.ok === true && o.return > ctx.healUs && o.return <= boundUs);
        if (!wrote) world.violate('liveness', null, `no write succeeded within ${s.liveness.within / 1000} ms after the faults healed`);
      });
    }
    return {
      finish() {
        const r = checkHistory(registerModel, history, { maxSteps: 5_000_000 });
        if (recorded.dropped > 0) world.violate('linearizability', null, `inconclusive: ${recorded.dropped} operations were not recorded`);
        if (r.verdict === 'illegal') world.violate('linearizability', null, `the register's history is not linearizable:\n${r.illegal?.explanation}`);
        // A check that could not decide must not pass.
        if (r.verdict === 'unknown') world.violate('linearizability', null, `inconclusive: the checker ran out of steps on ${history.length} operations`);
        return { linearizability: r.verdict, operations: history.length, unknown: history.filter((o) => o.return === Infinity).length };
      },
    };
  },
  ui: { metric: 'seq', roleColors: { primary: '#c98a0b', backup: '#3b6fb6', client: '#8a8f98' }, messageColors: { replicate: '#3b6fb6', ack: '#23895b', request: '#8a8f98', reply: '#555b66' } },
});
