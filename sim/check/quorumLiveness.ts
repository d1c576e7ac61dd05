// Liveness while faults last: a quorum of servers that runs free of faults keeps serving.
//
// Contract: Raft promises progress whenever a majority of servers is up and can talk to
// each other and to the clients (§5 and the thesis §3.6: "available as long as any majority
// of the servers are operational and can communicate"), not only after every fault has
// healed, which is all the `liveness` check (sim/workloads/raftKv.ts) judges. This check
// judges the stretches in between: a quorum Q of the scenario's voters is *calm* while
//   - every server of Q is up and no fault touches it (sim/faults/reach.ts: its process,
//     host, clock or disk), and no fault touches a link between two of them or between
//     one of them and a client (in either direction);
//   - every other server is down, or calm too and linked to Q and the clients by
//     untouched links, or cut off from Q in both directions (a faulty server still heard
//     by Q, a throttled leader or one with a full disk, may hold Q back legitimately, so
//     such a stretch is not judged).
// A stretch in which one quorum stays calm for longer than `withinUs` must hold no
// `withinUs` without a successful client operation (read or write), from the stretch's
// start or from the last success before it. Stretches are cut at the clients' stop; a run
// with membership changes (an operator, spares) is not judged, nor one with more servers
// than SERVERS_MAX (the quorums are enumerated). Each client is held to the same promise for
// its writes: within such a stretch no client waits longer than `withinUs` plus its think
// time `thinkUs` from a write it invoked to a known outcome (a success or a definite
// failure) of that write or a later one. One client whose writes all end unknown while the
// others succeed (say it keeps a session the servers expired, and only its reads, which no
// session guards, still succeed) gets no service. It catches bugs that only delay a
// cluster's recovery until the faults heal: a vote quorum of every voter, a candidate that
// cannot win while one server is down. What it keeps: each server's status changes, each
// fault's reach, and the gaps between successes longer than `withinUs`; it judges at the
// end of the run.
import type { Micros, NodeId } from '../../core/env.ts';
import { formatMicros } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import { FaultTimeline, type FaultState } from './faultTimeline.ts';

/** Quorums are enumerated as bit sets of the servers: at most this many. */
export const SERVERS_MAX = 12;

export interface QuorumLivenessOptions {
  servers: number;
  /** Node ids of the clients. */
  clients: readonly NodeId[];
  withinUs: Micros;
  /** When the clients stop issuing operations: nothing is judged after it. */
  clientsStopUs: Micros;
  /** A client's wait between two operations: its own gaps may be this much longer. */
  thinkUs: Micros;
}

/** Gaps of one client's answers the check remembers at most (later ones are counted, and make it inconclusive unless it fails). */
export const CLIENT_GAPS_MAX = 100_000;

export class QuorumLiveness {
  private readonly timeline: FaultTimeline;
  /** Gaps between successive successes (and from 0) longer than withinUs: [from, to). */
  private readonly gaps: [Micros, Micros][] = [];
  private lastOkUs = 0;
  /** Per client id, the first write it invoked since its last write with a known outcome (none: not waiting), and its waits longer than withinUs + thinkUs. */
  private readonly waitingSinceUs = new Map<number, Micros>();
  private readonly clientGaps: { client: number; from: Micros; to: Micros }[] = [];
  private clientGapsUnkept = 0;
  /** What was judged: calm stretches (of some quorum) longer than withinUs, and how long some quorum was calm. */
  stretches = 0;
  calmUs = 0;
  state = 'not run';

  constructor(private readonly world: World, private readonly o: QuorumLivenessOptions) {
    this.timeline = new FaultTimeline(world, o.servers);
    // Decided with the run's other checks wherever it ends (the workload's finish calls it first, for its stats).
    world.onConclude(() => this.conclude());
  }

  /** A client operation succeeded at `t` (times come in order). */
  ok(t: Micros): void {
    if (t - this.lastOkUs > this.o.withinUs) this.gaps.push([this.lastOkUs, t]);
    if (t > this.lastOkUs) this.lastOkUs = t;
  }

  /** Client `client` invoked a write at `t` (`answered` false), or a write of its completed with a known outcome (true); times come in order. */
  write(t: Micros, client: number, answered: boolean): void {
    const since = this.waitingSinceUs.get(client);
    if (!answered) {
      if (since === undefined) this.waitingSinceUs.set(client, t);
      return;
    }
    if (since !== undefined) this.clientGap(client, since, t);
    this.waitingSinceUs.delete(client);
  }

  private clientGap(client: number, from: Micros, to: Micros): void {
    if (to - from <= this.o.withinUs + this.o.thinkUs) return;
    if (this.clientGaps.length < CLIENT_GAPS_MAX) this.clientGaps.push({ client, from, to });
    else this.clientGapsUnkept++;
  }

