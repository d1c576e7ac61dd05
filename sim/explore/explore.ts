// Coverage-guided schedule search (as Mallory does for distributed systems, AFL for
// programs): run a scenario's swarm seeds, keep the runs that reach abstract protocol
// states no earlier run reached (coverage.ts), and spend the rest of the budget on mutants
// of their fault schedules and protocol settings: a fault moved, stretched, dropped,
// retargeted or repeated, a fault drawn fresh from the swarm's kinds, two schedules spliced
// at a time, the settings another seed draws. Parents are picked by the rarity of the states
// they reach. The schedule is data, so a mutant is an
// ordinary concrete scenario, written out as YAML and replayed with `faultline run`.
//
// Contract: deterministic: the same scenario and options explore the same runs (every
// choice comes from the named stream `explore` of the scenario's name). Mutants stay within
// the swarm's window and duration ranges, and each one is the scenario parsed back from
// its own YAML text, so the file a failure writes replays it exactly. The observer never
// changes a run (same trace hash as unobserved).
import type { Micros } from '../../core/env.ts';
import { Stream } from '../kernel/random.ts';
import { materialize, sampleSwarm } from '../faults/swarm.ts';
import { runScenario, type RunReport } from '../run/runScenario.ts';
import { parseScenarioText } from '../scenario/parse.ts';
import type { FaultSpec, Scenario, SwarmSpec } from '../scenario/schema.ts';
import { scenarioToYaml } from '../scenario/toYaml.ts';
import { CoverageObserver } from './coverage.ts';

/** Seeds of mutants that do not keep their parent's seed start here, apart from swarm seeds. */
export const MUTANT_SEED_BASE = 1_000_000;

export interface ExploreOptions {
  /** Runs in all (the budget). */
  runs: number;
  /** Plain swarm seeds 1..initial run first (default: a fifth of the budget, at least 1). */
  initial?: number;
  /** Called after every run. */
  onRun?: (r: ExploreRun) => void;
}

export interface ExploreRun {
  /** 0-based position in the budget. */
  index: number;
  seed: number;
  origin: 'swarm' | 'mutant';
  /** The corpus run it was mutated from (its index), and how. */
  parent?: number;
  mutations: string[];
  /** The concrete scenario as run (no swarm section left). */
  scenario: Scenario;
  /** Its YAML text: `faultline run --scenario FILE --seed SEED` replays the run. */
  text: string;
  report: RunReport;
  /** Abstract states and transitions this run reached first. */
  newStates: number;
  newTransitions: number;
  /** Distinct states reached so far by all runs. */
  statesSoFar: number;
}

export interface ExploreResult {
  runs: number;
  states: number;
  transitions: number;
  corpus: number;
  failures: ExploreRun[];
}

interface Entry {
  run: ExploreRun;
  picked: number;
  /** The abstract states the run reached. */
  states: readonly string[];
}

/** One run with a coverage observer attached; the report is that of the run unobserved. */
export function runObserved(s: Scenario, seed: number): { report: RunReport; states: Set<string>; transitions: Set<string> } {
  let obs: CoverageObserver | null = null;
  const { report } = runScenario(s, seed, { observe: (world) => { obs = new CoverageObserver(world); } });
  const o = obs as CoverageObserver | null;
  return { report, states: o?.states ?? new Set(), transitions: o?.transitions ?? new Set() };
}

function pickUs(r: Stream, lo: Micros, hi: Micros): Micros {
  return lo + 1000 * r.intBetween(0, Math.floor((hi - lo) / 1000));
}

function hasNode(f: FaultSpec): f is FaultSpec & { node: number } {
  return 'node' in f && typeof f.node === 'number';
}

type Mutator = (faults: FaultSpec[], ctx: MutateCtx) => FaultSpec[] | null;

interface MutateCtx {
  r: Stream;
  base: Scenario;
  sw: SwarmSpec;
  freshSeed: () => number;
  other: () => Scenario;
}

