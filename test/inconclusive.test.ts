// Goal: no check passes when it could not decide. A linearizability search out of budget,
// a history over its recorder's cap, a liveness bound after the run (raft-kv and
// heartbeat), a load promise about a figure with nothing to measure, a promise for a phase
// that does not exist, and a Raft invariant comparison outside the checker's memory each
// make the run INCONCLUSIVE (so do the rag workload's liveness bound too late to judge and
// a recall never measured): its own verdict in the report, in the human output (with the
// reason and the replay command), in sweeps (counts, sweep.json, merge) and in JUnit (an
// <error>, or <skipped> with --allow-inconclusive), and exit code 3 unless
// --allow-inconclusive. A check that cannot apply (liveness with no clients, a heartbeat
// detector with no peer) says "not applicable" in the stats and does not hold a pass back.
// Method: run catalogue scenarios in-process with tiny check budgets or edited sections,
// and the CLI in-process on a heartbeat scenario whose liveness bound falls after its end.
// Before this change every one of these runs reported no violation and exited 0.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import type { SweepFile } from '../cli/sweepFile.ts';
import { RaftInvariants } from '../sim/check/raftInvariants.ts';
import { runScenario, type RunReport } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { LoadKvScenario } from '../sim/workloads/loadKv.ts';
import type { RaftKvScenario } from '../sim/workloads/raftKv.ts';
import type { RagScenario } from '../sim/workloads/rag/ragScenario.ts';
import { World } from '../sim/world/world.ts';
import { cli } from './cliHarness.ts';

/** raft-kv-basic cut to 8 s with its first fault: the cheapest raft-kv run with a liveness check. */
function shortKv(): RaftKvScenario {
  const s = catalogScenario('raft-kv-basic') as RaftKvScenario;
  return { ...s, duration: 8_000_000, faults: s.faults.slice(0, 1) };
}

function run(s: Scenario, opts: Parameters<typeof runScenario>[2] = {}): RunReport {
  return runScenario(s, 1, opts).report;
}

