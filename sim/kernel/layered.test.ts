// Goal: a Layered setting is its base folded with the active layers in the order they were
// added, whatever order they are removed in, and exactly its base once all are gone.
// Method: fast-check drives random add/remove sequences against a list model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { any, largest, latestWins, Layered, overlay, smallest, sum, type Combine } from './layered.ts';

function check<T>(base: T, combine: Combine<T, T>, values: fc.Arbitrary<T>): void {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), values, fc.nat(20))), (ops) => {
    const l = new Layered(base, combine);
    const model: { id: number; v: T }[] = [];
    let idNext = 1;
    for (const [add, v, pick] of ops) {
      if (add || model.length === 0) {
        const id = idNext++;
        model.push({ id, v });
        l.add(id, v);
      } else {
        const [gone] = model.splice(pick % model.length, 1);
        l.remove(gone.id);
      }
      expect(l.value).toEqual(model.reduce((acc, m) => combine(acc, m.v), base));
      expect(l.depth).toBe(model.length);
    }
    for (const m of [...model].reverse()) l.remove(m.id);
    expect(l.value).toBe(base);
  }));
}

describe('Layered', () => {
  it('folds active layers in order and returns to the base for every combination rule', () => {
    check(1, largest, fc.integer({ min: 1, max: 100 }));
    check(1 << 30, smallest, fc.nat());
    check(0, sum, fc.nat(1000));
    check(false, any, fc.boolean());
    check(0, latestWins, fc.integer());
  });

  it('overlays partial objects field by field', () => {
    const l = new Layered<{ a: number; b: number }, Partial<{ a: number; b: number }>>({ a: 0, b: 0 }, overlay);
    l.add(1, { a: 5 });
    l.add(2, { b: 7 });
    l.add(3, { a: 9 });
    expect(l.value).toEqual({ a: 9, b: 7 });
    expect(l.remove(3)).toEqual({ a: 5, b: 7 });
    expect(l.remove(1)).toEqual({ a: 0, b: 7 });
    l.remove(2);
    expect(l.value).toEqual({ a: 0, b: 0 });
  });

  it('refuses a layer id twice and the removal of one that is not active', () => {
    const l = new Layered(0, sum);
    l.add(1, 3);
    expect(() => l.add(1, 4)).toThrow(/already active/);
    expect(() => l.remove(2)).toThrow(/not active/);
  });
});
