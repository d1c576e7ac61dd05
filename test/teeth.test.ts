// Goal: the checkers have teeth. For each deliberately broken Raft variant (raft.bugs) a
// dedicated scenario (scenarios/teeth-*.yaml) pairs the bug with a nemesis that exposes it,
// and a seed search finds a violation of an expected check within a small bound, while
// the same scenario with the bug switched off passes on every seed searched. The story a
// user follows is shown end to end on one of them: sweep a few seeds, take the first
// failing one, replay it bit for bit, and shrink its fault schedule to fewer faults that
// still fail the same check.
// Method: scenarios run in-process with runScenario; the sweep, replay and shrink go
// through the CLI's main() in-process. The fourth bug, commitOldTermByCounting (the
// Figure 8 bug, §5.4.2), is not here: no random or scripted nemesis we tried (leader
// crashes and isolations every 300-600 ms, swarms of partitions, one-way cuts and
// crashes, 3 and 5 servers, maxEntriesPerMsg 1 and maxInflight 1, slow links) produced a
// violation in 820 seeds, so the simulator cannot yet catch it; core/raft/paper.test.ts
// catches it with a scripted Figure 8 instead.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cliHarness.ts';
import { describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../cli/scenarioRef.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { RaftSpec } from '../sim/workloads/kvSections.ts';
import type { RaftKvScenario } from '../sim/workloads/raftKv.ts';


interface Teeth {
  scenario: string;
  bug: RaftSpec['bugs'][number];
  /** Seeds searched, from 1: the bug must show within this many. */
  seedsMax: number;
  /** Checks that may catch it; the first violation must be one of them. */
  checks: string[];
}

const TEETH: Teeth[] = [
  // vote-up-to-date sees the grant itself (seed 2), before the entries it loses do.
  { scenario: 'teeth-vote-without-log-check', bug: 'voteWithoutLogCheck', seedsMax: 8, checks: ['vote-up-to-date', 'committed-entries', 'leader-completeness', 'state-machine-safety', 'linearizability'] },
  { scenario: 'teeth-skip-fsync', bug: 'skipFsync', seedsMax: 4, checks: ['durability', 'commit-monotonic', 'leader-completeness', 'state-machine-safety', 'election-safety', 'linearizability'] },
  { scenario: 'teeth-read-without-read-index', bug: 'readWithoutReadIndex', seedsMax: 10, checks: ['linearizability'] },
  // The lease before issue 13 (CheckQuorum alone): 107 of seeds 1..200 of net-lease-reads fail with it.
  // read-basis sees the first read the lease serves without a quorum round behind it (seed 1);
  // read-leader-sound once a newer leader is elected (seed 3), read-index-sound once that
  // leader has committed, all before a stale value shows.
  { scenario: 'teeth-lease-without-quorum-round', bug: 'leaseWithoutQuorumRound', seedsMax: 4, checks: ['read-basis', 'read-leader-sound', 'read-index-sound', 'linearizability'] },
  // load-kv checks its open-loop clients' history too (sim/workloads/loadKv.ts).
  { scenario: 'teeth-load-read-without-read-index', bug: 'readWithoutReadIndex', seedsMax: 4, checks: ['linearizability'] },
];

function firstFailure(s: RaftKvScenario, seedsMax: number): { seed: number; check: string } | null {
  for (let seed = 1; seed <= seedsMax; seed++) {
    const v = runScenario(s, seed).report.violations;
    if (v.length > 0) return { seed, check: v[0].check };
  }
  return null;
}

describe('the checkers have teeth', () => {
  it.each(TEETH.map((t) => [t.scenario, t] as const))('%s: its bug is caught within its seed bound, and the fixed Raft passes those seeds', (_name, t) => {
    const broken = loadScenarioRef(t.scenario).scenario as RaftKvScenario;
    expect(broken.raft.bugs).toEqual([t.bug]);
    const found = firstFailure(broken, t.seedsMax);
    expect(found, `${t.scenario}: no violation in seeds 1..${t.seedsMax}`).not.toBeNull();
    const { seed, check } = found as { seed: number; check: string };
    expect(t.checks).toContain(check);
    const fixed: RaftKvScenario = { ...broken, raft: { ...broken.raft, bugs: [] } };
    for (let s = 1; s <= seed; s++) {
      const r = runScenario(fixed, s).report;
      expect(r.violations.map((v) => v.check), `${t.scenario} without the bug, seed ${s}`).toEqual([]);
      expect(r.stats.linearizability).toBe('ok');
    }
  });

  it('sweep, replay and shrink: the first failing seed replays bit for bit and shrinks to fewer faults failing the same check', () => {
    const scenario = 'teeth-vote-without-log-check';
    const sweep = cli('sweep', '--scenario', scenario, '--seeds', '1..4', '--jobs', '1', '--json');
    expect(sweep.code).toBe(1);
    const results = (JSON.parse(sweep.out) as { results: { seed: number; traceHash: string; violations: { check: string }[] }[] }).results;
    const failing = results.filter((r) => r.violations.length > 0).sort((a, b) => a.seed - b.seed)[0];
    expect(failing).toBeDefined();
    const check = failing.violations[0].check;

    // Replay reproduces the same trace; its exit code is 1 because the run still fails.
    const replay = cli('replay', '--scenario', scenario, '--seed', String(failing.seed), '--expect', failing.traceHash, '--json');
    expect(replay.code).toBe(1);
    const replayed = JSON.parse(replay.out) as { reproduced: boolean; traceHash: string };
    expect(replayed.reproduced).toBe(true);
    expect(replayed.traceHash).toBe(failing.traceHash);

    const dir = mkdtempSync(join(tmpdir(), 'fl-teeth-'));
    const out = join(dir, 'minimal.yaml');
    const shrink = cli('shrink', '--scenario', scenario, '--seed', String(failing.seed), '--out', out, '--json');
    expect(shrink.code).toBe(0);
    const res = JSON.parse(shrink.out) as { check: string; originalFaults: number; minimalFaults: number };
    expect(res.check).toBe(check);
    expect(res.minimalFaults).toBeLessThan(res.originalFaults);
    expect(readFileSync(out, 'utf8')).toMatch(/voteWithoutLogCheck/);
    const after = cli('run', '--scenario', out, '--seed', String(failing.seed), '--json');
    expect(after.code).toBe(1);
    expect((JSON.parse(after.out) as { violations: { check: string }[] }).violations.map((v) => v.check)).toContain(check);
  });
});
