// Goal: the event queue pops in (time, tie key) order whatever the push order, and stays
// correct across growth and removals. Method: fast-check generates push/pop sequences and
// compares against a sorted reference model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, tieKey } from './eventQueue.ts';

describe('EventQueue', () => {
  it('pops every event in (time, node, origin, seq) order', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(5), fc.nat(5)), { maxLength: 300 }), (raw) => {
      const q = new EventQueue<number>(4);
      const seq = new Map<number, number>();
      const ref: [number, number, number][] = [];
      raw.forEach(([time, node, origin], i) => {
        const s = seq.get(origin) ?? 0;
        seq.set(origin, s + 1);
        const key = tieKey(node, origin, s);
        q.push(time, key, i);
        ref.push([time, key, i]);
      });
      ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const out: number[] = [];
      while (q.size > 0) out.push(q.pop() as number);
      expect(out).toEqual(ref.map((r) => r[2]));
    }));
  });

  it('interleaved pushes and pops never go back in time', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.nat(1000), fc.constant(-1)), { maxLength: 500 }), (ops) => {
      const q = new EventQueue<number>(2);
      let now = 0;
      let k = 0;
      for (const op of ops) {
        if (op === -1) {
          if (q.size === 0) continue;
          const t = q.peekTime();
          expect(t).toBeGreaterThanOrEqual(now);
          now = t;
          q.pop();
        } else {
          q.push(now + op, k++, op);
        }
      }
    }));
  });

  it('removeWhere drops exactly the matching events and keeps the order', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 1000; i++) q.push((i * 7919) % 1000, i, i);
    expect(q.removeWhere((x) => x % 3 === 0)).toBe(334);
    let last = -1;
    const seen: number[] = [];
    while (q.size > 0) {
      const t = q.peekTime();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      seen.push(q.pop() as number);
    }
    expect(seen.length).toBe(666);
    expect(seen.every((x) => x % 3 !== 0)).toBe(true);
  });

  it('rejects a non-integer or negative time', () => {
    const q = new EventQueue<number>();
    expect(() => q.push(1.5, 0, 0)).toThrow(/integer/);
    expect(() => q.push(-1, 0, 0)).toThrow(/integer/);
  });
});
