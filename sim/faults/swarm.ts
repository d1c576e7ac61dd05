// Swarm testing: the seed draws a concrete fault schedule from a scenario's `swarm` ranges.
//
// Contract: `sampleSwarm(s, seed)` depends only on the scenario and the seed. It draws from
// the run's named stream `swarm` (same seed string as the world's streams, so the draw is
// the run's own), and returns ordinary FaultSpec entries that validate against the schema.
// `materialize` appends them to the explicit faults and drops the swarm section, so the
// result is a plain scenario that runs, prints and shrinks like any hand-written one; it
// is idempotent. Every sampled fault heals by window end + the longest duration, which is
// what the parser checks against the liveness phase.
import type { Micros } from '../../core/env.ts';
import { CLOCK_DRIFT_MAX_DEFAULT } from '../../core/raft/config.ts';
import { Stream } from '../kernel/random.ts';
import type { FaultSpec, Scenario, SwarmKind, SwarmSpec } from '../scenario/schema.ts';
import { findWorkload } from '../workloads/registry.ts';

/** The seed string the world derives its streams from (see sim/run/runScenario.ts). */
export function runSeedName(s: Scenario, seed: number): string {
  return `${s.name}/${seed}`;
}

interface Draw {
  r: Stream;
  nodes: number;
  atUs: Micros;
  durationUs: Micros;
  /** The clock drift bound of the scenario's servers (raft.clockDriftMax, else the default). */
  driftBound: number;
}

/**
 * The largest drift, in ppm, that keeps any two clocks within `bound` of each other: one
 * at +x and another at -x differ by (1 + x) / (1 - x) - 1, at most `bound` when
 * x <= bound / (2 + bound).
 */
export function driftInBoundPpm(bound: number): number {
  return Math.floor((1e6 * bound) / (2 + bound));
}

/** The drift bound a scenario's servers assume: its `raft.clockDriftMax`, else the default. */
function driftBoundOf(s: Scenario): number {
  const raft = (s as { raft?: { clockDriftMax?: unknown } }).raft;
  return typeof raft?.clockDriftMax === 'number' ? raft.clockDriftMax : CLOCK_DRIFT_MAX_DEFAULT;
}

