// The nemesis, aimed part: faults that wait for the dangerous moment instead of a time.
//
// Uniform fault schedules almost never land inside a vote window or build divergent logs
// across several terms, so bugs in the commit rule (Figure 8), the §5.4.1 up-to-date check
// and the durability of votedFor and currentTerm pass hundreds of runs. These faults aim:
// - crashOn: while active, a server that just made a vote (`on: vote`) or a new term
//   (`on: term`) durable crashes at that very instant, after the messages of that step
//   left, and restarts `down` later: a restart must remember what it promised; with disk
//   time (raft.fsync), `on: persist` crashes a server the instant an fsync completed and
//   before the messages waiting for it left ('raft.synced'): they are lost, the data kept;
//   `on: write` crashes a server the instant it issued a Ready's writes, before their fsync
//   completes ('raft.syncing'): the writes are lost, and so must be everything that
//   depended on them (a server that sent before persisting has promised what it forgets);
//   `on: truncate` crashes a server the instant a persisted append overwrote entries of its
//   log (a new leader's entries replacing an old leader's tail): a restart must not bring
//   the replaced entries back;
// - figure8 (Figure 8 of the Raft paper, generated): each round the leader is cut off with
//   one follower, so it replicates to a minority only; the majority elects a new leader in
//   a later term; the old leader crashes, and a little later the new one does too, so
//   logs diverge across terms and an old leader may return to finish replicating its old
//   entries: a leader that commits them by counting replicas loses them to the next one;
// - diverge: each round one server, the leader or a follower, is cut off alone while the
//   clients still reach it, and at the heal the leader of the moment may crash: divergent
//   logs on several nodes, and elections while they differ;
// - deafenOn (`on: transfer`): a leader the instant it hands leadership over (MsgTimeoutNow)
//   stops hearing the other servers for `down`, while the clients still reach it;
// - leaseEdge: each round the leader's clock runs `ppm` slow and every other server's `ppm`
//   fast (the worst a lease's drift bound allows, when ppm is at its edge), and a little
//   later the leader is cut off from the servers while the clients still reach it: the
//   others elect a new leader as early as their clocks let them while the old one still
//   answers reads, so a lease even slightly too long serves a read after that election;
// - staleWrite: each round a follower takes a few of the leader's entries on a disk that
//   turned slow, then the leader crashes: the others elect a new leader while that write
//   is still in flight, and the new leader's entries replace the old ones before it completes.
// Contract: like `leader` faults, they read who leads (LeaderSource) and what servers say
// (telemetry) when they act, and change nodes only through world actions; every random
// choice comes from the stream `nemesis/<kind>/<at>` of the run's seed. A round with no
// leader does nothing and says so in the trace. Each fault heals by `at + duration`
// (crashOn's last restart may follow within `down`), which is what lastHealUs uses.
import type { Micros, NodeId } from '../../core/env.ts';
import { Stream } from '../kernel/random.ts';
import { formatDuration } from '../scenario/duration.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import type { LeaderSource } from './schedule.ts';

export type AimedFault = Extract<FaultSpec, { kind: 'crashOn' | 'deafenOn' | 'figure8' | 'diverge' | 'leaseEdge' | 'staleWrite' }>;
type RoundFault = Extract<FaultSpec, { kind: 'figure8' | 'diverge' | 'leaseEdge' | 'staleWrite' }>;

/**
 * Aimed faults that act the instant a server reports something (its telemetry, a message it
 * sends). Under lockstep workers (`run --workers`) those reports reach the kernel only when
 * a window's effects come back, after the nodes ran on past that instant, so such a fault
 * would act later than in one thread and the run would differ. The other aimed faults
 * (diverge, leaseEdge) and `leader` faults act at times of their own, which end a window.
 */
const INSTANT_KINDS: ReadonlySet<string> = new Set(['crashOn', 'deafenOn', 'figure8', 'staleWrite']);