describe('inconclusive runs', () => {
  it('the same run passes when every check decides', () => {
    const r = run(shortKv());
    expect(r.verdict).toBe('pass');
    expect(r.violations).toEqual([]);
    expect(r.inconclusive).toEqual([]);
    expect(r.stats.linearizability).toBe('ok');
    expect(r.stats.liveness).toBe('pass');
  });

  it('a linearizability search out of budget is inconclusive, not a pass', () => {
    const r = run(shortKv(), { checkLimits: { linearizabilityStepsMax: 1 } });
    expect(r.violations).toEqual([]);
    expect(r.verdict).toBe('inconclusive');
    expect(r.stats.linearizability).toBe('unknown');
    expect(r.inconclusive).toEqual([{ check: 'linearizability', reason: expect.stringMatching(/budget of 1 step\b/) }]);
  });

  it('a history with more undecided operations than the check may hold is inconclusive (what it recorded is checked, see sim/check/segmentedCheck.test.ts)', () => {
    // Three clients keep up to three operations in flight: more than two undecided at once.
    const r = run(shortKv(), { checkLimits: { historyOpsMax: 2 } });
    expect(r.verdict).toBe('inconclusive');
    expect(r.stats.linearizability).toBe('inconclusive');
    // Liveness counts write completions as they come, recorded for the check or not.
    expect(r.stats.liveness).toBe('pass');
    expect(r.inconclusive).toEqual([{ check: 'linearizability', reason: expect.stringMatching(/holds at most 2 client operations not yet decided/) }]);
  });

  it('a raft-kv liveness bound after the clients stop is inconclusive; with no clients liveness is not applicable', () => {
    const late = run({ ...shortKv(), liveness: { within: 3_000_000 } });
    expect(late.verdict).toBe('inconclusive');
    expect(late.stats.liveness).toBe('inconclusive');
    expect(late.inconclusive).toEqual([{ check: 'liveness', reason: expect.stringMatching(/falls after the clients stop issuing operations at 7s/) }]);
    const idle = run({ ...shortKv(), duration: 2_000_000, faults: [], clients: { ...shortKv().clients, count: 0 } });
    expect(idle.verdict).toBe('pass');
    expect(idle.stats.liveness).toBe('not applicable: the scenario has no clients');
  });

  it('a heartbeat liveness bound after the run is inconclusive (it used to be judged early, at the end); no peer or no liveness phase is not applicable', () => {
    // Scenario files with such a bound are refused (exit 2); a built scenario can still have one.
    const s = catalogScenario('heartbeat-crash');
    const late = run({ ...s, liveness: { within: 6_000_000 } });
    expect(late.verdict).toBe('inconclusive');
    expect(late.inconclusive).toEqual([{ check: 'liveness', reason: expect.stringMatching(/falls after the run ends at 10s/) }]);
    expect(run(s).stats.liveness).toBe('pass');
    const one = run({ ...s, topology: { ...s.topology, nodes: 1 }, faults: [] });
    expect(one.verdict).toBe('pass');
    expect(one.stats.liveness).toBe('not applicable: a single node has no peer to watch');
    const forever = run({ ...s, faults: [{ at: 2_000_000, kind: 'crash', node: 2, duration: 8_000_000 }] });
    expect(forever.stats.liveness).toBe('not applicable: the last fault lasts until the end of the run, so there is no liveness phase');
    expect(forever.inconclusive).toEqual([]);
  });

  it('a load promise over nothing, or for a phase that does not exist, is inconclusive', () => {
    const s = catalogScenario('overload-2x') as LoadKvScenario;
    const quiet: LoadKvScenario = {
      ...s,
      duration: 3_000_000,
      faults: [],
      load: {
        ...s.load,
        phases: [{ name: 'steady', duration: 1_000_000, factor: 1 }, { name: 'silent', duration: 1_000_000, factor: 0 }],
        expect: { steady: { errorRateMax: 0.5 }, silent: { errorRateMax: 0.01, p99MsMax: 100 }, stedy: { p99MsMax: 100 } },
      },
    };
    const r = run(quiet);
    expect(r.violations).toEqual([]);
    expect(r.verdict).toBe('inconclusive');
    expect(r.inconclusive.map((x) => x.reason)).toEqual([
      expect.stringMatching(/load.expect names phase "stedy", which load.phases does not have \(steady, silent\)/),
      'silent: p99Ms is promised <= 100, but the phase had no admitted request to measure it over',
      'silent: errorRate is promised <= 0.01, but the phase had no request to measure it over',
    ]);
  });

  it('rag: a liveness bound too late to judge and recall never measured are inconclusive; no queries is not applicable', () => {
    // teeth-rag-skip-tail without its bug, on a small synthetic corpus (seconds, not minutes).
    const base = catalogScenario('teeth-rag-skip-tail') as RagScenario;
    const s = { ...base, rag: { ...base.rag, bugs: [], corpus: 'synthetic-200x16' } } as RagScenario;
    const late = run({ ...s, liveness: { within: 1_500_000 } } as RagScenario);
    expect(late.verdict).toBe('inconclusive');
    expect(late.inconclusive).toEqual([{ check: 'liveness', reason: expect.stringMatching(/^the liveness bound \(2.4s: .*\) falls after 1.5s/) }]);
    const unsampled = run({ ...s, rag: { ...s.rag, queries: { ...s.rag.queries, sampleEvery: 1_000_000 } } } as RagScenario);
    expect(unsampled.verdict).toBe('inconclusive');
    expect(unsampled.stats.recallVerdict).toBe('inconclusive');
    expect(unsampled.inconclusive.map((x) => x.check)).toEqual(['rag-recall']);
    const quiet = run({ ...s, rag: { ...s.rag, queries: { ...s.rag.queries, clients: 0 } } } as RagScenario);
    expect(quiet.verdict).toBe('pass');
    expect(quiet.stats.liveness).toBe('not applicable: the scenario sends no queries');
    expect(quiet.stats.recallVerdict).toBe('not applicable: the scenario sends no queries');
  });

  it('Raft invariants reaching outside the checker\'s remembered window are inconclusive, inside it they decide', () => {
    const world = new World({ seed: 'window', nodes: [{ role: 'server', factory: () => ({ start() {}, onMessage() {}, onTimer() {} }) }] });
    const invariants = new RaftInvariants(world, 3);
    const apply = (node: number, index: number): void => world.telemetry(0, node, 'raft.apply', { index, term: 1, data: `w${index}` });
    for (let i = 1; i <= 5; i++) apply(0, i);
    apply(0, 4); // Inside the window of 3 (indexes 3..5): compared, and equal.
    apply(0, 1); // Forgotten: cannot be compared.
    world.telemetry(0, 0, 'raft.leader', { term: 2, lastIndex: 5, logTerms: '0|1:1' });
    world.concludeChecks();
    expect(world.violations).toEqual([]);
    expect(invariants.uncheckedApplies).toBe(1);
    expect(world.inconclusive.map((x) => x.check)).toEqual(['state-machine-safety', 'leader-completeness']);
  });
});

