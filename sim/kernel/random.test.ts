// Goal: named streams are independent and reproducible. Method: draw from a stream alone
// and interleaved with other streams; the sequences must be identical.
import { describe, expect, it } from 'vitest';
import { Streams } from './random.ts';

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