/** The positions and kinds of `faults` that act the instant a server reports something. */
export function instantFaults(faults: readonly FaultSpec[]): { index: number; kind: string }[] {
  return faults.flatMap((f, index) => (INSTANT_KINDS.has(f.kind) ? [{ index, kind: f.kind }] : []));
}

function serversOf(world: World): NodeId[] {
  return world.config.nodes.flatMap((n, id) => (n.role === 'server' ? [id] : []));
}

function streamOf(world: World, f: AimedFault): Stream {
  return new Stream(world.config.seed, `nemesis/${f.kind}/${f.at}`);
}

export function scheduleAimed(world: World, f: AimedFault, name: string, leaders: LeaderSource | null): void {
  switch (f.kind) {
    case 'crashOn': return scheduleCrashOn(world, f, name);
    case 'deafenOn': return scheduleDeafenOn(world, f, name);
    case 'figure8':
    case 'diverge':
    case 'leaseEdge':
    case 'staleWrite': return scheduleRounds(world, f, name, leaders);
  }
}

function scheduleCrashOn(world: World, f: Extract<FaultSpec, { kind: 'crashOn' }>, name: string): void {
  const r = streamOf(world, f);
  const state = { active: false, crashes: 0, down: new Set<NodeId>() };
  const lastTerm = new Map<NodeId, number>();
  const lastVote = new Map<NodeId, number>();
  // Each server's last durable log index (`on: truncate`): a persisted append at or below it replaced entries.
  const lastIndex = new Map<NodeId, number>();
  world.at(f.at, name, () => { state.active = true; });
  world.at(f.at + f.duration, `${f.kind} over`, () => { state.active = false; });
  world.onTelemetry((t, node, ev, fields) => {
    if (ev === 'raft.recovered') {
      lastTerm.set(node, fields.term as number);
      lastVote.set(node, fields.vote as number);
      if (f.on === 'truncate') lastIndex.set(node, fields.lastIndex as number);
      return;
    }
    // The durable last index matters to `on: truncate` only.
    if (f.on === 'truncate' && ev === 'raft.snapshot_stored') {
      // A leader's snapshot replaced the log: it ends at the snapshot's index.
      lastIndex.set(node, fields.index as number);
      return;
    }
    if (f.on === 'truncate' && ev === 'raft.append') {
      const lo = fields.lo as number;
      const hi = fields.hi as number;
      const replaced = (lastIndex.get(node) ?? 0) - lo + 1;
      lastIndex.set(node, hi);
      if (replaced <= 0 || !state.active || state.down.has(node) || state.crashes >= f.count) return;
      if (r.next() >= f.prob) return;
      const what = replaced === 1 ? `entry ${lo}` : `entries ${lo}..${lo + replaced - 1}`;
      return crash(t, node, `overwrote ${what} with ${hi - lo + 1} of term ${fields.term as number}`);
    }
    if (ev === 'raft.synced' || ev === 'raft.syncing') {
      const on = ev === 'raft.synced' ? 'persist' : 'write';
      if (f.on !== on || !state.active || state.down.has(node) || state.crashes >= f.count || fields.messages === 0) return;
      if (r.next() >= f.prob) return;
      const what = `${fields.entries as number} entries${fields.hardState === true ? ' and a hard state' : ''}`;
      return crash(t, node, on === 'persist' ? `synced ${what}, ${fields.messages as number} messages unsent` : `wrote ${what}, not synced yet`);
    }
    if (ev !== 'raft.hardstate') return;
    const term = fields.term as number;
    const vote = fields.vote as number;
    const newTerm = term > (lastTerm.get(node) ?? 0);
    const voted = vote !== -1 && vote !== node && (newTerm || vote !== lastVote.get(node));
    lastTerm.set(node, term);
    lastVote.set(node, vote);
    if (f.on === 'persist' || f.on === 'write' || f.on === 'truncate' || !state.active || state.down.has(node) || state.crashes >= f.count) return;
    if (!(f.on === 'vote' ? voted : newTerm)) return;
    if (r.next() >= f.prob) return;
    crash(t, node, f.on === 'vote' ? `voted for ${vote} in term ${term}` : `entered term ${term}`);
  });
  function crash(t: Micros, node: NodeId, what: string): void {
    state.crashes++;
    state.down.add(node);
    world.at(t, `crash ${node}: it ${what}`, () => world.crashNode(node));
    world.at(t + f.down, `restart ${node}`, () => {
      state.down.delete(node);
      world.startNode(node);
    });
  }
}

