// Goal: faults are layers over a node's or a link's base settings. While faults overlap,
// each setting shows a defined combination of the active layers (throttle: the largest
// factor; memory ballast: the sum; disk capacity: the smallest cap; fsync lies: any;
// everything else, link fields included: the latest-started layer wins); once every fault
// has healed, every setting is back at its base value, whatever the order of the heals.
// Method: two reproduced overlaps (throttle under a cpuSpike, byzantine corruption under a
// link fault) and the swarm's own find (two link faults); then a fast-check property over
// random sets of overlapping faults of every kind, comparing each host's and link's
// settings mid-run with a model of the active layers and, after the last heal, with the base.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISK_FAULTS } from '../sim/disk/disk.ts';
import { DEFAULT_CPU } from '../sim/host/cpu.ts';
import { DEFAULT_LINK, type LinkProfile } from '../sim/net/link.ts';
import { buildRun } from '../sim/run/runScenario.ts';
import { validateScenario } from '../sim/scenario/parse.ts';
import type { FaultSpec, Scenario, ScenarioInput } from '../sim/scenario/schema.ts';
import { toLinkProfile } from '../sim/scenario/topology.ts';
import type { World } from '../sim/world/world.ts';

const NODES = 3;

// The timelines are recorded (as a swarm draws them): a hand-written file is refused
// faults that overlap on a node's up/down state or change nothing (sim/scenario/writtenFaults.ts),
// but a swarm draws them, and this is how they combine.
function scenario(faults: ScenarioInput['faults'], duration = '8s'): Scenario {
  const r = validateScenario({ name: 'layers', description: 'x', workload: 'heartbeat', topology: { nodes: NODES }, duration, faults, liveness: { within: '1s' }, recorded: true });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

function worldAt(s: Scenario, ...timesUs: number[]): { world: World; probes: (() => void)[] } {
  const { world } = buildRun(s, 1, false);
  return { world, probes: timesUs.map((t) => () => { world.run({ timeUs: t, eventsMax: 10_000_000 }); }) };
}

describe('overlapping faults', () => {
  it('a throttle overlapping a cpuSpike heals to the base, and the larger factor wins meanwhile', () => {
    const s = scenario([
      { at: '1s', kind: 'throttle', node: 0, factor: 10, duration: '2s' },
      { at: '2s', kind: 'cpuSpike', node: 0, factor: 4, duration: '4s' },
    ]);
    const { world, probes } = worldAt(s, 2_500_000, 3_500_000, 6_500_000);
    const throttle = (): number => world.hosts[0].cpu.throttle;
    probes[0]();
    expect(throttle()).toBe(10);
    probes[1]();
    expect(throttle()).toBe(4);
    probes[2]();
    expect(throttle()).toBe(1);
  });

  it('byzantine corruption overlapping a link fault heals to the base', () => {
    const s = scenario([
      { at: '1s', kind: 'byzantine', mode: 'corrupt', node: 0, fraction: 0.5, duration: '1s' },
      { at: '1.5s', kind: 'link', from: [0], to: [1, 2], set: { loss: 0.2 }, duration: '1.5s' },
    ]);
    const { world, probes } = worldAt(s, 1_700_000, 2_500_000, 3_500_000);
    probes[0]();
    expect(world.net.profile(0, 1)).toMatchObject({ corrupt: 0.5, loss: 0.2 });
    probes[1]();
    expect(world.net.profile(0, 1)).toMatchObject({ corrupt: 0, loss: 0.2 });
    probes[2]();
    expect(world.net.profile(0, 1)).toEqual(DEFAULT_LINK);
    expect(world.net.profile(0, 2)).toEqual(DEFAULT_LINK);
  });

  it('two link faults whose heals do not nest each remove only their own settings (swarm-raft-network seed 180)', () => {
    const s = scenario([
      { at: '2s', kind: 'link', from: [0, 1, 2], to: [0, 1, 2], set: { loss: 0.9 }, duration: '2s' },
      { at: '3s', kind: 'link', from: [0, 1, 2], to: [0, 1, 2], set: { duplicate: 0.1 }, duration: '2s' },
    ], '10s');
    const { world, probes } = worldAt(s, 3_500_000, 4_500_000, 5_500_000);
    probes[0]();
    expect(world.net.profile(0, 1)).toMatchObject({ loss: 0.9, duplicate: 0.1 });
    probes[1]();
    expect(world.net.profile(0, 1)).toMatchObject({ loss: 0, duplicate: 0.1 });
    probes[2]();
    expect(world.net.profile(1, 2)).toMatchObject({ loss: 0, duplicate: 0 });
  });

  it('a drift overlapping another drift and a disk fault overlapping its twin heal to the base', () => {
    const s = scenario([
      { at: '1s', kind: 'drift', node: 1, ppm: 20_000, duration: '2s' },
      { at: '2s', kind: 'drift', node: 1, ppm: -5_000, duration: '2s' },
      { at: '1s', kind: 'readErrors', node: 2, prob: 0.3, duration: '2s' },
      { at: '2s', kind: 'readErrors', node: 2, prob: 0.1, duration: '2s' },
    ]);
    const { world, probes } = worldAt(s, 2_500_000, 3_500_000, 4_500_000);
    probes[0]();
    expect([world.hosts[1].clock.driftPpm, world.hosts[2].disk.faults.readErrorProb]).toEqual([-5_000, 0.1]);
    probes[1]();
    expect([world.hosts[1].clock.driftPpm, world.hosts[2].disk.faults.readErrorProb]).toEqual([-5_000, 0.1]);
    probes[2]();
    expect([world.hosts[1].clock.driftPpm, world.hosts[2].disk.faults.readErrorProb]).toEqual([0, 0]);
  });
});

// ---- The model: what each setting should be, given the faults active at a moment. ----

type Timed = FaultSpec & { duration: number };

function active(faults: readonly Timed[], tUs: number): Timed[] {
  // Starts at equal times run in list order (the order they were scheduled).
  return faults.map((f, i) => ({ f, i })).filter(({ f }) => f.duration !== undefined && f.at <= tUs && tUs < f.at + f.duration)
    .sort((a, b) => a.f.at - b.f.at || a.i - b.i).map(({ f }) => f);
}

interface NodeModel {
  throttle: number;
  driftPpm: number;
  ballastBytes: number;
  fsyncLies: boolean;
  tornWriteProb: number;
  readErrorProb: number;
  fsyncSlowUs: number;
  diskFull: boolean;
}

function nodeModel(on: readonly Timed[], node: number): NodeModel {
  const m: NodeModel = { throttle: 1, driftPpm: 0, ballastBytes: 0, fsyncLies: false, tornWriteProb: DEFAULT_DISK_FAULTS.tornWriteProb, readErrorProb: 0, fsyncSlowUs: 0, diskFull: false };
  for (const f of on) {
    if (!('node' in f) || f.node !== node) continue;
    switch (f.kind) {
      case 'throttle': case 'cpuSpike': m.throttle = Math.max(m.throttle, f.factor); break;
      case 'drift': m.driftPpm = f.ppm; break;
      case 'memory': m.ballastBytes += f.bytes; break;
      case 'fsyncLoss': m.fsyncLies = true; break;
      case 'tornWrites': m.tornWriteProb = f.prob; break;
      case 'readErrors': m.readErrorProb = f.prob; break;
      case 'slowDisk': m.fsyncSlowUs = Math.max(m.fsyncSlowUs, f.fsync); break;
      case 'diskFull': m.diskFull = true; break;
      default: break;
    }
  }
  return m;
}

function linkModel(on: readonly Timed[], a: number, b: number): LinkProfile {
  let p: LinkProfile = { ...DEFAULT_LINK };
  for (const f of on) {
    if (f.kind === 'link' && f.from.includes(a) && f.to.includes(b)) p = toLinkProfile(f.set, p);
    if (f.kind === 'byzantine' && f.mode === 'corrupt' && f.node === a) p = { ...p, corrupt: f.fraction };
  }
  return p;
}

function observedNode(w: World, node: number): NodeModel {
  const h = w.hosts[node];
  return {
    throttle: h.cpu.throttle, driftPpm: h.clock.driftPpm, ballastBytes: h.ballastBytes, fsyncLies: h.disk.faults.fsyncLies,
    tornWriteProb: h.disk.faults.tornWriteProb, readErrorProb: h.disk.faults.readErrorProb, fsyncSlowUs: h.disk.faults.fsyncSlowUs, diskFull: h.disk.faults.capacityBytes !== DEFAULT_DISK_FAULTS.capacityBytes,
  };
}

function expectModel(w: World, faults: readonly Timed[], tUs: number): void {
  const on = active(faults, tUs);
  for (let n = 0; n < NODES; n++) {
    expect(observedNode(w, n), `node ${n} at ${tUs} µs`).toEqual(nodeModel(on, n));
    expect(w.hosts[n].cpu.profile.startUs, `node ${n} start cost at ${tUs} µs`).toBe(DEFAULT_CPU.startUs);
    for (let m = 0; m < NODES; m++) if (m !== n) expect(w.net.profile(n, m), `link ${n}->${m} at ${tUs} µs`).toEqual(linkModel(on, n, m));
  }
}

// Faults start and heal on a 100 ms grid, so they often start, heal or both at the same instant.
const grid = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi }).map((k) => k * 100_000);
const node = fc.integer({ min: 0, max: NODES - 1 });
const nodes = fc.uniqueArray(node, { minLength: 1, maxLength: NODES });
const prob = fc.integer({ min: 0, max: 20 }).map((k) => k / 20);
/** A fault's own probability: 0 is refused (the fault would change nothing). */
const firing = fc.integer({ min: 1, max: 20 }).map((k) => k / 20);

