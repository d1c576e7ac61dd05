// Goal: the determinism contract. Same scenario + seed gives the same trace hash twice
// (madsim's run-twice check): in two separate, fresh processes, and in this process after
// other runs have exercised every module, so state that leaked from one run into the next
// (module-level variables, caches) would show as a different hash; different seeds give
// different traces; events never run out of canonical order. Method: run catalogue
// scenarios through the real CLI in child processes and in-process, and compare reports
// and retained traces.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

const scenario = catalogScenario;
const CLI = fileURLToPath(new URL('../bin/faultline.mjs', import.meta.url));

/** `faultline run --json` in a fresh Node process: its trace hash and event count. */
function runInChild(name: string, seed: number): Promise<{ traceHash: string; events: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'run', '--scenario', name, '--seed', String(seed), '--json'], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      // Exit code 1 (a check failed) still prints the report; anything else is a failure here.
      if (err !== null && (err as { code?: unknown }).code !== 1) return reject(new Error(`${name} seed ${seed}: ${err.message}\n${stderr}`));
      try {
        const r = JSON.parse(stdout) as { traceHash: string; events: number };
        resolve({ traceHash: r.traceHash, events: r.events });
      } catch (e) {
        reject(new Error(`${name} seed ${seed}: no JSON report (${String(e)})\n${stderr}`));
      }
    });
  });
}

describe('determinism', () => {
  it('the same seed gives the same trace hash in two fresh processes and in this one after other runs', async () => {
    const runs: [string, number][] = [['raft-kv-basic', 3], ['heartbeat-chaos', 42]];
    const children = await Promise.all(runs.map(async ([name, seed]) => Promise.all([runInChild(name, seed), runInChild(name, seed)])));
    // This process runs other scenarios first, so every module has state from an earlier run.
    for (const name of ['overload-2x', 'heartbeat-crash', 'byz-forged-sender']) runScenario(scenario(name), 7);
    runs.forEach(([name, seed], i) => {
      const [a, b] = children[i];
      expect(b.traceHash, `${name} seed ${seed}: second fresh process`).toBe(a.traceHash);
      expect(b.events).toBe(a.events);
      expect(a.events).toBeGreaterThan(1000);
      const here = runScenario(scenario(name), seed).report;
      expect(here.traceHash, `${name} seed ${seed}: in-process after other runs`).toBe(a.traceHash);
      expect(here.events).toBe(a.events);
    });
  });

  it('different seeds give different traces', () => {
    const s = scenario('heartbeat-chaos');
    fc.assert(fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (x, y) => {
      fc.pre(x !== y);
      expect(runScenario(s, x).report.traceHash).not.toBe(runScenario(s, y).report.traceHash);
    }), { numRuns: 10 });
  });

  it('retaining the trace does not change it, and events run in time order', () => {
    const s = scenario('heartbeat-chaos');
    const plain = runScenario(s, 7).report;
    const { report, world } = runScenario(s, 7, { retainTrace: true });
    expect(report.traceHash).toBe(plain.traceHash);
    const events = world.trace.events();
    expect(events.length).toBe(report.stats.traced);
    for (let i = 1; i < events.length; i++) expect(events[i].t).toBeGreaterThanOrEqual(events[i - 1].t);
  });

  it('progress reporting does not change the run', () => {
    const s = scenario('heartbeat-crash');
    const seen: number[] = [];
    const a = runScenario(s, 3, { onProgress: (t) => seen.push(t), progressStepUs: 123_457 }).report;
    expect(a.traceHash).toBe(runScenario(s, 3).report.traceHash);
    expect(seen.length).toBeGreaterThan(50);
  });
});