/**
 * While active, a server the instant it hands leadership over (sends MsgTimeoutNow) stops
 * hearing the other servers for `down` (a one-way cut: it still sends, and the clients
 * still reach it). The target's forced election goes on without it, so a deposed leader
 * that kept anything of its leadership (a read lease) meets a new leader it cannot hear of.
 */
function scheduleDeafenOn(world: World, f: Extract<FaultSpec, { kind: 'deafenOn' }>, name: string): void {
  const r = streamOf(world, f);
  const servers = serversOf(world);
  const state = { active: false, cuts: 0, deaf: new Set<NodeId>() };
  world.at(f.at, name, () => { state.active = true; });
  world.at(f.at + f.duration, `${f.kind} over`, () => { state.active = false; });
  world.onSend((from, to, msg) => {
    if (!state.active || state.deaf.has(from) || state.cuts >= f.count) return;
    if ((msg as { type?: unknown }).type !== 'MsgTimeoutNow') return;
    if (r.next() >= f.prob) return;
    state.cuts++;
    state.deaf.add(from);
    let id = 0;
    const t = world.nowUs;
    world.at(t, `deafen ${from}: it handed leadership to ${to}`, () => { id = world.partition({ shape: 'oneway', from: servers.filter((x) => x !== from), to: [from] }); });
    world.at(t + f.down, `${from} hears again`, () => {
      world.net.heal(id);
      state.deaf.delete(from);
    });
  });
}

type Moment = 'campaign' | 'leader' | 'commit';

/**
 * Waits for a node among `among` to campaign for, or win, a term above `aboveTerm`, or to
 * advance its commit index in such a term; calls back once.
 */
class LeaderWatch {
  private waiting: { moment: Moment; aboveTerm: number; among: ReadonlySet<NodeId>; then: (node: NodeId, term: number) => void } | null = null;
  private readonly commits = new Map<NodeId, number>();

  constructor(world: World) {
    world.onTelemetry((_t, node, ev, f) => {
      const advanced = ev === 'raft.hardstate' && (f.commit as number) > (this.commits.get(node) ?? 0);
      if (ev === 'raft.hardstate' || ev === 'raft.recovered') this.commits.set(node, f.commit as number);
      const w = this.waiting;
      if (w === null || (f.term as number) <= w.aboveTerm || !w.among.has(node)) return;
      const seen = w.moment === 'leader' ? ev === 'raft.role' && f.role === 'leader'
        : w.moment === 'commit' ? advanced : ev === 'raft.campaign' && f.pre === false;
      if (!seen) return;
      this.waiting = null;
      w.then(node, f.term as number);
    });
  }

  wait(moment: Moment, aboveTerm: number, among: readonly NodeId[], then: (node: NodeId, term: number) => void): void {
    this.waiting = { moment, aboveTerm, among: new Set(among), then };
  }

  cancel(): void {
    this.waiting = null;
  }
}

/**
 * One round of a generated Figure 8 (Raft paper, §5.4.2):
 * (a) the leader L is cut off with one follower P: its new entries reach a minority only;
 * (b) L crashes (after a random while, or as soon as one of the others campaigns); the
 *     instant one of the others, M, asks for votes in a later term, what M
 *     sends from then on is cut (its vote requests are out, the answers come back), so if
 *     it wins, its own entries reach nobody; once a leader is elected the cut around L heals
 *     and L restarts;
 * (c) the next leader N (often L, whose log is the longest of its term) is crashed the
 *     moment it first commits (or a random while after it is elected), and M's cut heals:
 *     M may now win and overwrite what N replicated. A leader that committed L's old-term
 *     entries by counting replicas in (c) has just lost them.
 * Whatever is still cut or down when the round's time is up is healed and restarted.
 */
