// Goal: the simulator's scale limits end a run with a clear message naming the limit and
// the flag that raises it, never a crash mid-run, and the run is inconclusive (exit 3),
// not failed or passed. The limits: events per run (200 M by default, `--events-max` on
// run, sweep and replay) and events per origin (2^29, the event queue's tie keys: a hard
// limit). The event limit used to be a violation (exit 1) with no flag to raise it, and
// the origin limit threw out of the kernel in the middle of an event.
// Method: the CLI in-process with a small --events-max; a World with a small origin limit
// driven by processes that only set timers, only send messages, or by many kernel actions;
// the lockstep runner with a small event limit.
import { describe, expect, it } from 'vitest';
import type { NodeContext, Process } from '../core/env.ts';
import { catalogScenario } from '../cli/catalog.ts';
import type { SweepFile } from '../cli/sweepFile.ts';
import type { RunReport } from '../sim/run/runScenario.ts';
import { inProcessRunners, runScenarioLockstep } from '../sim/workers/runLockstep.ts';
import { World } from '../sim/world/world.ts';
import { cli } from './cliHarness.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the event limit per run', () => {
  it('run --events-max stops the run with the limit and the flag named; inconclusive, exit 3', () => {
    const r = cli('run', '--scenario', 'raft-kv-basic', '--seed', '1', '--events-max', '5000', '--json');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.out) as RunReport & { replay: string };
    expect(report.events).toBe(5000);
    expect(report.verdict).toBe('inconclusive');
    expect(report.violations).toEqual([]);
    expect(report.inconclusive[0]).toEqual({ check: 'scale-limit', reason: expect.stringMatching(/^stopped at [\d.]+s of 12s after 5,000 events, the run's event limit \(default 200,000,000\); raise it with --events-max N/) });
    // The liveness check the run never reached says so too.
    expect(report.inconclusive.map((x) => x.check)).toContain('liveness');
    expect(report.replay).toBe('npx faultline run --scenario raft-kv-basic --seed 1 --events-max 5000');
    const human = cli('run', '--scenario', 'raft-kv-basic', '--seed', '1', '--events-max', '5000');
    expect(human.out).toMatch(/INCONCLUSIVE/);
    expect(human.out).toMatch(/inconclusive \[scale-limit\]: stopped at .* raise it with --events-max N/);
    expect(cli('run', '--events-max', '0').code).toBe(2);
  });

  it('sweep --events-max records the limit, and replay of a seed reproduces the stopped run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-limit-'));
    const r = cli('sweep', '--scenario', 'raft-kv-basic', '--seeds', '1..2', '--jobs', '2', '--events-max', '3000', '--out', dir);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/0 passed, 0 failed, 2 inconclusive of 2 seeds/);
    expect(r.out).toContain('replay: npx faultline run --scenario raft-kv-basic --seed 1 --events-max 3000');
    const f = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
    expect(f.eventsMax).toBe(3000);
    expect(f.results.map((x) => x.events)).toEqual([3000, 3000]);
    const replay = cli('replay', `${join(dir, 'sweep.json')}#seed=2`);
    expect(replay.out).toMatch(/REPRODUCED/);
    expect(replay.code).toBe(3);
  });

  it('a load run stopped early leaves its unfinished phases unjudged instead of failing them', () => {
    const r = cli('run', '--scenario', 'overload-2x', '--seed', '1', '--events-max', '20000', '--json');
    const report = JSON.parse(r.out) as RunReport;
    expect(report.violations).toEqual([]);
    expect(report.verdict).toBe('inconclusive');
    expect(report.inconclusive.map((x) => x.reason)).toContain('recovery: the run stopped before the phase ended, so its promises were not checked');
  });

  it('the lockstep runner stops at the limit too (checked between windows)', async () => {
    const s = catalogScenario('heartbeat-crash');
    const r = await runScenarioLockstep(s, 1, 2, inProcessRunners, { eventsMax: 2000 });
    expect(r.report.verdict).toBe('inconclusive');
    expect(r.report.events).toBeGreaterThanOrEqual(2000);
    expect(r.report.events).toBeLessThan(2500);
    expect(r.report.inconclusive[0].reason).toMatch(/raise it with --events-max N/);
  });
});

/** A process that keeps one timer going, and optionally sends to a peer on every tick. */
function ticker(sendTo: number | null): Process {
  let ctx: NodeContext | null = null;
  return {
    start(c) {
      ctx = c;
      c.setTimer(1_000, 'tick');
    },
    onMessage() {},
    onTimer() {
      if (sendTo !== null) for (let i = 0; i < 5; i++) ctx?.send(sendTo, { type: 'ping' });
      ctx?.setTimer(1_000, 'tick');
    },
  };
}

describe('the event limit per origin (tie keys)', () => {
  const LIMIT = 300;

  function world(procs: (() => Process)[]): World {
    const w = new World({ seed: 'origin-limit', nodes: procs.map((factory) => ({ role: 'server', factory })), originSeqMax: LIMIT });
    w.boot();
    return w;
  }

  it('a node that creates too many timers halts the run with the limit named, without throwing', () => {
    const w = world([() => ticker(null)]);
    expect(w.run({ timeUs: 10_000_000 })).toBe('halted');
    expect(w.haltedBy).toMatch(/^stopped at [\d.]+ms: node 0 \(its timers\) created 300 events, the most one origin can number \(the event queue's tie keys: a hard limit, no flag raises it\)/);
    const executed = w.executed;
    expect(w.run({ timeUs: 20_000_000 })).toBe('halted');
    expect(w.executed).toBe(executed);
    w.concludeChecks();
    expect(w.inconclusive[0].check).toBe('scale-limit');
  });

  it('a node that sends too many messages, and a kernel with too many actions, halt the same way', () => {
    const sender = world([() => ticker(1), () => ticker(null)]);
    expect(sender.run({ timeUs: 10_000_000 })).toBe('halted');
    expect(sender.haltedBy).toMatch(/node 0 \(the messages it sent\) created 300 events/);
    const busy = world([() => ticker(null)]);
    for (let i = 0; i < LIMIT; i++) busy.at(1_000 * i, `action ${i}`, () => {});
    expect(busy.haltedBy).toMatch(/the kernel \(scenario actions\) created 300 events/);
    expect(busy.run({ timeUs: 10_000_000 })).toBe('halted');
  });
});
