// Goal: the manager's safety promises hold whatever the metrics do, and a deliberately
// broken manager is caught by the same checks. (1) Noisy or flapping metrics never make it
// act faster than its action rate and per-target cool-down. (2) It never starts an action
// after which fewer than a quorum of voters is healthy. (3) A byzantine node reporting
// false metrics (accusing a peer, claiming disk errors and a full memory) never gets more
// than one healthy node replaced.
// Method: fast-check generates fault schedules (crashes, dead hosts, cut-off nodes,
// leaks), noise (missing answers, round-trip spikes), a flapping memory figure and a
// liar; the real Analyzer, diagnose, Planner and Executor run on a model cluster
// (test/support/mapekModel.ts) for 150 rounds of 200 ms; every decision is checked
// against the ground truth. The broken variants (bugs.noQuorumGuard, bugs.noCooldown)
// must fail the property they remove on the first of the crafted schedules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyViolations, ModelCluster, type ModelFault, type ModelOptions } from '../../test/support/mapekModel.ts';
import { managerConfig, type ManagerBugs } from './config.ts';

const SERVERS = [0, 1, 2, 3, 4];
const SPARES = [5, 6];

function cfgWith(bugs: ManagerBugs = {}) {
  return managerConfig({ servers: SERVERS, spares: SPARES, controlPlane: 99, intervalUs: 200_000, bugs });
}

const faultArb = fc.record({
  round: fc.integer({ min: 5, max: 100 }),
  kind: fc.constantFrom<ModelFault['kind']>('crash', 'isolate', 'leak'),
  node: fc.integer({ min: 0, max: 4 }),
  broken: fc.boolean(),
});

const optionsArb = fc.record({
  seed: fc.string({ minLength: 1, maxLength: 8 }),
  faults: fc.array(faultArb, { maxLength: 4 }),
  dropProb: fc.double({ min: 0, max: 0.2, noNaN: true }),
  spikeProb: fc.double({ min: 0, max: 0.2, noNaN: true }),
  flapNode: fc.integer({ min: -1, max: 4 }),
  flapHigh: fc.integer({ min: 1, max: 6 }),
  flapLow: fc.integer({ min: 1, max: 6 }),
  liar: fc.integer({ min: -1, max: 4 }),
});

function run(o: Omit<ModelOptions, 'cfg' | 'rounds'>, bugs: ManagerBugs = {}) {
  const cfg = cfgWith(bugs);
  const m = new ModelCluster({ ...o, cfg, rounds: 150 }).run();
  return { m, v: propertyViolations(m, cfg) };
}

describe('MAPE-K safety properties (fast-check over a model cluster)', () => {
  it('never exceeds its action rate, never breaks the quorum guard, never replaces two healthy nodes for a liar', () => {
    fc.assert(fc.property(optionsArb, (o) => {
      const { v } = run(o);
      expect(v.rate).toEqual([]);
      expect(v.quorum).toEqual([]);
      expect(v.byzantine).toEqual([]);
    }), { numRuns: 120, seed: 11 });
  });

  it('acts at all: a crash is restarted, a cut-off node replaced (at once: a restart cannot end an isolation), a leak restarted', () => {
    const crash = run({ seed: 'a', faults: [{ round: 10, kind: 'crash', node: 2 }], dropProb: 0, spikeProb: 0, flapNode: -1, flapHigh: 1, flapLow: 1, liar: -1 }).m;
    expect(crash.decisions.map((d) => `${d.kind} n${d.target}`)).toEqual(['restart n2']);
    const cut = run({ seed: 'b', faults: [{ round: 10, kind: 'isolate', node: 3 }], dropProb: 0, spikeProb: 0, flapNode: -1, flapHigh: 1, flapLow: 1, liar: -1 }).m;
    expect(cut.decisions.map((d) => `${d.kind} n${d.target}`)).toEqual(['replace n3']);
    expect(cut.voters).toEqual([0, 1, 2, 4, 5]);
    const leak = run({ seed: 'c', faults: [{ round: 10, kind: 'leak', node: 1 }], dropProb: 0, spikeProb: 0, flapNode: -1, flapHigh: 1, flapLow: 1, liar: -1 }).m;
    expect(leak.decisions.map((d) => `${d.kind} n${d.target}`)).toEqual(['restart n1']);
  });

  it('without the quorum guard, it restarts a leaking node while two voters are dead, and the property catches it', () => {
    const schedule = { seed: 'q', faults: [{ round: 5, kind: 'crash' as const, node: 0, broken: true }, { round: 5, kind: 'crash' as const, node: 1, broken: true }, { round: 8, kind: 'leak' as const, node: 2 }], dropProb: 0, spikeProb: 0, flapNode: -1, flapHigh: 1, flapLow: 1, liar: -1 };
    const safe = run({ ...schedule }, {}).v;
    expect(safe.quorum).toEqual([]);
    const spare = { ...schedule };
    const broken = run(spare, { noQuorumGuard: true }).v;
    expect(broken.quorum.length).toBeGreaterThan(0);
    expect(broken.quorum[0]).toMatch(/restart n2 leaves 2 healthy voters of a quorum of 3/);
  });

  it('without the cool-down, a flapping memory figure makes it act too often, and the property catches it', () => {
    const flapping = { seed: 'f', faults: [], dropProb: 0, spikeProb: 0, flapNode: 3, flapHigh: 2, flapLow: 3, liar: -1 };
    expect(run(flapping).v.rate).toEqual([]);
    expect(run(flapping, { noCooldown: true }).v.rate.length).toBeGreaterThan(0);
  });

  it('a liar accusing a peer and claiming disk errors gets only itself acted on', () => {
    const { m, v } = run({ seed: 'l', faults: [], dropProb: 0, spikeProb: 0, flapNode: -1, flapHigh: 1, flapLow: 1, liar: 4 });
    expect(v.byzantine).toEqual([]);
    expect(new Set(m.decisions.map((d) => d.target))).toEqual(new Set([4]));
  });
});
