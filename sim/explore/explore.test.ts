// Goal: coverage-guided search (explore.ts) and its observer (coverage.ts) do what they
// claim: watching a run never changes its trace hash; explore is deterministic, mutates
// the schedules it keeps, finds a broken variant's failure and writes it as a scenario
// that replays the failure exactly; with the correct Raft it finds nothing.
// Method: a small 3-node swarm scenario (5 s simulated) run in-process.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { runScenario } from '../run/runScenario.ts';
import { parseScenarioText } from '../scenario/parse.ts';
import type { Scenario } from '../scenario/schema.ts';
import { materialize } from '../faults/swarm.ts';
import { abstractState } from './coverage.ts';
import { explore, runObserved } from './explore.ts';

function smallText(bugs: string[]): string {
  return `name: explore-small
description: the explore tests
workload: raft-kv
topology: { nodes: 3, link: { latency: { kind: uniform, min: 1ms, max: 5ms } } }
duration: 5s
swarm: { kinds: [crashOn-vote, crash, partition, isolate], count: 2..3, window: [500ms, 1500ms], duration: 200ms..1s }
raft: { bugs: [${bugs.join(', ')}] }
clients: { count: 2, interval: 20ms, timeout: 300ms, keys: 3 }
liveness: { within: 1s }
`;
}

function small(bugs: string[]): Scenario {
  const text = smallText(bugs);
  const p = parseScenarioText(text, 'explore-small.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return p.scenario;
}

describe('abstract states', () => {
  it('are symmetric in node identity and tell roles, down nodes and lags apart', () => {
    const n = (role: string, term: number, commit: number, lastIndex: number, lastTerm: number, up = true) => ({ up, role, term, commit, lastIndex, lastTerm });
    const a = abstractState([n('leader', 3, 10, 12, 3), n('follower', 3, 10, 10, 3), n('follower', 1, 2, 2, 1, false)]);
    const b = abstractState([n('follower', 1, 2, 2, 1, false), n('follower', 3, 10, 10, 3), n('leader', 3, 10, 12, 3)]);
    expect(a).toBe(b);
    expect(a.split(' ')).toEqual(['D', 'F000s', 'L0000u']);
    expect(abstractState([n('leader', 3, 10, 12, 3), n('follower', 2, 4, 12, 1)])).toBe('F1l20u L0000u');
  });
});

describe('explore', () => {
  it('observing a run leaves its trace hash unchanged', () => {
    const s = materialize(small([]), 1);
    const watched = runObserved(s, 1);
    expect(watched.states.size).toBeGreaterThan(5);
    expect(watched.report.traceHash).toBe(runScenario(s, 1).report.traceHash);
  });

  it('finds a broken variant, mutates what it keeps, and writes a failure that replays exactly', () => {
    const r = explore(small(['forgetVoteOnRestart']), { runs: 4, initial: 2 });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.states).toBeGreaterThan(20);
    const f = r.failures[0];
    const p = parseScenarioText(f.text, 'failure.yaml');
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    const again = runScenario(p.scenario, f.seed).report;
    expect(again.traceHash).toBe(f.report.traceHash);
    expect(again.violations.map((v) => v.check)).toContain('durability');
  });

  it('is deterministic, runs real mutants, and passes the correct Raft', () => {
    const runs: { hash: string; faults: string; origin: string; parentFaults?: string }[][] = [[], []];
    for (const out of runs) {
      const byIndex: string[] = [];
      const r = explore(small([]), {
        runs: 4, initial: 2,
        onRun: (x) => {
          byIndex.push(JSON.stringify(x.scenario.faults));
          out.push({ hash: x.report.traceHash, faults: byIndex[x.index], origin: x.origin, parentFaults: x.parent === undefined ? undefined : byIndex[x.parent] });
        },
      });
      expect(r.failures).toEqual([]);
    }
    expect(runs[1]).toEqual(runs[0]);
    // A swarm seed explore runs (parsed back from its YAML) is the plain swarm run of that seed.
    expect(runs[0][0].hash).toBe(runScenario(materialize(small([]), 1), 1).report.traceHash);
    const mutants = runs[0].filter((x) => x.origin === 'mutant');
    expect(mutants.length).toBe(2);
    expect(mutants.some((m) => m.faults !== m.parentFaults)).toBe(true);
  });
});

describe('faultline explore (CLI)', () => {
  function cli(argv: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; }, errIsTty: false, cwd: process.cwd() });
    return { code, out, err };
  }

  it('has --help, and refuses a scenario without a swarm section with exit 2', () => {
    expect(cli(['explore', '--help']).out).toContain('--runs N');
    const bad = cli(['explore', '--scenario', 'raft-kv-basic', '--runs', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('no swarm section');
    expect(cli(['explore', '--scenario', 'swarm-raft-mixed', '--runs', '0']).code).toBe(2);
    // --initial past --runs named the bound without saying it was --runs ("expected an integer from 1 to 100").
    expect(cli(['explore', '--scenario', 'swarm-raft-mixed', '--initial', '200'])).toEqual({ code: 2, out: '', err: 'faultline: --initial: 200 plain swarm seeds are more than the 100 runs in all (--runs, default 100); they are part of the runs, so give --initial at most 100 or raise --runs\n' });
    expect(cli(['explore', '--scenario', 'swarm-raft-mixed', '--runs', '5', '--initial', '6']).err).toMatch(/more than the 5 runs in all \(--runs 5\)/);
  });

  it('writes a failing run to --out with the exact replay command, and progress to stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explore-'));
    const file = join(dir, 'small.yaml');
    writeFileSync(file, smallText(['forgetVoteOnRestart']));
    const r = cli(['explore', '--scenario', file, '--runs', '2', '--initial', '2', '--out', dir, '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('explore 2/2 swarm seed 2');
    const j = JSON.parse(r.out) as { failures: { file: string; replay: string; seed: number; traceHash: string }[] };
    const f = j.failures[0];
    expect(readFileSync(f.file, 'utf8')).toContain(f.replay.replace(/^npx /, ''));
    const again = cli(['run', '--scenario', f.file, '--seed', String(f.seed), '--json']);
    expect((JSON.parse(again.out) as { traceHash: string }).traceHash).toBe(f.traceHash);
  });
});