describe('inconclusive in the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-inconclusive-'));
  // raft-kv-basic cut to 8 s and its first fault (healed at 5 s), with a liveness bound of
  // 2.5 s: valid (the run lasts past 7.5 s), but the clients stop at 7 s, one quiesce early.
  const file = join(dir, 'late-bound.yaml');
  const text = readFileSync('scenarios/raft-kv-basic.yaml', 'utf8').replace('name: raft-kv-basic', 'name: late-bound').replace('duration: 12s', 'duration: 8s')
    .replace(/^ {2}- \{ at: 6s, kind: partition.*\n/m, '').replace('liveness: { within: 2s }', 'liveness: { within: 2500ms }');
  writeFileSync(file, text);
  writeFileSync(file.replace('late-bound', 'in-time'), text.replace('name: late-bound', 'name: in-time').replace('within: 2500ms', 'within: 2s'));

  it('run: INCONCLUSIVE with the reason and the replay command, exit 3; --allow-inconclusive exits 0', () => {
    const r = cli('run', '--scenario', file, '--seed', '4');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^ {2}INCONCLUSIVE {2}/m);
    expect(r.out).toMatch(/inconclusive \[liveness\]: the liveness bound \(7.5s: .*\) falls after the clients stop issuing operations at 7s/);
    expect(r.out).toMatch(/seed 4 is inconclusive \(exit 3\); replay: npx faultline run --scenario .*late-bound.yaml --seed 4/);
    const allowed = cli('run', '--scenario', file, '--seed', '4', '--allow-inconclusive', '--json');
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.out) as RunReport;
    expect(report.verdict).toBe('inconclusive');
    expect(report.violations).toEqual([]);
    expect(report.inconclusive).toEqual([{ check: 'liveness', reason: expect.any(String) }]);
    expect(cli('run', '--scenario', file.replace('late-bound', 'in-time'), '--seed', '4').code).toBe(0);
  });

  it('sweep and merge count inconclusive seeds, write them to sweep.json and as <error> in junit.xml, and exit 3', () => {
    const out = join(dir, 'sweep');
    const r = cli('sweep', '--scenario', file, '--seeds', '1..2', '--jobs', '1', '--out', out);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/INCONCLUSIVE {2}0 passed, 0 failed, 2 inconclusive of 2 seeds/);
    expect(r.out).toMatch(/seed 1 inconclusive: \[liveness\]/);
    expect(r.out).toMatch(/2 inconclusive seeds: exit 3 \(--allow-inconclusive accepts them\)/);
    const f = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile;
    expect(f.results.map((x) => x.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(f.results[0].inconclusive[0].check).toBe('liveness');
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/<testsuite [^>]*tests="2" failures="0" errors="2" skipped="0"/);
    expect(xml).toMatch(/<error type="inconclusive" message="inconclusive: \[liveness\] the liveness bound/);
    const merged = cli('merge', out, '--json');
    expect(merged.code).toBe(3);
    expect((JSON.parse(merged.out) as { summary: { inconclusive: number } }).summary.inconclusive).toBe(2);
    const allowed = cli('sweep', '--scenario', file, '--seeds', '1', '--jobs', '1', '--out', join(dir, 'allowed'), '--allow-inconclusive');
    expect(allowed.code).toBe(0);
    expect(readFileSync(join(dir, 'allowed', 'junit.xml'), 'utf8')).toMatch(/<skipped message="inconclusive: \[liveness\]/);
    expect(cli('merge', out, '--allow-inconclusive').code).toBe(0);
  });

  it('replay of an inconclusive run exits 3', () => {
    const r = cli('replay', `${join(dir, 'sweep', 'sweep.json')}#seed=2`);
    expect(r.out).toMatch(/REPRODUCED/);
    expect(r.out).toMatch(/INCONCLUSIVE/);
    expect(r.code).toBe(3);
  });
});