const kinds: fc.Arbitrary<object>[] = [
  fc.record({ kind: fc.constant('throttle'), node, factor: fc.integer({ min: 2, max: 20 }) }),
  fc.record({ kind: fc.constant('cpuSpike'), node, factor: fc.integer({ min: 2, max: 200 }) }),
  fc.record({ kind: fc.constant('drift'), node, ppm: fc.integer({ min: -50, max: 50 }).map((k) => k * 1000) }),
  fc.record({ kind: fc.constant('memory'), node, bytes: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('fsyncLoss'), node }),
  fc.record({ kind: fc.constant('tornWrites'), node, prob: firing }),
  fc.record({ kind: fc.constant('readErrors'), node, prob: firing }),
  fc.record({ kind: fc.constant('diskFull'), node }),
  fc.record({ kind: fc.constant('slowDisk'), node, fsync: fc.integer({ min: 1, max: 50 }).map((k) => k * 1000) }),
  fc.record({ kind: fc.constant('slowStart'), node, startDelay: grid(0, 3) }),
  fc.record({ kind: fc.constant('clock'), node, step: fc.integer({ min: -3, max: 3 }).map((k) => k * 1_000_000) }),
  fc.record({ kind: fc.constant('byzantine'), mode: fc.constant('corrupt'), node, fraction: firing }),
  fc.record({ kind: fc.constant('link'), from: nodes, to: nodes, set: fc.record({ loss: prob, duplicate: prob, reorder: prob, corrupt: prob, bandwidthBytesPerS: fc.integer({ min: 1, max: 3 }).map((k) => k * 100_000) }, { requiredKeys: [] }) }),
];