/** Cuts the leader off together with one follower it draws (the peer): the round's first move in figure8 and staleWrite. */
function cutOffWithPeer(world: World, r: Stream, lead: NodeId): { servers: NodeId[]; peer: NodeId; rest: NodeId[]; cut: number } {
  const servers = serversOf(world);
  const others = servers.filter((s) => s !== lead);
  const peer = others[r.int(others.length)];
  const rest = others.filter((s) => s !== peer);
  return { servers, peer, rest, cut: world.partition({ shape: 'groups', groups: [[lead, peer], rest] }) };
}

function figure8Round(world: World, watch: LeaderWatch, r: Stream, lead: NodeId, leadTerm: number, endUs: Micros, periodUs: Micros): void {
  const { servers, peer, rest, cut } = cutOffWithPeer(world, r, lead);
  const cuts = new Set<number>([cut]);
  const down = new Set<NodeId>();
  const act = (delayUs: Micros, name: string, run: () => void): void => world.at(world.nowUs + delayUs, `figure8: ${name}`, run);
  const crash = (n: NodeId): void => {
    if (down.has(n)) return;
    down.add(n);
    world.crashNode(n);
  };
  const restart = (n: NodeId): void => {
    if (down.delete(n)) world.startNode(n);
  };
  const healAll = (): void => {
    for (const c of cuts) world.net.heal(c);
    cuts.clear();
  };
  const replicateUs = Math.round(periodUs * (0.05 + 0.25 * r.next()));
  const nDelayUs = Math.round(periodUs * 0.1 * r.next());
  let leadCrashed = false;
  const crashLead = (): void => {
    if (!leadCrashed) crash(lead);
    leadCrashed = true;
  };
  world.note(-1, 'figure8', `leader ${lead} of term ${leadTerm} cut off with ${peer}`);
  act(replicateUs, `crash leader ${lead}`, crashLead);
  watch.wait('campaign', leadTerm, rest, (m) => act(0, `crash ${lead}, cut what ${m} sends from now on`, () => {
    crashLead();
    cuts.add(world.partition({ shape: 'oneway', from: [m], to: servers.filter((s) => s !== m) }));
    watch.wait('leader', leadTerm, rest, (_elected, mTerm) => act(0, `heal, restart ${lead}, keep ${m} muted`, () => {
      const mute = world.partition({ shape: 'oneway', from: [m], to: servers.filter((s) => s !== m) });
      healAll();
      cuts.add(mute);
      restart(lead);
      watch.wait('leader', mTerm, servers.filter((s) => s !== m), (n, nTerm) => {
        // N goes down the moment it first commits in its term (a leader that commits its
        // predecessors' entries by counting does that before its own entry has a quorum),
        // or after a random while.
        let done = false;
        const finish = (why: string): void => act(0, `crash leader ${n} (${why}), let ${m} speak`, () => {
          if (done) return;
          done = true;
          watch.cancel();
          crash(n);
          healAll();
        });
        watch.wait('commit', nTerm - 1, [n], () => finish('it committed'));
        act(nDelayUs, `time for ${n}`, () => finish('time'));
      });
    }));
  }));
  world.at(endUs, 'figure8 round over', () => {
    watch.cancel();
    healAll();
    for (const n of [...down].sort((a, b) => a - b)) restart(n);
  });
}

/**
 * One round of divergent logs: one server is cut off alone while the clients still reach it,
 * either the leader (it keeps taking writes that the majority's next leader overwrites) or
 * a follower (it falls behind, and without PreVote its term runs ahead); when the cut heals
 * the leader of the moment is crashed briefly, half the time, so an election follows while
 * the logs still differ.
 */
