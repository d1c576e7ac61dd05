// Goal: the rag catalogue (scenarios/rag-*.yaml) is well-formed, and its teeth scenario
// fails for the reason it says while the same scenario without the bug passes.
// Method: every rag scenario parses and leaves room for its liveness check; the teeth
// scenario (3 simulated seconds over the full real corpus) runs with and without
// rag.bugs. The catalogue runs themselves are long (8-9 s each over the full corpus): they
// are swept by `faultline sweep` (docs/rag.md), not here.
import { describe, expect, it } from 'vitest';
import { catalogFiles, loadScenarioFile, scenarioNameOf } from '../../cli/catalog.ts';
import { lastHealUs } from '../../sim/faults/schedule.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import type { RagScenario } from '../../sim/workloads/rag/ragScenario.ts';

const rag = catalogFiles().filter((f) => /^(rag-|teeth-rag-)/.test(scenarioNameOf(f))).map((f) => {
  const p = loadScenarioFile(f);
  if (!p.ok) throw new Error(`${f}: ${p.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
  return p.scenario as RagScenario;
});

describe('the rag catalogue', () => {
  it('holds the six kinds the issue names, a swarm and a teeth scenario, each leaving room for liveness', () => {
    const names = rag.map((s) => s.name).sort();
    for (const n of ['rag-basic', 'rag-replica-crash-ingest', 'rag-partition-replica', 'rag-hot-queries', 'rag-ingest-storm', 'rag-slow-replica', 'rag-swarm', 'teeth-rag-skip-tail']) expect(names).toContain(n);
    for (const s of rag) {
      expect(s.workload).toBe('rag');
      expect(s.description.length, s.name).toBeGreaterThan(200);
      const heal = Math.max(lastHealUs(s.faults), s.swarm === undefined ? 0 : s.swarm.window[1] + s.swarm.duration[1]);
      expect(Math.max(heal, s.rag.queries.start) + s.liveness.within, s.name).toBeLessThanOrEqual(s.duration - s.liveness.within);
    }
  });

  it('teeth-rag-skip-tail is caught by the replica checks, and passes without the bug', () => {
    const broken = rag.find((s) => s.name === 'teeth-rag-skip-tail') as RagScenario;
    expect(broken.rag.bugs).toEqual(['skipTailAfterRestart']);
    const r = runScenario(broken, 1).report;
    const checks = new Set(r.violations.map((v) => v.check));
    expect(checks.has('rag-replicas-diverge')).toBe(true);
    expect(checks.has('rag-recall')).toBe(true);
    const fixed = runScenario({ ...broken, rag: { ...broken.rag, bugs: [] } } as RagScenario, 1).report;
    expect(fixed.violations).toEqual([]);
    expect(fixed.stats.recallVerdict).toBe('pass');
    expect(fixed.stats.indexRestores).toBe(0);
  }, 60_000);
});