/** A clock step has no duration: it moves the wall clock once and is no layer. */
const timed = (f: object): fc.Arbitrary<object> => fc.tuple(grid(1, 30), grid(1, 20)).map(([at, duration]) => ('step' in f ? { at, ...f } : { at, duration, ...f }));

/**
 * A few kinds per case, many faults of them: overlaps of the same kind on the same node or
 * link, the cases that matter, come up often instead of once in a hundred runs.
 */
const faults: fc.Arbitrary<Timed[]> = fc.uniqueArray(fc.integer({ min: 0, max: kinds.length - 1 }), { minLength: 1, maxLength: 3 })
  .chain((picked) => fc.array(fc.oneof(...picked.map((k) => kinds[k])).chain(timed), { minLength: 2, maxLength: 10 }))
  .map((fs) => fs as Timed[]);

describe('fault layers (property)', () => {
  it('while faults overlap each setting is the defined combination; once all heal, every setting is at its base', () => {
    fc.assert(fc.property(faults, (fs) => {
      const s = scenario(fs as unknown as ScenarioInput['faults']);
      const { world } = buildRun(s, 1, false);
      // Probe between grid points, so no start or heal shares the instant.
      for (let p = 50_000; p < 5_100_000; p += 100_000) {
        world.run({ timeUs: p, eventsMax: 10_000_000 });
        expectModel(world, s.faults as Timed[], p);
      }
      world.run({ timeUs: 6_500_000, eventsMax: 10_000_000 });
      expectModel(world, s.faults as Timed[], 6_500_000);
    }), { numRuns: 60 });
  });
});
