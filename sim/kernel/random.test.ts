// Goal: named streams are independent and reproducible, and every sampler gives the same
// doubles in every engine. Method: draw from a stream alone and interleaved with other
// streams; the sequences must be identical. Golden values pin the exact outputs of the
// uniform, normal, exponential and latency samplers for fixed seeds: they are built on
// alea (+ - * only) and core/math/portableMath.ts, so these bits hold in any engine.
import { describe, expect, it } from 'vitest';
import { sampleLatency } from '../net/latency.ts';
import { Stream, Streams } from './random.ts';

describe('Streams', () => {
  it('adding a stream or drawing from another never shifts a stream', () => {
    const a = new Streams('42').get('net/0->1');
    const alone = Array.from({ length: 100 }, () => a.next());
    const s = new Streams('42');
    const other = s.get('node/3/raft');
    const b = s.get('net/0->1');
    const mixed: number[] = [];
    for (let i = 0; i < 100; i++) {
      other.next();
      s.get(`extra/${i}`).next();
      mixed.push(b.next());
    }
    expect(mixed).toEqual(alone);
  });

  it('different seeds and names give different sequences', () => {
    const x = new Streams('1').get('a').next();
    expect(new Streams('2').get('a').next()).not.toBe(x);
    expect(new Streams('1').get('b').next()).not.toBe(x);
  });

  it('int stays in range and covers it', () => {
    const r = new Streams('7').get('int');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = r.int(10);
      expect(v >= 0 && v < 10 && Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(() => r.int(0)).toThrow();
  });
});

describe('samplers: golden values', () => {
  it('uniform, normal and exponential draws are exactly the pinned doubles', () => {
    const r = new Stream('golden', 'samplers');
    const got = {
      next: [r.next(), r.next(), r.next()],
      normal: [r.normal(), r.normal(), r.normal(), r.normal()],
      exponential: [r.exponential(1), r.exponential(250), r.exponential(1e6)],
    };
    expect(got).toEqual(GOLDEN_SAMPLES);
  });

  it('latency samples of every distribution are exactly the pinned microseconds', () => {
    const r = new Stream('golden', 'latency');
    const got = [
      ...Array.from({ length: 4 }, () => sampleLatency({ kind: 'normal', meanUs: 5_000, sdUs: 1_500 }, r, 500)),
      ...Array.from({ length: 4 }, () => sampleLatency({ kind: 'longtail', minUs: 1_000, alpha: 1.5, maxUs: 1_000_000 }, r, 500)),
      ...Array.from({ length: 2 }, () => sampleLatency({ kind: 'uniform', minUs: 1_000, maxUs: 3_000 }, r, 500)),
    ];
    expect(got).toEqual(GOLDEN_LATENCIES);
  });
});

const GOLDEN_SAMPLES = {
  next: [0.5273575419560075, 0.4234180343337357, 0.7933964368421584],
  normal: [-0.6223583197202246, 0.46987721009691447, 0.29131901982482017, -1.1385537371993983],
  exponential: [0.3694442216017122, 329.1825865859926, 1485612.2529132534],
};
const GOLDEN_LATENCIES = [5936, 3774, 7009, 4987, 1598, 1463, 2070, 1541, 2022, 2962];