function divergeRound(world: World, r: Stream, lead: NodeId, cutUs: Micros, leaders: LeaderSource | null): void {
  const servers = serversOf(world);
  const cutLeader = r.next() < 0.5;
  const followers = servers.filter((s) => s !== lead);
  const alone = cutLeader ? lead : followers[r.int(followers.length)];
  const crashAfter = r.next() < 0.5;
  const downUs = Math.round(cutUs * (0.2 + 0.6 * r.next()));
  const cut = world.partition({ shape: 'groups', groups: [[alone], servers.filter((s) => s !== alone)] });
  world.at(world.nowUs + cutUs, `diverge: heal ${alone}`, () => {
    world.net.heal(cut);
    const now = leaders?.current() ?? -1;
    if (!crashAfter || now < 0) return;
    world.crashNode(now);
    world.at(world.nowUs + downUs, `restart ${now}`, () => world.startNode(now));
  });
}

/**
 * The two moments a stale-write round waits for: the leader sending `peer` an append with
 * entries (world's send tap), then `peer` starting a write of entries that takes at least
 * `minUs` ('raft.syncing'). Each calls back once.
 */
class StaleWriteWatch {
  private sending: { from: NodeId; to: NodeId; then: () => void } | null = null;
  private writing: { node: NodeId; minUs: Micros; then: () => void } | null = null;

  constructor(world: World) {
    world.onSend((from, to, msg) => {
      const w = this.sending;
      if (w === null || from !== w.from || to !== w.to) return;
      const m = msg as { type?: unknown; entries?: unknown };
      if (m.type !== 'MsgApp' || !Array.isArray(m.entries) || m.entries.length === 0) return;
      this.sending = null;
      w.then();
    });
    world.onTelemetry((_t, node, ev, f) => {
      const w = this.writing;
      if (w === null || ev !== 'raft.syncing' || node !== w.node || (f.entries as number) === 0 || (f.delayUs as number) < w.minUs) return;
      this.writing = null;
      w.then();
    });
  }

  onAppend(from: NodeId, to: NodeId, then: () => void): void {
    this.sending = { from, to, then };
  }

  onSlowWrite(node: NodeId, minUs: Micros, then: () => void): void {
    this.writing = { node, minUs, then };
  }

  cancel(): void {
    this.sending = null;
    this.writing = null;
  }
}

/**
 * One stale-write round, from `t0`: the leader L is cut off with one follower P while the
 * clients still reach L. When L sends P new entries, P's disk turns `fsyncUs` slower for
 * P's next write, and the instant P starts writing them, L crashes and the cut heals (after
 * a fifth of `fsyncUs` at the latest): the others, which stopped hearing L first, elect a new
 * leader while P's write is still in flight, and the new leader's first append replaces L's
 * entries in P's log before that write completes. Its completion must not count as durable
 * for the entries that replaced them (etcd's stableTo checks the term for this). P's answers
 * wait for the write, so the new leader sends it nothing more meanwhile: the write in flight
 * must hold no more entries than that first append replaces, hence the aim at P's first
 * write of L's entries. P's later writes take their usual time, so the new leader hears its
 * answers within the round. L restarts halfway through the slow write.
 */
function staleWriteRound(world: World, watch: StaleWriteWatch, r: Stream, lead: NodeId, t0: Micros, fsyncUs: Micros, endUs: Micros): void {
  const { peer, cut } = cutOffWithPeer(world, r, lead);
  world.note(-1, 'staleWrite', `leader ${lead} cut off with ${peer}`);
  let slow = 0;
  let down = false;
  let crashed = false;
  // Called inside an event of its own: crash L, heal, and let P's later writes be fast.
  const crash = (): void => {
    if (crashed) return;
    crashed = true;
    watch.cancel();
    if (slow !== 0) world.command(peer, { kind: 'unlayer', setting: 'fsyncSlowUs', id: slow });
    world.net.heal(cut);
    world.crashNode(lead);
    down = true;
  };
  watch.onAppend(lead, peer, () => world.at(world.nowUs, `staleWrite: disk of ${peer} ${formatDuration(fsyncUs)} slower`, () => {
    if (crashed) return;
    slow = world.newLayerId();
    world.command(peer, { kind: 'layer', setting: 'fsyncSlowUs', id: slow, value: fsyncUs });
    watch.onSlowWrite(peer, fsyncUs, () => world.at(world.nowUs, `staleWrite: crash ${lead} (${peer} writes its entries), heal`, crash));
  }));
  world.at(t0 + Math.round(fsyncUs * 0.2), `staleWrite: time for ${lead}`, crash);
  const restart = (): void => {
    if (down) world.startNode(lead);
    down = false;
  };
  world.at(Math.min(endUs, t0 + Math.round(fsyncUs * 0.5)), `staleWrite: restart ${lead}`, restart);
  world.at(endUs, 'staleWrite round over', restart);
}

