// Goal: scenario regression. Every (scenario, seed) in test/regression/triples.json still
// produces its recorded trace hash, so no change alters a run without someone re-blessing
// it on purpose (`node bin/faultline.mjs bless`, see README "Regression"). Method: run each
// triple in-process exactly as `faultline run` does (swarm materialized) and compare.
import { describe, expect, it } from 'vitest';
import { hashOf, readTriples } from '../cli/regression.ts';

const { triples } = readTriples();

describe('scenario regression triples', () => {
  it('the file covers the heartbeat catalogue and the swarm fixture', () => {
    const names = new Set(triples.map((t) => t.scenario));
    for (const n of ['heartbeat-crash', 'heartbeat-chaos', 'heartbeat-idle', 'test/regression/heartbeat-swarm.yaml']) expect(names).toContain(n);
  });

  it.each(triples.map((t) => [t.scenario, t.seed, t.traceHash] as const))('%s seed %i still hashes to %s', (scenario, seed, traceHash) => {
    expect(hashOf(scenario, seed)).toBe(traceHash);
  });
});
