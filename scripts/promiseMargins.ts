// `npm run promises -- DIR...`: how close a load scenario's promises came to breaking over
// a sweep. For each sweep output (DIR holding sweep.json or results.jsonl), it reads the
// scenario's `load.expect` and every seed's stats, and prints per promise the bound, the
// worst seed's figure, the median, the best seed's, how many seeds broke it and the margin left:
// (bound - worst) / bound for a maximum, (worst - bound) / bound for a minimum. A catalogue
// scenario must pass every seed, so every margin must be positive; the -without variants
// must break their distinguishing promise on every seed. `--json` prints the same as JSON.
//
//   npx faultline sweep --scenario cascade --seeds 1..200 --jobs 2 --out sweeps/cascade
//   npm run promises -- sweeps/cascade
import { parse } from 'yaml';
import { readSweepFile } from '../cli/sweepFile.ts';
import { PROMISES } from '../sim/workloads/loadKv.ts';

interface Margin {
  promise: string;
  bound: number;
  worst: number;
  worstSeed: number;
  /** The seed furthest from breaking it (what a -without variant must still break). */
  best: number;
  bestSeed: number;
  median: number;
  broken: number;
  /** Fraction of the bound left over at the worst seed; negative when broken. */
  margin: number;
}

function margins(dir: string): { scenario: string; seeds: number; failed: number; inconclusive: number; promises: Margin[] } {
  const f = readSweepFile(dir);
  const doc = parse(f.scenarioText) as { load?: { expect?: Record<string, Record<string, number>> } };
  const out: Margin[] = [];
  for (const [phase, expect] of Object.entries(doc.load?.expect ?? {})) {
    for (const [key, figure, kind] of PROMISES) {
      const bound = expect[key];
      if (bound === undefined) continue;
      const values = f.results.map((r) => ({ v: r.stats[`${phase}.${figure}`], seed: r.seed })).filter((x): x is { v: number; seed: number } => typeof x.v === 'number');
      if (values.length === 0) continue;
      const sorted = [...values].sort((a, b) => a.v - b.v || a.seed - b.seed);
      const worst = kind === 'max' ? sorted[sorted.length - 1] : sorted[0];
      const best = kind === 'max' ? sorted[0] : sorted[sorted.length - 1];
      const broken = values.filter((x) => (kind === 'max' ? x.v > bound : x.v < bound)).length;
      const margin = kind === 'max' ? (bound - worst.v) / bound : (worst.v - bound) / bound;
      out.push({ promise: `${phase}.${figure} ${kind === 'max' ? '<=' : '>='}`, bound, worst: worst.v, worstSeed: worst.seed, best: best.v, bestSeed: best.seed, median: sorted[Math.floor(sorted.length / 2)].v, broken, margin: Math.round(margin * 1000) / 1000 });
    }
  }
  return {
    scenario: f.scenario,
    seeds: f.results.length,
    failed: f.results.filter((r) => r.verdict === 'fail').length,
    inconclusive: f.results.filter((r) => r.verdict === 'inconclusive').length,
    promises: out,
  };
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const dirs = args.filter((a) => a !== '--json');
if (dirs.length === 0) {
  process.stderr.write('usage: npm run promises -- SWEEP_DIR... [--json]\n');
  process.exit(2);
}
const all = dirs.map(margins);
if (json) {
  process.stdout.write(JSON.stringify(all, null, 1) + '\n');
} else {
  for (const s of all) {
    process.stdout.write(`${s.scenario}: ${s.seeds} seeds, ${s.failed} failed, ${s.inconclusive} inconclusive\n`);
    process.stdout.write(`  ${'promise'.padEnd(30)} ${'bound'.padStart(8)} ${'worst (seed)'.padStart(18)} ${'median'.padStart(9)} ${'best (seed)'.padStart(18)} ${'broken'.padStart(7)} ${'margin'.padStart(7)}\n`);
    for (const m of s.promises) {
      process.stdout.write(`  ${m.promise.padEnd(30)} ${String(m.bound).padStart(8)} ${`${m.worst} (${m.worstSeed})`.padStart(18)} ${String(m.median).padStart(9)} ${`${m.best} (${m.bestSeed})`.padStart(18)} ${String(m.broken).padStart(7)} ${`${Math.round(m.margin * 100)} %`.padStart(7)}\n`);
    }
  }
}
