// Goal: shrinking finds small failing fault schedules and never returns one that does not
// fail. ddmin returns a 1-minimal subsequence for any monotone failure; the CLI turns a
// deliberately failing heartbeat scenario (six harmless faults and one permanent crash
// with a too-short liveness bound) into a scenario file with just the crash, which fails
// the same check when run; swarm-sampled faults are shrunk like listed ones; a scenario
// written back as YAML parses to the same Scenario, for every built-in workload. Method: fast-check properties over
// random "culprit sets" for ddmin, and the CLI in-process for the rest.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cliHarness.ts';
import { describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../cli/scenarioRef.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';
import { ddmin, simplifyEach } from '../sim/faults/shrink.ts';
import { materialize } from '../sim/faults/swarm.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { failsCheck, runScenario } from '../sim/run/runScenario.ts';
import type { RaftKvScenario } from '../sim/workloads/raftKv.ts';


const FAILING = `name: shrink-me
description: Several faults of which only the permanent crash, with a too-short liveness bound, fails.
workload: heartbeat
topology: { nodes: 4 }
duration: 4s
heartbeat: { interval: 100ms, timeout: 500ms }
faults:
  - { at: 500ms, kind: pause, node: 1, duration: 200ms }
  - { at: 600ms, kind: throttle, node: 2, factor: 2, duration: 300ms }
  - { at: 700ms, kind: clock, node: 3, driftPpm: 100 }
  - { at: 800ms, kind: link, from: [0, 1], to: [2, 3], set: { duplicate: 0.1 }, duration: 200ms }
  - { at: 1s, kind: tornWrites, node: 0, duration: 300ms }
  - { at: 1200ms, kind: byzantine, mode: malformed, node: 2, duration: 300ms, rate: 20 }
  - { at: 3s, kind: crash, node: 3 }
liveness: { within: 100ms }
`;

describe('ddmin', () => {
  it('returns a failing, 1-minimal subsequence when failure means "contains every culprit"', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.nat(39), { maxLength: 4 }), (n, picks) => {
      const items = Array.from({ length: n }, (_, i) => i);
      const culprits = [...new Set(picks.filter((p) => p < n))];
      const fails = (c: number[]): boolean => culprits.every((x) => c.includes(x));
      const r = ddmin(items, fails);
      expect(fails(r.items)).toBe(true);
      expect(r.items).toEqual([...culprits].sort((a, b) => a - b));
      expect(r.exhausted).toBe(false);
    }), { numRuns: 200 });
  });

  it('stops at its test budget and still returns a failing candidate', () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const fails = (c: number[]): boolean => c.includes(3) && c.includes(60);
    const r = ddmin(items, fails, 5);
    expect(r.exhausted).toBe(true);
    expect(r.tests).toBe(5);
    expect(fails(r.items)).toBe(true);
  });

  it('simplifyEach keeps shrinking an item while the failure holds', () => {
    const r = simplifyEach([100, 7], (x) => (x > 1 ? [Math.floor(x / 2)] : []), (c) => c[0] >= 12);
    expect(r.items).toEqual([12, 1]);
  });
});

describe('failsCheck (what shrink asks of every candidate)', () => {
  const powerLoss = loadScenarioRef('node-power-loss').scenario as RaftKvScenario;
  const broken = { ...powerLoss, raft: { ...powerLoss.raft, bugs: ['skipFsync' as const] } };

  it('stops at the first violation of the check it is asked about, and answers as the whole run does', () => {
    const whole = runScenario(broken, 1).report;
    const first = whole.violations[0];
    const r = failsCheck(broken, 1, first.check);
    expect(r).toMatchObject({ fails: true, atUs: first.t, stoppedEarly: true });
    // Stopped at the power loss's restart, long before the end and its linearizability check.
    expect(r.atUs).toBeLessThan(broken.duration);
    expect(r.violations[0]).toEqual(first);
    // A check the run never violates: the run goes to its end, end-of-run checks included.
    expect(whole.violations.some((v) => v.check === 'leader-churn')).toBe(false);
    expect(failsCheck(broken, 1, 'leader-churn')).toMatchObject({ fails: false, stoppedEarly: false });
  });

  it('a passing run passes: it runs to the end and answers false', () => {
    const r = failsCheck(powerLoss, 1, null);
    expect(r).toMatchObject({ fails: false, stoppedEarly: false, atUs: powerLoss.duration });
    expect(r.violations).toEqual([]);
  });
});

describe('faultline shrink', () => {
  it('shrinks seven faults to the one permanent crash, and the written file fails the same check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-shrink-'));
    const file = join(dir, 'shrink-me.yaml');
    writeFileSync(file, FAILING);
    const before = cli('run', '--scenario', file, '--seed', '3', '--json');
    expect(before.code).toBe(1);
    const check = JSON.parse(before.out).violations[0].check;
    expect(check).toBe('fd-completeness');
    const out = join(dir, 'min.yaml');
    const r = cli('shrink', '--scenario', file, '--seed', '3', '--out', out, '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.originalFaults).toBe(7);
    expect(res.minimalFaults).toBe(1);
    expect(res.faults).toEqual([{ at: 3_000_000, kind: 'crash', node: 3 }]);
    const after = JSON.parse(cli('run', '--scenario', out, '--seed', '3', '--json').out);
    expect(after.violations.map((v: { check: string }) => v.check)).toContain(check);
    expect(readFileSync(out, 'utf8')).toMatch(/^ {2}- \{ ?at: 3s, kind: crash, node: 3 ?\}$/m);
  });

  it('materializes swarm faults and shrinks them, keeping the seed and the failing check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-shrink-'));
    const out = join(dir, 'min.yaml');
    const r = JSON.parse(cli('shrink', '--scenario', 'test/regression/heartbeat-swarm.yaml', '--seed', '141', '--out', out, '--json').out);
    expect(r.check).toBe('fd-accuracy');
    expect(r.minimalFaults).toBeLessThan(r.originalFaults);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/^swarm:/m);
    const after = JSON.parse(cli('run', '--scenario', out, '--seed', '141', '--json').out);
    expect(after.violations.some((v: { check: string }) => v.check === 'fd-accuracy')).toBe(true);
  });

  it('a passing seed is not shrunk (exit 2)', () => {
    expect(cli('shrink', '--scenario', 'heartbeat-crash', '--seed', '1').err).toMatch(/passes every check: there is no failure to shrink/);
    expect(cli('shrink', '--scenario', 'heartbeat-crash').code).toBe(2);
  });

  it('a scenario written back as YAML parses to the same Scenario', () => {
    for (const [name, seed] of [['heartbeat-chaos', 1], ['raft-kv-basic', 1], ['retry-storm', 1], ['test/regression/heartbeat-swarm.yaml', 5]] as const) {
      const s = materialize(loadScenarioRef(name).scenario, seed);
      const back = parseScenarioText(scenarioToYaml(s, 'round trip'), 'x.yaml');
      expect(back.ok ? back.scenario : back.problems).toEqual(s);
    }
  });
});
