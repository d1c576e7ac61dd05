// Kernel benchmarks: the event queue under a million pending events against flatqueue (the
// fastest generic binary heap on npm) in the same process, and whole-run figures for
// catalogue scenarios (events/s and time compression: simulated seconds per wall second).
// Each figure is the median of several runs; ratios compare runs made side by side.
import FlatQueue from 'flatqueue';
import seedrandom from 'seedrandom';
import { loadScenarioFile, locateScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { runScenario } from '../sim/run/runScenario.ts';

const PENDING = 1_000_000;
const OPS = 2_000_000;
const REPEATS = 5;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The hold model: each executed event schedules one more, keeping PENDING events queued. */
function kernelHold(): number {
  const r = seedrandom.alea('hold');
  let k!: Kernel<number>;
  k = new Kernel<number>('bench', (node) => {
    k.schedule(k.nowUs + 1 + Math.floor(r() * 1_000_000), node, node, node);
  });
  for (let i = 0; i < PENDING; i++) k.schedule(Math.floor(r() * 1_000_000), i % 64, i % 64, i % 64);
  const t0 = wallNowMs();
  k.run({ eventsMax: OPS });
  return OPS / ((wallNowMs() - t0) / 1000);
}

/** A bare pop+push loop on flatqueue with the same pending count and time distribution. */
function flatHold(): number {
  const r = seedrandom.alea('hold');
  const q = new FlatQueue<number>();
  for (let i = 0; i < PENDING; i++) q.push(i, Math.floor(r() * 1_000_000));
  const t0 = wallNowMs();
  for (let i = 0; i < OPS; i++) {
    const now = q.peekValue() as number;
    const id = q.pop() as number;
    q.push(id, now + 1 + Math.floor(r() * 1_000_000));
  }
  return OPS / ((wallNowMs() - t0) / 1000);
}

function scenarioRun(name: string, seed: number): { eventsPerS: number; compression: number; events: number } {
  const loc = locateScenario(name);
  if (!loc.ok) throw new Error(loc.message);
  const p = loadScenarioFile(loc.file);
  if (!p.ok) throw new Error(`${name} invalid`);
  const t0 = wallNowMs();
  const { report } = runScenario(p.scenario, seed);
  const wallS = (wallNowMs() - t0) / 1000;
  return { eventsPerS: report.events / wallS, compression: report.simulatedMs / 1000 / wallS, events: report.events };
}

export async function run(): Promise<Record<string, number | string>> {
  const ours: number[] = [];
  const flat: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const f = flatHold();
    const o = kernelHold();
    flat.push(f);
    ours.push(o);
    ratios.push(o / f);
  }
  const out: Record<string, number | string> = {
    kernelPending: PENDING,
    kernelEventsPerS: Math.round(median(ours)),
    flatqueueEventsPerS: Math.round(median(flat)),
    kernelVsFlatqueueRatio: +median(ratios).toFixed(3),
  };
  for (const name of ['heartbeat-idle', 'raft-idle', 'raft-kv-basic']) {
    scenarioRun(name, 1); // warm-up
    const runs = Array.from({ length: REPEATS }, (_, i) => scenarioRun(name, i + 1));
    out[`${name}.eventsPerS`] = Math.round(median(runs.map((r) => r.eventsPerS)));
    out[`${name}.timeCompression`] = Math.round(median(runs.map((r) => r.compression)));
  }
  return out;
}
