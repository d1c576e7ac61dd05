// Goal: the MAPE-K manager heals a simulated cluster and stays safe doing it. Each mapek
// scenario's fault, which never heals by itself, is recovered from within its bound with
// the manager on and not at all with it off, while Raft's invariants and linearizability
// hold; the manager's runs are the same in one thread and under lockstep; a knowledge file
// from one run makes a later run choose better, deterministically; and killing the active
// manager instance pauses healing for no longer than the lease's stated bound.
// Method: catalogue scenarios run in-process (runScenario, buildRun); the knowledge file
// goes through the CLI in-process. Sweeps of 50 seeds per class are in docs/mapek.md (Measured).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { Lease } from '../core/mapek/lease.ts';
import { buildRun, runScenario } from '../sim/run/runScenario.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { inProcessRunners, runScenarioLockstep } from '../sim/workers/runLockstep.ts';
import { cli } from './cliHarness.ts';

const faultFigures = (stats: Record<string, number | string>, i: number) => ({ cls: stats[`mapek.fault${i}.class`], mttrMs: stats[`mapek.fault${i}.mttrMs`] as number, action: stats[`mapek.fault${i}.action`] });

describe('the MAPE-K manager in the simulator', () => {
  it.each([
    ['mapek-crash', 'crash', 'restart'],
    ['mapek-partition', 'partition', 'replace'],
    ['mapek-byzantine', 'byzantine', 'quarantine'],
    ['mapek-overload', 'overload', 'tighten-limits'],
  ])('%s: the %s is recovered from within its bound (first action: %s), every check holding', (name, cls, action) => {
    const { report } = runScenario(catalogScenario(name), 1);
    expect(report.violations).toEqual([]);
    expect(report.stats['mapek.recoveryCheck']).toBe('pass');
    const f = faultFigures(report.stats, 0);
    expect(f).toMatchObject({ cls, action });
    expect(f.mttrMs).toBeGreaterThan(0);
    expect(f.mttrMs).toBeLessThanOrEqual(10_000);
    if (report.stats.linearizability !== undefined) expect(report.stats.linearizability).toBe('ok');
  });

  it.each(['mapek-crash-without', 'mapek-byzantine-without'])('%s: without the manager the fault is never recovered from, and nothing acts', (name) => {
    const { report } = runScenario(catalogScenario(name), 1);
    expect(report.violations).toEqual([]);
    expect(report.stats['mapek.recoveryCheck']).toBe('off');
    expect(faultFigures(report.stats, 0).mttrMs).toBe(-1);
    expect(Object.keys(report.stats).filter((k) => k.startsWith('mapek.actions.'))).toEqual([]);
  });

  it('repeated leader faults in one run are each recovered from, also once the leader has compacted its log (a replace needs a snapshot that names the new learner)', () => {
    // The first five faults of bench/mttr.ts's learning run. Before the fix, the replace of
    // the first isolated leader (n1, at 11 s: a restart cannot cure isolation) never finished:
    // the leader had compacted its log and sent the spare a snapshot taken before the spare
    // was added, which the spare refuses, so faults 1, 3 and 4 were never recovered from.
    const text = [
      'name: mapek-repeated-leader-faults',
      'description: five leader faults, alternating crash and isolation for the rest of the run',
      'workload: mapek',
      'topology: { nodes: 5, spares: 12, link: { latency: { kind: uniform, min: 1ms, max: 5ms } } }',
      'duration: 50s',
      'clients: { count: 3, interval: 20ms, timeout: 300ms, keys: 5 }',
      'faults:',
      '  - { at: 3s, kind: leader, do: crash }',
      '  - { at: 11s, kind: leader, do: isolate, duration: 39s }',
      '  - { at: 19s, kind: leader, do: crash }',
      '  - { at: 27s, kind: leader, do: isolate, duration: 23s }',
      '  - { at: 35s, kind: leader, do: crash }',
      'manager: { enabled: true }',
    ].join('\n');
    const parsed = parseScenarioText(text, 'repeated.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { report } = runScenario(parsed.scenario, 1);
    expect(report.violations).toEqual([]);
    expect(report.stats['mapek.recoveryCheck']).toBe('pass');
    const figures = [0, 1, 2, 3, 4].map((i) => faultFigures(report.stats, i));
    expect(figures.map((f) => f.cls)).toEqual(['leader-crash', 'leader-partition', 'leader-crash', 'leader-partition', 'leader-crash']);
    for (const f of figures) {
      expect(f.mttrMs).toBeGreaterThan(0);
      expect(f.mttrMs).toBeLessThanOrEqual(10_000);
    }
    // Both isolated leaders were replaced by spares that caught up through a snapshot.
    expect(report.stats['mapek.actions.replace']).toBeGreaterThanOrEqual(2);
  });

  it('teeth: a manager without its quorum guard restarts a node the cluster cannot spare, and the check catches it; the real one does not', () => {
    const broken = catalogScenario('mapek-teeth-no-quorum-guard') as Scenario & { manager: { bugs: string[] } };
    expect(broken.manager.bugs).toEqual(['noQuorumGuard']);
    const caught = runScenario(broken, 1).report.violations.filter((v) => v.check === 'mapek-quorum-guard');
    expect(caught.length).toBeGreaterThan(0);
    expect(caught[0].message).toMatch(/restart n3 while only 3 of 5 voters were healthy/);
    const fixed = { ...broken, manager: { ...broken.manager, bugs: [] } } as Scenario;
    expect(runScenario(fixed, 1).report.violations.map((v) => v.check)).not.toContain('mapek-quorum-guard');
  });

  it('gives the same trace in one thread and under lockstep, the control plane and a leak included', async () => {
    for (const name of ['mapek-crash', 'mapek-memory-leak-without']) {
      const s: Scenario = { ...catalogScenario(name), duration: 6_000_000 };
      const base = runScenario(s, 2).report;
      const ls = await runScenarioLockstep(s, 2, 3, inProcessRunners);
      expect(ls.report.traceHash, name).toBe(base.traceHash);
      expect(ls.report.stats).toEqual(base.stats);
    }
  });

  it('a saved knowledge file makes a later run replace a node with a full disk at once, and that run replays bit for bit', () => {
    // The prior ladder tries a compaction first, which cannot free a disk filled to the
    // byte (its snapshot does not fit); once that is on record, the replacement goes first.
    const dir = mkdtempSync(join(tmpdir(), 'fl-mapek-'));
    const file = join(dir, 'knowledge.json');
    const first = cli('run', '--scenario', 'mapek-disk-full', '--seed', '1', '--save-knowledge', file, '--json');
    expect(first.code).toBe(0);
    const learned = JSON.parse(readFileSync(file, 'utf8')) as { runs: number; actions: Record<string, Record<string, { tries: number; recovered: number }>> };
    expect(learned.runs).toBe(1);
    expect(learned.actions['disk-full'].compact).toMatchObject({ tries: 1, recovered: 0 });
    expect(learned.actions['disk-full'].replace).toMatchObject({ tries: 1, recovered: 1 });
    const a = JSON.parse(cli('run', '--scenario', 'mapek-disk-full', '--seed', '1', '--knowledge', file, '--json').out) as { traceHash: string; replay: string; stats: Record<string, number | string> };
    const b = JSON.parse(cli('run', '--scenario', 'mapek-disk-full', '--seed', '1', '--knowledge', file, '--json').out) as { traceHash: string };
    const before = JSON.parse(first.out) as { stats: Record<string, number | string> };
    expect(faultFigures(before.stats, 0).action).toBe('compact');
    expect(faultFigures(a.stats, 0).action).toBe('replace');
    expect(faultFigures(a.stats, 0).mttrMs).toBeLessThan(faultFigures(before.stats, 0).mttrMs);
    expect(b.traceHash).toBe(a.traceHash);
    expect(a.replay).toBe(`npx faultline run --scenario mapek-disk-full --seed 1 --knowledge ${file}`);
    const wrong = cli('run', '--scenario', 'mapek-disk-full', '--knowledge', '/nonexistent/k.json');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/--knowledge: cannot read \/nonexistent\/k.json/);
  });

  it('killing the active manager instance pauses healing for no longer than the lease bound', () => {
    const base = catalogScenario('mapek-crash') as Scenario & { manager: Record<string, unknown> };
    const s = { ...base, manager: { ...base.manager, instances: 2 } } as Scenario;
    const { world, finish } = buildRun(s, 1, false);
    const active = new Map<number, { active: boolean; t: number }>();
    world.onTelemetry((t, node, name, f) => {
      if (name === 'mapek.lease') active.set(node, { active: f.active as boolean, t });
    });
    const killAtUs = 2_500_000;
    let killed = -1;
    world.at(killAtUs, 'kill the active manager', () => {
      killed = [...active].find(([, a]) => a.active)?.[0] ?? -1;
      world.crashNode(killed);
    });
    world.run({ timeUs: s.duration });
    const stats = finish();
    expect(killed).toBeGreaterThanOrEqual(0);
    const successor = [...active].find(([n, a]) => n !== killed && a.active);
    expect(successor).toBeDefined();
    const takeoverUs = (successor as [number, { t: number }])[1].t - killAtUs;
    // The bound stated in core/mapek/lease.ts, with a generous allowance for one KV write.
    const lease = { enabled: true, durationUs: 1_500_000, renewUs: 300_000, key: 'mapek/lease' };
    expect(takeoverUs).toBeLessThanOrEqual(Lease.takeoverBoundUs(lease, 100_000));
    expect(world.violations).toEqual([]);
    expect(stats['mapek.fault0.action']).toBe('restart');
    expect(stats['mapek.recoveryCheck']).toBe('pass');
  });

  it('does not judge a leak drawn on a node that was down at its start (it never ran), and judges one that ran', () => {
    // mapek-swarm seed 5: its third fault is a leak on a node a crash had already taken down.
    const { report } = runScenario(catalogScenario('mapek-swarm'), 5);
    const stats = report.stats as Record<string, unknown>;
    expect(stats['mapek.fault2.class']).toBe('memory');
    expect(stats['mapek.fault2.noEffect']).toBe(1);
    expect(report.violations.filter((v) => v.check === 'mapek-recovery')).toEqual([]);
    // mapek-mix seed 1: the leak on n0 at 19 s runs, is repaired and is judged.
    const mix = runScenario(catalogScenario('mapek-mix'), 1).report.stats as Record<string, unknown>;
    const leak = Object.keys(mix).find((k) => /^mapek\.fault\d+\.class$/.test(k) && mix[k] === 'memory');
    expect(leak).toBeDefined();
    const p = (leak as string).replace(/\.class$/, '');
    expect(mix[`${p}.noEffect`]).toBeUndefined();
    expect(mix[`${p}.mttrMs`]).toBeGreaterThan(0);
  }, 60_000);
});
