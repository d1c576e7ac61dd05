// Goal: `raft.swarm: true` draws Raft's protocol settings from the seed, the same for the
// same seed, differently across seeds, covering the settings catalogue scenarios never use
// (PreVote or CheckQuorum off, snapshots every few entries, one entry per message); the
// draw is written into the scenario so it replays from the seed alone, and a scenario that
// does not ask is left as it is (its trace hash cannot move). Method: materialize and
// sampleSettings on a catalogue scenario, and one short run.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import { CLOCK_DRIFT_MAX_DEFAULT } from '../../core/raft/config.ts';
import { driftInBoundPpm, materialize, sampleSettings } from '../faults/swarm.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { leaseClocksBroken } from './kvSections.ts';
import type { RaftKvScenario } from './raftKv.ts';

const base = catalogScenario('node-crash-leader') as RaftKvScenario;
const swarmed = { ...base, raft: { ...base.raft, swarm: true } } as Scenario;

describe('raft.swarm', () => {
  it('leaves a scenario that does not ask unchanged', () => {
    expect(materialize(base, 7)).toBe(base);
    expect(sampleSettings(base, 7)).toBeNull();
  });

  it('draws the same settings for a seed, and writes them into the scenario', () => {
    const a = sampleSettings(swarmed, 7);
    expect(a).not.toBeNull();
    expect(sampleSettings(swarmed, 7)?.drawn).toEqual(a?.drawn);
    const m = materialize(swarmed, 7) as RaftKvScenario;
    expect(m.raft.swarm).toBeUndefined();
    expect(m.raft).toMatchObject(a?.drawn ?? {});
    expect(materialize(m, 7)).toBe(m); // Idempotent: nothing is left to draw.
  });

  it('covers the settings the catalogue never uses within a few dozen seeds', () => {
    const drawn = Array.from({ length: 40 }, (_, i) => sampleSettings(swarmed, i + 1)?.drawn ?? {});
    // Nearly every seed draws a configuration of its own (step-by-step replication fixes two
    // settings at once, so two of 40 may now coincide).
    expect(new Set(drawn.map((d) => JSON.stringify(d))).size).toBeGreaterThanOrEqual(38);
    expect(drawn.some((d) => d.preVote === false && d.checkQuorum === false)).toBe(true);
    expect(drawn.some((d) => (d.snapshotEvery as number) <= 5)).toBe(true);
    // Step by step (one entry per message, one in flight), the Figure 8 setting, in about a third of the seeds.
    expect(drawn.filter((d) => d.maxEntriesPerMsg === 1 && d.maxInflight === 1).length).toBeGreaterThanOrEqual(8);
    expect(drawn.some((d) => d.readMode === 'lease')).toBe(true);
    for (const d of drawn) expect(d.heartbeatTicks as number).toBeLessThan(d.electionTicks as number);
  });

  it('never draws lease reads where the scenario moves clocks beyond the lease\'s drift bound', () => {
    const drifting = { ...swarmed, faults: [...swarmed.faults, { at: 500_000, kind: 'drift', node: 1, ppm: 300_000 }] } as Scenario;
    for (let seed = 1; seed <= 40; seed++) expect(sampleSettings(drifting, seed)?.drawn.readMode).toBe('safe');
  });

  it('still draws lease reads beside drift-in-bound, whose drifts keep every two clocks within the bound, and large within it', () => {
    const inBound = { ...swarmed, faults: [], swarm: { kinds: ['drift-in-bound'], count: [6, 6], window: [500_000, 2_000_000], duration: [300_000, 1_000_000] } } as Scenario;
    const settled = Array.from({ length: 40 }, (_, i) => materialize(inBound, i + 1) as RaftKvScenario);
    expect(settled.some((m) => m.raft.readMode === 'lease')).toBe(true);
    const max = driftInBoundPpm(CLOCK_DRIFT_MAX_DEFAULT);
    expect(max).toBe(47_619); // (1 + x) / (1 - x) = 1.1 at x = 0.1 / 2.1.
    for (const m of settled) {
      expect(m.faults.length).toBe(6);
      for (const f of m.faults) {
        if (f.kind !== 'drift') throw new Error(`drift-in-bound drew a ${f.kind} fault`);
        expect(Math.abs(f.ppm)).toBeGreaterThanOrEqual(max / 2);
        expect(Math.abs(f.ppm)).toBeLessThanOrEqual(max);
      }
      expect(leaseClocksBroken(m.faults, { readMode: 'lease', clockDriftMax: CLOCK_DRIFT_MAX_DEFAULT })).toBeNull();
    }
    expect(settled.some((m) => m.faults.some((f) => f.kind === 'drift' && f.ppm < 0)) && settled.some((m) => m.faults.some((f) => f.kind === 'drift' && f.ppm > 0))).toBe(true);
    // A scenario's own, tighter bound is the one kept.
    const tight = materialize({ ...inBound, raft: { ...(inBound as RaftKvScenario).raft, clockDriftMax: 0.01 } } as Scenario, 1);
    for (const f of tight.faults) if (f.kind === 'drift') expect(Math.abs(f.ppm)).toBeLessThanOrEqual(driftInBoundPpm(0.01));
  });

  it('tells when clock faults break the lease\'s assumption: a step, or drifts further apart than the bound', () => {
    const lease = { readMode: 'lease', clockDriftMax: 0.1 } as const;
    const drift = (node: number, ppm: number): Scenario['faults'][number] => ({ at: 0, kind: 'drift', node, ppm });
    expect(leaseClocksBroken([drift(0, 47_000), drift(1, -47_000)], lease)).toBeNull();
    expect(leaseClocksBroken([drift(0, 60_000), drift(1, -60_000)], lease)).toMatch(/one clock run 12\.8% faster than another, beyond raft\.clockDriftMax \(10%\)/);
    expect(leaseClocksBroken([drift(0, 120_000)], lease)).toMatch(/12\.0% faster/);
    expect(leaseClocksBroken([{ at: 2_000_000, kind: 'clock', node: 3, step: 500_000 }], lease)).toBe("a clock fault steps node 3's clock at 2000 ms");
    expect(leaseClocksBroken([drift(0, 120_000)], { ...lease, readMode: 'safe' })).toBeNull();
  });

  it('a drawn run replays from the seed alone', () => {
    const one = runScenario(materialize(swarmed, 3), 3).report;
    const two = runScenario(materialize(swarmed, 3), 3).report;
    expect(two.traceHash).toBe(one.traceHash);
    expect(one.verdict).toBe('pass');
    expect(one.traceHash).not.toBe(runScenario(materialize(base, 3), 3).report.traceHash);
  });
});
