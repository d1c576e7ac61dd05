// Measures the UI's seek cache in Node (no browser): for each scenario, the JS heap a full
// cache holds and the cache's own estimate of it (the worst case: a spacing of
// endUs / SLOTS_MAX or what the memory bound allows, as when the run simulates too slowly
// for a wider one), the wall time it takes to fill, and the slowest of a set of seeks
// backward and forward once it is full. Prints one JSON object.
//
// Run: node --expose-gc --import tsx ui/scripts/seekCache.ts [scenario[:duration]]...
//   (default: raft-idle raft-kv-basic raft-kv-basic:10m rag-basic)
// Heap figures need --expose-gc (a collection before each reading); wall times are this
// machine's, on a shared machine: compare runs made back to back.
import { readFileSync } from 'node:fs';
import { parseDuration } from '../../sim/scenario/duration.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import { prepareScenario } from '../../sim/workloads/registry.ts';
import { SLOTS_MAX } from '../sim/keyframes.ts';
import { LiveSession } from '../sim/liveSession.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc --import tsx ui/scripts/seekCache.ts');

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

async function measure(arg: string): Promise<object> {
  const [name, dur] = arg.split(':');
  const r = parseScenarioText(readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  const durationUs = dur === undefined ? r.scenario.duration : parseDuration(dur);
  if (durationUs === null) throw new Error(`${arg}: "${dur}" is not a duration like 10m`);
  const scenario = { ...r.scenario, duration: durationUs };
  await prepareScenario(scenario);
  const before = heapMb();
  // A wall clock that stands still while the cache fills: the spacing falls to its floor, endUs / SLOTS_MAX (the most keyframes).
  let frozen = true;
  const wall = (): number => (frozen ? 0 : performance.now());
  const live = new LiveSession({ scenario, seed: 1, interventions: [] }, wall);
  const t0 = performance.now();
  live.prepare(1);
  const fillMs = performance.now() - t0;
  const status = live.keyframeStatus;
  const full = heapMb();
  frozen = false;
  const seeks: number[] = [];
  for (const pct of [100, 0, 25, 75, 50, 100, 25, 50, 0, 75, 99.9, 0.1]) {
    const s0 = performance.now();
    live.frame({ action: { kind: 'seek', toUs: (durationUs * pct) / 100 }, selected: null, log: { nodes: null, kinds: null, limit: 150 } });
    seeks.push(performance.now() - s0);
  }
  return {
    scenario: name, durationS: durationUs / 1e6, keyframes: status.timesUs.length, slotsMax: SLOTS_MAX,
    heapMb: +(full - before).toFixed(1), estimatedMb: +(status.bytes / 1e6).toFixed(1), stoppedBy: status.stoppedBy, perKeyframeMb: +((full - before) / (status.timesUs.length + 1)).toFixed(2),
    fillMs: Math.round(fillMs), worstSeekMs: Math.round(Math.max(...seeks)), medianSeekMs: Math.round([...seeks].sort((a, b) => a - b)[seeks.length >> 1]),
  };
}

const args = process.argv.slice(2);
const out: object[] = [];
for (const a of args.length > 0 ? args : ['raft-idle', 'raft-kv-basic', 'raft-kv-basic:10m', 'rag-basic']) out.push(await measure(a));
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
