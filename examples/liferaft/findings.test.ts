// Goal: what faultline found in liferaft 1.0.0 (docs/liferaft.md) stays reproducible: the
// finding scenarios fail, at the recorded seeds, with the recorded checks; and liferaft
// with no faults passes, so the findings are liferaft's and not the harness's. A bug in
// liferaft is a finding: these tests assert that it is reproduced, not that it is fixed.
// Method: the public API (as a user's test would): register the liferaft workload, run
// the short finding scenarios of examples/liferaft/findings/ at fixed seeds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, registerWorkload, runScenario, type Scenario } from 'faultline';
import liferaft from './liferaft.ts';

registerWorkload(liferaft);

function scenario(file: string): Scenario {
  const path = new URL(file, import.meta.url);
  const parsed = parseScenarioText(readFileSync(path, 'utf8'), path.pathname);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return parsed.scenario;
}

function checks(s: Scenario, seed: number): { checks: string[]; messages: string[]; stats: Record<string, number | string> } {
  const { report } = runScenario(s, seed);
  return { checks: [...new Set(report.violations.map((v) => v.check))].sort(), messages: report.violations.map((v) => v.message), stats: report.stats };
}

describe('liferaft 1.0.0 under faultline', () => {
  it('passes with no faults: elects a leader and serves linearizable reads and writes', () => {
    const calm = { ...scenario('findings/power-loss.yaml'), faults: [] };
    const r = checks(calm, 2);
    expect(r.checks).toEqual([]);
    expect(r.stats.linearizability).toBe('ok');
    expect(r.stats.operationsOk as number).toBeGreaterThan(100);
  }, 60_000);

  it('finding: after a power loss it elects a second leader in a term and re-applies indexes (seed 2)', () => {
    const r = checks(scenario('findings/power-loss.yaml'), 2);
    expect(r.checks).toEqual(['election-safety', 'leader-completeness', 'linearizability', 'state-machine-safety']);
    expect(r.messages.find((m) => m.startsWith('two leaders in term 1'))).toBeDefined();
  }, 60_000);

  it('finding: a server with a stale log wins an election and overwrites committed entries (seed 2)', () => {
    const r = checks(scenario('findings/stale-leader.yaml'), 2);
    expect(r.checks).toEqual(['leader-completeness', 'linearizability', 'state-machine-safety']);
    expect(r.messages.find((m) => /^node 2 became leader of term \d+ without committed entry/.test(m))).toBeDefined();
  }, 60_000);

  it('the shrunk schedules still fail the same checks: three short outages; one isolation, no crash', () => {
    expect(checks(scenario('findings/power-loss-seed2-shrunk.yaml'), 2).checks).toContain('election-safety');
    expect(checks(scenario('findings/stale-leader-seed2-shrunk.yaml'), 2).checks).toContain('leader-completeness');
  }, 60_000);
});