/** A time in [lo, hi], on a whole millisecond from lo so printed schedules stay readable. */
function pickUs(r: Stream, lo: Micros, hi: Micros): Micros {
  return lo + 1000 * r.intBetween(0, Math.floor((hi - lo) / 1000));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function shuffled(r: Stream, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Two non-empty sides, each sorted, from a random cut of a shuffled node list. */
function split(r: Stream, nodes: number[]): [number[], number[]] {
  const cut = 1 + r.int(nodes.length - 1);
  const byId = (a: number, b: number): number => a - b;
  return [nodes.slice(0, cut).sort(byId), nodes.slice(cut).sort(byId)];
}

function all(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function linkFault(d: Draw, set: Extract<FaultSpec, { kind: 'link' }>['set']): FaultSpec {
  return { at: d.atUs, kind: 'link', from: all(d.nodes), to: all(d.nodes), set, duration: d.durationUs };
}

function networkFault(kind: SwarmKind, d: Draw): FaultSpec | null {
  const { r, nodes: n, atUs: at, durationUs: duration } = d;
  switch (kind) {
    case 'partition': return { at, kind: 'partition', groups: split(r, shuffled(r, n)), duration };
    case 'oneway': {
      const [from, to] = split(r, shuffled(r, n));
      return { at, kind: 'oneway', from, to, duration };
    }
    case 'bridge': {
      if (n < 3) return null;
      const [bridge, ...rest] = shuffled(r, n);
      const [left, right] = split(r, rest);
      return { at, kind: 'bridge', left, right, bridge, duration };
    }
    case 'isolate': return { at, kind: 'isolate', nodes: [r.int(n)], duration };
    case 'link-loss': return linkFault(d, { loss: round2(0.05 + r.next() * 0.45) });
    case 'link-delay': return linkFault(d, { latency: { kind: 'uniform', min: 10_000, max: 10_000 + pickUs(r, 0, 190_000) } });
    case 'link-duplicate': return linkFault(d, { duplicate: round2(0.05 + r.next() * 0.45) });
    case 'link-reorder': return linkFault(d, { reorder: round2(0.1 + r.next() * 0.8) });
    case 'link-corrupt': return linkFault(d, { corrupt: round2(0.05 + r.next() * 0.45) });
    case 'link-bandwidth': return linkFault(d, { bandwidthBytesPerS: 1000 * r.intBetween(1, 100) });
    // Old messages, many of them: duplicated, reordered and held back by a long latency tail.
    case 'link-chaos': return linkFault(d, {
      duplicate: round2(0.2 + r.next() * 0.4), reorder: round2(0.3 + r.next() * 0.6),
      latency: { kind: 'longtail', min: 1000, alpha: round2(0.8 + r.next()), max: 1000 * r.intBetween(50, 400) },
    });
    default: return null;
  }
}

function nodeFault(kind: SwarmKind, d: Draw): FaultSpec | null {
  const { r, atUs: at, durationUs: duration } = d;
  const node = r.int(d.nodes);
  switch (kind) {
    case 'crash': return { at, kind: 'crash', node, duration };
    case 'shutdown': return { at, kind: 'shutdown', node, duration };
    case 'pause': return { at, kind: 'pause', node, duration };
    case 'throttle': return { at, kind: 'throttle', node, factor: r.intBetween(2, 20), duration };
    case 'cpuSpike': return { at, kind: 'cpuSpike', node, factor: r.intBetween(20, 200), duration: Math.min(duration, 500_000) };
    case 'clock': return { at, kind: 'clock', node, step: 1000 * r.intBetween(-500, 500), driftPpm: 100 * r.intBetween(-100, 100) };
    case 'drift': return { at, kind: 'drift', node, ppm: 1000 * r.intBetween(-50, 50), duration };
    case 'drift-in-bound': {
      // Large within the bound (half of it or more), either way: the edge is where lease bugs live.
      const max = driftInBoundPpm(d.driftBound);
      const ppm = r.intBetween(Math.ceil(max / 2), max);
      return { at, kind: 'drift', node, ppm: r.next() < 0.5 ? -ppm : ppm, duration };
    }
    case 'diskFull': return { at, kind: 'diskFull', node, duration };
    case 'slowStart': {
      // The down time and the slow start share the sampled duration, so the heal stays in range.
      const startDelay = 1000 * Math.floor(duration / 2000);
      return { at, kind: 'slowStart', node, duration: duration - startDelay, startDelay };
    }
    case 'fsyncLoss': return { at, kind: 'fsyncLoss', node, duration };
    // A leak that fills the default 256 MB budget in 5-20 s if nothing restarts the node.
    case 'leak': return { at, kind: 'leak', node, rate: 1_000_000 * r.intBetween(13, 50), duration };
    case 'leader-crash': return { at, kind: 'leader', do: 'crash', duration };
    case 'leader-throttle': return { at, kind: 'leader', do: 'throttle', factor: r.intBetween(20, 60), duration };
    case 'tornWrites': return { at, kind: 'tornWrites', node, prob: 1, duration };
    case 'readErrors': return { at, kind: 'readErrors', node, prob: round2(0.01 + r.next() * 0.29), duration };
    // 1-50 ms more per fsync; slow-restart first crashes the node, down for up to half the time.
    case 'slowDisk': return { at, kind: 'slowDisk', node, duration, fsync: 1000 * r.intBetween(1, 50) };
    case 'slow-restart': return { at, kind: 'slowDisk', node, duration, fsync: 1000 * r.intBetween(1, 50), down: 1000 * r.intBetween(0, Math.floor(duration / 2000)) };
    default: return byzantineFault(kind, d, node);
  }
}

/** The aimed nemeses (aimed.ts): they pick their targets when they act. */
function aimedFault(kind: SwarmKind, d: Draw): FaultSpec | null {
  const { r, atUs: at, durationUs: duration } = d;
  switch (kind) {
    case 'crashOn-vote':
    case 'crashOn-term':
    case 'crashOn-persist':
    case 'crashOn-write':
    case 'crashOn-truncate': {
      // The last restart comes `down` after the window closes: both fit in the sampled duration.
      const down = Math.min(1000 * r.intBetween(20, 400), Math.floor(duration / 2000) * 1000);
      return { at, kind: 'crashOn', on: kind.slice('crashOn-'.length) as 'vote' | 'term' | 'persist' | 'write' | 'truncate', duration: duration - down, down, prob: round2(0.3 + r.next() * 0.7), count: r.intBetween(1, 5) };
    }
    case 'deafenOn-transfer': {
      const down = Math.min(1000 * r.intBetween(50, 500), Math.floor(duration / 2000) * 1000);
      return { at, kind: 'deafenOn', on: 'transfer', duration: duration - down, down, prob: round2(0.5 + r.next() * 0.5), count: r.intBetween(1, 5) };
    }
    case 'figure8':
    case 'diverge':
      return { at, kind, duration, period: Math.max(1000, Math.min(duration, 1000 * r.intBetween(500, 1500))) }; // 1ms: the schema's least period
    case 'lease-edge':
      return { at, kind: 'leaseEdge', duration, period: Math.max(1000, Math.min(duration, 1000 * r.intBetween(1000, 2500))), ppm: driftInBoundPpm(d.driftBound) };
    case 'stale-write':
      return { at, kind: 'staleWrite', duration, period: Math.max(1000, Math.min(duration, 1000 * r.intBetween(1000, 2000))) };
    default:
      return null;
  }
}

function byzantineFault(kind: SwarmKind, d: Draw, node: number): FaultSpec | null {
  if (!kind.startsWith('byzantine-')) return null;
  const mode = kind.slice('byzantine-'.length) as Extract<FaultSpec, { kind: 'byzantine' }>['mode'];
  const rate = mode === 'flood' ? 100 * d.r.intBetween(1, 20) : d.r.intBetween(5, 100);
  return { at: d.atUs, kind: 'byzantine', mode, node, duration: d.durationUs, fraction: round2(0.1 + d.r.next() * 0.8), rate };
}

/** One sampled fault; kinds that need more nodes than the topology has fall back to a pause. */
function sampleOne(kind: SwarmKind, d: Draw): FaultSpec {
  const needsTwo = ['partition', 'oneway'].includes(kind);
  const f = d.nodes < 2 && needsTwo ? null : (networkFault(kind, d) ?? aimedFault(kind, d) ?? nodeFault(kind, d));
  return f ?? { at: d.atUs, kind: 'pause', node: d.r.int(d.nodes), duration: d.durationUs };
}

/** The concrete faults the seed draws from `swarm`, in time order. */
export function sampleSwarm(s: Scenario, seed: number): FaultSpec[] {
  const sw: SwarmSpec | undefined = s.swarm;
  if (sw === undefined) return [];
  const r = new Stream(runSeedName(s, seed), 'swarm');
  const count = r.intBetween(sw.count[0], sw.count[1]);
  const driftBound = driftBoundOf(s);
  const out: FaultSpec[] = [];
  for (let i = 0; i < count; i++) {
    const kind = sw.kinds[r.int(sw.kinds.length)];
    const atUs = pickUs(r, sw.window[0], sw.window[1]);
    const durationUs = pickUs(r, sw.duration[0], sw.duration[1]);
    out.push(sampleOne(kind, { r, nodes: s.topology.nodes, atUs, durationUs, driftBound }));
  }
  // A stable sort keeps equal times in draw order, so the schedule is the same everywhere.
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The workload's own settings the seed draws (swarm testing of the protocol, e.g.
 * `raft.swarm`), with the scenario they make; null when the scenario asks for none. The
 * stream is `settings`, apart from the faults' `swarm` stream, so drawing settings never
 * changes which faults a seed draws.
 */
export function sampleSettings(s: Scenario, seed: number): { scenario: Scenario; drawn: Record<string, string | number | boolean> } | null {
  const w = findWorkload(s.workload);
  if (w?.drawSettings === undefined) return null;
  return w.drawSettings(s as never, new Stream(runSeedName(s, seed), 'settings')) as { scenario: Scenario; drawn: Record<string, string | number | boolean> } | null;
}

/** The scenario with the seed's swarm faults and settings written in concretely and no swarm requests left. */
export function materialize(s: Scenario, seed: number): Scenario {
  const settled = sampleSettings(s, seed)?.scenario ?? s;
  if (settled.swarm === undefined) return settled;
  const { swarm: _swarm, ...rest } = settled;
  // The drawn faults may overlap on a node or draw a value that changes nothing: a file
  // written from this scenario runs them as drawn (sim/scenario/writtenFaults.ts).
  return { ...rest, recorded: true, faults: [...settled.faults, ...sampleSwarm(settled, seed)] };
}