/** The mutation operators, by name; each returns null when it does not apply. */
const MUTATORS: Record<string, Mutator> = {
  retime: (fs, { r, sw }) => {
    if (fs.length === 0) return null;
    const i = r.int(fs.length);
    return fs.map((f, j) => (j === i ? { ...f, at: pickUs(r, sw.window[0], sw.window[1]) } : f));
  },
  stretch: (fs, { r, sw }) => {
    const cands = fs.map((f, i) => [f, i] as const).filter(([f]) => 'duration' in f && f.duration !== undefined && f.kind !== 'crashOn' && f.kind !== 'slowStart');
    if (cands.length === 0) return null;
    const [f, i] = cands[r.int(cands.length)];
    const duration = pickUs(r, sw.duration[0], sw.duration[1]);
    const g = { ...f, duration } as FaultSpec;
    if ((g.kind === 'figure8' || g.kind === 'diverge') && g.period > duration) g.period = Math.max(1000, duration); // 1ms: the schema's least period
    return fs.map((x, j) => (j === i ? g : x));
  },
  drop: (fs, { r }) => {
    if (fs.length < 2) return null;
    const i = r.int(fs.length);
    return fs.filter((_, j) => j !== i);
  },
  add: (fs, { r, base, freshSeed }) => {
    const drawn = sampleSwarm(base, freshSeed());
    if (drawn.length === 0) return null;
    return [...fs, drawn[r.int(drawn.length)]];
  },
  repeat: (fs, { r, sw }) => {
    if (fs.length === 0) return null;
    const f = fs[r.int(fs.length)];
    return [...fs, { ...f, at: pickUs(r, sw.window[0], sw.window[1]) }];
  },
  retarget: (fs, { r, base }) => {
    const idx = fs.map((f, i) => (hasNode(f) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) return null;
    const i = idx[r.int(idx.length)];
    return fs.map((f, j) => (j === i ? { ...f, node: r.int(base.topology.nodes) } as FaultSpec : f));
  },
  splice: (fs, { r, sw, other }) => {
    const o = other().faults;
    const cut = pickUs(r, sw.window[0], sw.window[1]);
    const out = [...fs.filter((f) => f.at < cut), ...o.filter((f) => f.at >= cut)];
    return out.length === 0 ? null : out;
  },
};

const MUTATOR_NAMES = Object.keys(MUTATORS);

/**
 * A parent, by rarity (as AFLFast favours rare paths): a kept run weighs the sum over its
 * states of 1 / (runs that reached that state), divided by 1 + the times it was picked
 * already; so runs that reach states few others reach are mutated most.
 */
function weightedPick(r: Stream, corpus: readonly Entry[], hits: ReadonlyMap<string, number>): Entry {
  const w = corpus.map((e) => {
    let rarity = 0;
    for (const x of e.states) rarity += 1 / (hits.get(x) ?? 1);
    return rarity / (1 + e.picked);
  });
  const total = w.reduce((a, b) => a + b, 0);
  let x = r.next() * total;
  for (let i = 0; i < corpus.length; i++) {
    x -= w[i];
    if (x < 0) return corpus[i];
  }
  return corpus[corpus.length - 1];
}

/** The concrete scenario parsed back from its YAML, or null when the mutant does not validate. */
function settle(s: Scenario, header: string): { scenario: Scenario; text: string } | null {
  const text = scenarioToYaml(s, header);
  const parsed = parseScenarioText(text, `${s.name}.yaml`);
  return parsed.ok ? { scenario: parsed.scenario, text } : null;
}

export function explore(s: Scenario, opts: ExploreOptions): ExploreResult {
  const sw = s.swarm;
  if (sw === undefined) throw new Error(`explore: scenario ${s.name} has no swarm section to draw and mutate fault schedules from`);
  const r = new Stream(`explore/${s.name}`, 'explore');
  const initial = Math.max(1, Math.min(opts.runs, opts.initial ?? Math.ceil(opts.runs / 5)));
  const states = new Set<string>();
  /** Runs that reached each state. */
  const hits = new Map<string, number>();
  const transitions = new Set<string>();
  const corpus: Entry[] = [];
  const failures: ExploreRun[] = [];
  let nextSwarmSeed = 1;
  let fresh = 0;
  const freshSeed = (): number => MUTANT_SEED_BASE + fresh++;
  for (let index = 0; index < opts.runs; index++) {
    let candidate: { scenario: Scenario; text: string; seed: number; parent?: number; mutations: string[] } | null = null;
    if (index >= initial && corpus.length > 0) {
      const parent = weightedPick(r, corpus, hits);
      parent.picked++;
      let faults = parent.run.scenario.faults;
      let base: Scenario = parent.run.scenario;
      const mutations: string[] = [];
      const n = 1 + r.int(3);
      const ctx: MutateCtx = { r, base: s, sw, freshSeed, other: () => corpus[r.int(corpus.length)].run.scenario };
      // Operators that do not apply (dropping the only fault, say) are drawn again, a bounded number of times.
      for (let k = 0; mutations.length < n && k < 4 * n; k++) {
        const name = MUTATOR_NAMES[r.int(MUTATOR_NAMES.length + 1)] ?? 'settings';
        if (name === 'settings') {
          // Another seed's protocol settings (or the same scenario again where none are drawn).
          base = { ...materialize(s, freshSeed()), faults };
          mutations.push(name);
          continue;
        }
        const next = MUTATORS[name](faults, ctx);
        if (next === null) continue;
        faults = next;
        mutations.push(name);
      }
      const seed = r.next() < 0.5 ? parent.run.seed : freshSeed();
      const concrete: Scenario = { ...base, faults: [...faults].sort((a, b) => a.at - b.at) };
      const settled = settle(concrete, `faultline explore: run ${index + 1}, mutated from run ${parent.run.index + 1} (${mutations.join(', ') || 'unchanged'}).\nReplay: faultline run --scenario FILE --seed ${seed}`);
      if (settled !== null) candidate = { ...settled, seed, parent: parent.run.index, mutations };
    }
    if (candidate === null) {
      const seed = nextSwarmSeed++;
      const settled = settle(materialize(s, seed), `faultline explore: run ${index + 1}, swarm seed ${seed} of ${s.name}.\nReplay: faultline run --scenario FILE --seed ${seed}`);
      if (settled === null) throw new Error(`explore: seed ${seed} of ${s.name} does not write back as a valid scenario; this is a bug`);
      candidate = { ...settled, seed, mutations: [] };
    }
    const { report, states: st, transitions: tr } = runObserved(candidate.scenario, candidate.seed);
    let newStates = 0;
    let newTransitions = 0;
    for (const x of st) {
      hits.set(x, (hits.get(x) ?? 0) + 1);
      if (!states.has(x)) { states.add(x); newStates++; }
    }
    for (const x of tr) if (!transitions.has(x)) { transitions.add(x); newTransitions++; }
    const run: ExploreRun = {
      index, seed: candidate.seed, origin: candidate.parent === undefined ? 'swarm' : 'mutant', parent: candidate.parent,
      mutations: candidate.mutations, scenario: candidate.scenario, text: candidate.text, report, newStates, newTransitions, statesSoFar: states.size,
    };
    if (newStates + newTransitions > 0) corpus.push({ run, picked: 0, states: [...st] });
    if (report.verdict === 'fail') failures.push(run);
    opts.onRun?.(run);
  }
  return { runs: opts.runs, states: states.size, transitions: transitions.size, corpus: corpus.length, failures };
}
