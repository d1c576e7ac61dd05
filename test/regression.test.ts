// Goal: scenario regression. Every (scenario, seed) in test/regression/triples.json still
// produces its recorded trace hash, so no change alters a run without someone re-blessing
// it on purpose (`node bin/faultline.mjs bless`, see README "Regression"). Method: run each
// triple in-process exactly as `faultline run` does (swarm materialized) and compare.
import { describe, expect, it } from 'vitest';
import { hashOf, readTriples, triplesScenario } from '../cli/regression.ts';
import { loadScenarioRef } from '../cli/scenarioRef.ts';

const { triples } = readTriples();

describe('scenario regression triples', () => {
  it('the file covers the heartbeat catalogue, the swarm fixture, and raft-kv and load-kv runs', () => {
    const names = new Set(triples.map((t) => t.scenario));
    for (const n of ['heartbeat-crash', 'heartbeat-chaos', 'heartbeat-idle', 'test/regression/heartbeat-swarm.yaml', 'raft-kv-basic', 'overload-2x']) expect(names).toContain(n);
    const count = new Map<string, number>();
    for (const t of triples) {
      const w = loadScenarioRef(triplesScenario(t.scenario)).scenario.workload;
      count.set(w, (count.get(w) ?? 0) + 1);
    }
    for (const w of ['heartbeat', 'raft-kv', 'load-kv']) expect(count.get(w) ?? 0, `triples of workload ${w}`).toBeGreaterThanOrEqual(3);
  });

  it.each(triples.map((t) => [t.scenario, t.seed, t.traceHash] as const))('%s seed %i still hashes to %s', (scenario, seed, traceHash) => {
    expect(hashOf(scenario, seed)).toBe(traceHash);
  });
});
