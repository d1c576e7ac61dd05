// Kernel benchmarks: the event queue under a million pending events against flatqueue (the
// fastest generic binary heap on npm) in the same process, and whole-run figures for
// catalogue scenarios (events/s and time compression: simulated seconds per wall second).
// Each figure is the median of several runs; ratios compare runs made side by side.
// The per-message cost of sealing (the sim's canonical digest, trace/canon.ts) and of the
// KV integrity checksum (core/kv/integrity.ts) is measured on real raft-kv messages against
// JSON.stringify of the same messages in the same process.
import FlatQueue from 'flatqueue';
import seedrandom from 'seedrandom';
import { loadScenarioFile, locateScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { checksum } from '../core/kv/integrity.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { Sealer } from '../sim/trace/canon.ts';

const PENDING = 1_000_000;
const OPS = 2_000_000;
const REPEATS = 5;
/** Message-cost rounds are cheap (tens of ms) and noisy on a shared machine: take many. */
const MESSAGE_REPEATS = 15;

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

/** The payloads of the first `count` messages delivered in a raft-kv-basic run, as JSON text. */
function realMessages(count: number): string[] {
  const loc = locateScenario('raft-kv-basic');
  if (!loc.ok) throw new Error(loc.message);
  const p = loadScenarioFile(loc.file);
  if (!p.ok) throw new Error('raft-kv-basic invalid');
  const { world } = runScenario(p.scenario, 1, { retainTrace: true });
  return world.trace.events().filter((e) => e.kind === 'msg' && e.data.startsWith('{')).slice(0, count).map((e) => e.data);
}

/** Nanoseconds per message of `f` over freshly parsed (unfrozen) copies of `texts`. */
function perMessageNs(texts: string[], f: (m: object) => unknown): number {
  const msgs = texts.map((t) => JSON.parse(t) as object);
  let sink = 0;
  const t0 = wallNowMs();
  for (const m of msgs) if (f(m) !== undefined) sink++;
  const ns = ((wallNowMs() - t0) * 1e6) / msgs.length;
  if (sink < 0) throw new Error('unreachable');
  return ns;
}

function messageCosts(): Record<string, number> {
  const texts = realMessages(20_000);
  const seal: number[] = [];
  const sum: number[] = [];
  const json: number[] = [];
  const sealRatio: number[] = [];
  const sumRatio: number[] = [];
  const sealer = new Sealer();
  for (let i = 0; i < MESSAGE_REPEATS + 1; i++) {
    const j = perMessageNs(texts, (m) => JSON.stringify(m));
    const s = perMessageNs(texts, (m) => sealer.seal(m));
    const c = perMessageNs(texts, (m) => checksum(m));
    if (i === 0) continue; // warm-up
    json.push(j);
    seal.push(s);
    sum.push(c);
    sealRatio.push(s / j);
    sumRatio.push(c / j);
  }
  return {
    messages: texts.length,
    sealNsPerMessage: +median(seal).toFixed(1),
    checksumNsPerMessage: +median(sum).toFixed(1),
    jsonStringifyNsPerMessage: +median(json).toFixed(1),
    sealVsJsonRatio: +median(sealRatio).toFixed(3),
    checksumVsJsonRatio: +median(sumRatio).toFixed(3),
  };
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
  for (const [k, v] of Object.entries(messageCosts())) out[`message.${k}`] = v;
  for (const name of ['heartbeat-idle', 'raft-idle', 'raft-kv-basic']) {
    scenarioRun(name, 1); // warm-up
    const runs = Array.from({ length: REPEATS }, (_, i) => scenarioRun(name, i + 1));
    out[`${name}.eventsPerS`] = Math.round(median(runs.map((r) => r.eventsPerS)));
    out[`${name}.timeCompression`] = Math.round(median(runs.map((r) => r.compression)));
  }
  return out;
}