  /** Judges the run up to `endUs` (its end), once: a violation for the first calm stretch without progress. */
  conclude(endUs: Micros = this.world.nowUs): void {
    if (this.state !== 'not run') return;
    const { servers, withinUs } = this.o;
    const stopUs = Math.min(endUs, this.o.clientsStopUs);
    if (endUs - this.lastOkUs > withinUs) this.gaps.push([this.lastOkUs, endUs]);
    for (const [c, since] of this.waitingSinceUs) this.clientGap(c, since, endUs);
    const quorum = Math.floor(servers / 2) + 1;
    // Breakpoints: every change of status or reach.
    const points = this.timeline.points(stopUs);
    /** The start of each quorum's current calm stretch, by bit set. */
    const since = new Map<number, Micros>();
    const close = (mask: number, from: Micros, to: Micros): string | null => {
      if (to - from <= withinUs) return null;
      this.stretches++;
      for (const [a, b] of this.gaps) {
        const lo = Math.max(a, from);
        const hi = Math.min(b, to);
        if (hi - lo > withinUs) return this.describe(mask, from, to, lo, hi);
      }
      for (const g of this.clientGaps) {
        const lo = Math.max(g.from, from);
        const hi = Math.min(g.to, to);
        if (hi - lo > withinUs + this.o.thinkUs) return this.describeClient(mask, from, to, g.client, lo, hi);
      }
      return null;
    };
    for (let i = 0; i < points.length; i++) {
      const t = points[i];
      const next = i + 1 < points.length ? points[i + 1] : stopUs;
      const calm = this.calmQuorums(this.timeline.at(t), quorum);
      if (calm.size > 0) this.calmUs += Math.min(next, stopUs) - t;
      for (const [mask, from] of [...since]) {
        if (calm.has(mask)) continue;
        since.delete(mask);
        const bad = close(mask, from, t);
        if (bad !== null) return this.fail(bad);
      }
      for (const mask of calm) if (!since.has(mask)) since.set(mask, t);
      if (next >= stopUs) break;
    }
    for (const [mask, from] of since) {
      const bad = close(mask, from, stopUs);
      if (bad !== null) return this.fail(bad);
    }
    if (this.clientGapsUnkept > 0) {
      this.state = 'inconclusive';
      this.world.cannotDecide('quorum-liveness', `${this.clientGapsUnkept} waits of a client's writes came after the ${CLIENT_GAPS_MAX} the check remembers, and were not judged`);
      return;
    }
    this.state = 'pass';
  }

  private fail(message: string): void {
    this.state = 'fail';
    this.world.violate('quorum-liveness', null, message);
  }

  private describe(mask: number, from: Micros, to: Micros, lo: Micros, hi: Micros): string {
    const q: number[] = [];
    for (let n = 0; n < this.o.servers; n++) if ((mask & (1 << n)) !== 0) q.push(n);
    const what = lo === from ? `from the start of that stretch` : `after the success at ${formatMicros(lo)}`;
    return `servers ${q.join(', ')}, a quorum, were up and free of faults and could reach each other and the clients from ${formatMicros(from)} to ${formatMicros(to)} (every other server down, cut off from them, or healthy too), yet no client operation succeeded for ${formatMicros(hi - lo)} ${what} (more than ${formatMicros(this.o.withinUs)}, liveness.within plus clients.timeout): Raft stays available while any majority of servers can communicate`;
  }

  private describeClient(mask: number, from: Micros, to: Micros, client: number, lo: Micros, hi: Micros): string {
    const q: number[] = [];
    for (let n = 0; n < this.o.servers; n++) if ((mask & (1 << n)) !== 0) q.push(n);
    return `servers ${q.join(', ')}, a quorum, were up and free of faults and could reach each other and the clients from ${formatMicros(from)} to ${formatMicros(to)}, and others' operations went on, yet client ${client} waited ${formatMicros(hi - lo)} from ${formatMicros(lo)} for a known outcome (a success or a definite failure) of a write it had invoked (more than ${formatMicros(this.o.withinUs + this.o.thinkUs)}, liveness.within plus clients.timeout plus clients.interval): Raft stays available to every client while any majority of servers can communicate`;
  }

  /** The calm quorums in state `f`, as bit sets. */
  private calmQuorums(f: FaultState, quorum: number): Set<number> {
    const { servers, clients } = this.o;
    const out = new Set<number>();
    for (let mask = 1; mask < 1 << servers; mask++) {
      const members: number[] = [];
      for (let x = 0; x < servers; x++) if ((mask & (1 << x)) !== 0) members.push(x);
      if (members.length < quorum || !members.every(f.healthy)) continue;
      if (!members.every((a) => members.every((b) => a === b || f.clean(a, b)) && clients.every((c) => f.clean(a, c)))) continue;
      let ok = true;
      for (let m = 0; m < servers && ok; m++) {
        if ((mask & (1 << m)) !== 0 || !f.up(m)) continue;
        const linked = f.healthy(m) && members.every((a) => f.clean(a, m)) && clients.every((c) => f.clean(m, c));
        ok = linked || members.every((a) => f.severed(a, m));
      }
      if (ok) out.add(mask);
    }
    return out;
  }
}
