// Goal: the determinism promise across threads. The same scenario and seed give the same
// trace hash and event count in-process, under lockstep with in-process runners (1, 2, 5),
// and across real worker threads; a failing worker is reported clearly and ends the run
// (the test's own timeout catches a hang; how fast belongs in bench/workers.ts).
// Method: run catalogue scenarios all three ways and compare reports; inject failures
// through the runner's test hook.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { spawnNodePool } from '../sim/workers/nodePool.ts';
import { inProcessRunners, runScenarioLockstep } from '../sim/workers/runLockstep.ts';

function scenario(name: string, durationUs?: number): Scenario {
  const s = catalogScenario(name);
  return durationUs === undefined ? s : { ...s, duration: durationUs };
}

describe('lockstep determinism', () => {
  // byz-combined injects forged, replayed, flooding and malformed messages from kernel
  // actions; overload-2x runs the gateway and open-loop clients (shortened to keep it quick).
  for (const [name, durationUs] of [['heartbeat-crash'], ['heartbeat-chaos'], ['raft-kv-basic'], ['byz-combined', 6_000_000], ['overload-2x', 4_000_000]] as [string, number?][]) {
    it(`${name}: in-process and lockstep with 1, 2 and 5 runners give the same trace`, async () => {
      const s = scenario(name, durationUs);
      for (const seed of [1, 2, 3]) {
        const base = runScenario(s, seed).report;
        for (const w of [1, 2, 5]) {
          const ls = await runScenarioLockstep(s, seed, w, inProcessRunners);
          expect(ls.report.traceHash, `${name} seed ${seed} with ${w} runners`).toBe(base.traceHash);
          expect(ls.report.events).toBe(base.events);
          expect(ls.report.violations).toEqual(base.violations);
          expect(ls.report.stats).toEqual(base.stats);
        }
      }
    });
  }

  it('real worker threads (2 and 5) give the in-process trace hash', async () => {
    for (const name of ['heartbeat-chaos', 'raft-kv-basic']) {
      const s = scenario(name, 4_000_000);
      const base = runScenario(s, 11).report;
      for (const w of [2, 5]) {
        const ls = await runScenarioLockstep(s, 11, w, spawnNodePool);
        expect(ls.report.traceHash, `${name} with ${w} workers`).toBe(base.traceHash);
        expect(ls.report.events).toBe(base.events);
        expect(ls.lockstep.eventsPerCall).toBeGreaterThan(1);
      }
    }
  });
});

describe('worker failures', () => {
  const withHook = (how: 'throw' | 'exit') => {
    return async (base: Parameters<typeof spawnNodePool>[0], nodes: Parameters<typeof spawnNodePool>[1]) => spawnNodePool({ ...base, failAfterEvents: { count: 50, how } }, nodes);
  };

  it('a runner that throws rejects the run with the node and the event named', async () => {
    const s = scenario('heartbeat-crash');
    await expect(runScenarioLockstep(s, 1, 2, withHook('throw'))).rejects.toThrow(/node \d+ failed at t=\d+µs on (message|timer) .*injected failure/);
  });

  it('a worker thread that dies rejects the run, naming the worker and its nodes, never hangs', async () => {
    const s = scenario('heartbeat-crash');
    await expect(runScenarioLockstep(s, 1, 2, withHook('exit'))).rejects.toThrow(/worker \d \(nodes [\d, ]+\) exited with code 3/);
  });
});

describe('faultline run --workers', () => {
  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, ['bin/faultline.mjs', 'run', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

  it('gives the in-process trace hash and reports the batching factor', () => {
    const one = JSON.parse(run(['--scenario', 'heartbeat-crash', '--seed', '5', '--json']).stdout);
    const two = run(['--scenario', 'heartbeat-crash', '--seed', '5', '--json', '--workers', '2']);
    expect(two.status).toBe(0);
    const r = JSON.parse(two.stdout);
    expect(r.traceHash).toBe(one.traceHash);
    expect(r.workers).toBe(2);
    expect(r.lockstep.eventsPerCall).toBeGreaterThan(1);
  });

  it('a worker that throws ends the process non-zero, promptly, naming the node and the event', () => {
    const r = run(['--scenario', 'heartbeat-crash', '--workers', '2'], { FAULTLINE_TEST_WORKER_FAIL: 'throw:40' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/simulation error with --workers 2: node \d+ failed at t=\d+µs on .*injected failure/);
    expect(r.stderr).toMatch(/replay: npx faultline run --scenario heartbeat-crash --seed 1 --workers 2/);
    expect(r.stdout).toBe('');
  });

  it('a worker thread that dies ends the process non-zero with the worker named', () => {
    const r = run(['--scenario', 'heartbeat-crash', '--workers', '2'], { FAULTLINE_TEST_WORKER_FAIL: 'exit:40' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/worker \d \(nodes [\d, ]+\) exited with code 3/);
  });

  it('more workers than nodes is a usage error', () => {
    const r = run(['--scenario', 'heartbeat-crash', '--workers', '9']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers: the scenario has 5 nodes, so use 1 to 5 workers/);
  });
});