/**
 * One lease-edge round: the leader's clock slow by `ppm` and the other servers' fast by it
 * (drift layers, removed at `endUs`), then from `cutAtUs` to `healAtUs` the leader cut off
 * from the other servers while the clients still reach it.
 */
function leaseEdgeRound(world: World, lead: NodeId, ppm: number, cutAtUs: Micros, healAtUs: Micros, endUs: Micros): void {
  const servers = serversOf(world);
  const layers = servers.map((n) => {
    const id = world.newLayerId();
    world.command(n, { kind: 'layer', setting: 'driftPpm', id, value: n === lead ? -ppm : ppm });
    return [n, id] as const;
  });
  world.at(cutAtUs, `leaseEdge: cut ${lead}`, () => {
    const cut = world.partition({ shape: 'groups', groups: [[lead], servers.filter((s) => s !== lead)] });
    world.at(healAtUs, `leaseEdge: heal ${lead}`, () => world.net.heal(cut));
  });
  world.at(endUs, 'leaseEdge: clocks back', () => {
    for (const [n, id] of layers) world.command(n, { kind: 'unlayer', setting: 'driftPpm', id });
  });
}

function scheduleRounds(world: World, f: RoundFault, name: string, leaders: LeaderSource | null): void {
  const r = streamOf(world, f);
  const period = Math.min(f.period, f.duration);
  const rounds = Math.max(1, Math.floor(f.duration / period));
  const watch = f.kind === 'figure8' ? new LeaderWatch(world) : null;
  const writes = f.kind === 'staleWrite' ? new StaleWriteWatch(world) : null;
  const terms = new Map<NodeId, number>();
  world.onTelemetry((_t, node, ev, fields) => {
    if (ev === 'raft.role' && fields.role === 'leader') terms.set(node, fields.term as number);
  });
  for (let k = 0; k < rounds; k++) {
    const t0 = f.at + k * period;
    const endUs = t0 + Math.round(period * 0.95);
    const cutUs = Math.round(period * (0.3 + 0.25 * r.next()));
    world.at(t0, k === 0 ? name : `${f.kind} round ${k + 1}`, () => {
      const lead = leaders?.current() ?? -1;
      if (lead < 0) {
        world.note(-1, `${f.kind}-round-skipped`, 'no node leads now');
        return;
      }
      // Validation refuses these on one server; a workload with fewer servers than nodes may still get here.
      if (f.kind !== 'leaseEdge' && serversOf(world).length < 2) {
        world.note(-1, `${f.kind}-round-skipped`, 'no other server to cut off');
        return;
      }
      if (watch !== null) return figure8Round(world, watch, r, lead, terms.get(lead) ?? 0, endUs, period);
      if (f.kind === 'leaseEdge') {
        // The drift first, for a tenth of the round (a few heartbeats), then the cut until 80%.
        return leaseEdgeRound(world, lead, f.ppm, t0 + Math.round(period * (0.1 + 0.1 * r.next())), t0 + Math.round(period * 0.8), endUs);
      }
      if (f.kind === 'staleWrite' && writes !== null) return staleWriteRound(world, writes, r, lead, t0, f.fsync ?? Math.round(period * 0.6), endUs);
      divergeRound(world, r, lead, cutUs, leaders);
    });
  }
}
