// Seeded synthetic corpora for scale: clustered Gaussian vectors (10k-100k, 128-d).
//
// Contract: the same (count, dim, clusters, seed) gives the same bytes everywhere: the
// draws come from seedrandom's alea stream named by the parameters, and each value is
// rounded to float32 once. Centres are uniform in [-1, 1]^dim; points are a centre plus
// Gaussian noise of standard deviation `spread`, so nearest-neighbour structure is real
// (clusters) but not trivial (overlap grows with spread).
import alea from 'seedrandom/lib/alea.js';
import type { Corpus } from './corpus.ts';

export interface SyntheticSpec {
  count: number;
  dim: number;
  clusters: number;
  /** Noise around a centre, as a standard deviation per coordinate. */
  spread: number;
  seed: number;
}

export const SYNTHETIC_DEFAULT: SyntheticSpec = { count: 10_000, dim: 128, clusters: 64, spread: 0.5, seed: 1 };

export function syntheticCorpus(spec: Partial<SyntheticSpec> = {}): Corpus {
  const s = { ...SYNTHETIC_DEFAULT, ...spec };
  for (const k of ['count', 'dim', 'clusters'] as const) {
    if (!(Number.isInteger(s[k]) && s[k] > 0)) throw new Error(`synthetic corpus: ${k} must be a positive integer, got ${s[k]}`);
  }
  if (!(s.spread > 0)) throw new Error(`synthetic corpus: spread must be positive, got ${s.spread}`);
  const draw = alea(`synthetic/${s.count}/${s.dim}/${s.clusters}/${s.spread}/${s.seed}`);
  const centres = new Float64Array(s.clusters * s.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = draw() * 2 - 1;
  const vectors = new Float32Array(s.count * s.dim);
  const titles: string[] = [];
  for (let i = 0; i < s.count; i++) {
    const c = Math.floor(draw() * s.clusters);
    for (let d = 0; d < s.dim; d++) {
      const u = 1 - draw();
      const v = draw();
      vectors[i * s.dim + d] = centres[c * s.dim + d] + s.spread * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    titles.push(`synthetic #${i} (cluster ${c})`);
  }
  return {
    name: `synthetic-${s.count}x${s.dim}`, dim: s.dim, count: s.count, metric: 'l2', vectors, titles,
    source: `seeded synthetic clusters (${s.clusters} centres, spread ${s.spread}, seed ${s.seed})`,
  };
}
