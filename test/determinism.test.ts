// Goal: the determinism contract. Same scenario + seed gives the same trace hash twice
// (madsim's run-twice check); different seeds give different traces; events never run out
// of canonical order. Method: run catalogue scenarios in-process and compare reports and
// retained traces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

const scenario = catalogScenario;

describe('determinism', () => {
  it('the same seed gives the same trace hash and event count, twice in a row', () => {
    for (const name of ['heartbeat-crash', 'heartbeat-chaos']) {
      const s = scenario(name);
      const a = runScenario(s, 42).report;
      const b = runScenario(s, 42).report;
      expect(b.traceHash).toBe(a.traceHash);
      expect(b.events).toBe(a.events);
      expect(a.events).toBeGreaterThan(1000);
    }
  });

  it('different seeds give different traces', () => {
    const s = scenario('heartbeat-chaos');
    fc.assert(fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (x, y) => {
      fc.pre(x !== y);
      expect(runScenario(s, x).report.traceHash).not.toBe(runScenario(s, y).report.traceHash);
    }), { numRuns: 10 });
  });

  it('retaining the trace does not change it, and events run in time order', () => {
    const s = scenario('heartbeat-chaos');
    const plain = runScenario(s, 7).report;
    const { report, world } = runScenario(s, 7, { retainTrace: true });
    expect(report.traceHash).toBe(plain.traceHash);
    const events = world.trace.events();
    expect(events.length).toBe(report.stats.traced);
    for (let i = 1; i < events.length; i++) expect(events[i].t).toBeGreaterThanOrEqual(events[i - 1].t);
  });

  it('progress reporting does not change the run', () => {
    const s = scenario('heartbeat-crash');
    const seen: number[] = [];
    const a = runScenario(s, 3, { onProgress: (t) => seen.push(t), progressStepUs: 123_457 }).report;
    expect(a.traceHash).toBe(runScenario(s, 3).report.traceHash);
    expect(seen.length).toBeGreaterThan(50);
  });
});
