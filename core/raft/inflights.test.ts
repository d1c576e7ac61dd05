// Inflights: the bounded ring of unacknowledged MsgApp last indices (one per follower).
import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.ts';

describe('Inflights', () => {
  it('refuses a capacity that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Inflights(bad)).toThrow(/capacity must be a positive integer/);
    }
    expect(new Inflights(1).capacity).toBe(1);
  });

  it('fills up to capacity and refuses one more', () => {
    const f = new Inflights(3);
    f.add(1);
    f.add(2);
    expect(f.full()).toBe(false);
    f.add(3);
    expect(f.full()).toBe(true);
    expect(f.count).toBe(3);
    expect(() => f.add(4)).toThrow(/add on a full ring/);
  });

  it('freeLE releases exactly the prefix at or below the index', () => {
    const f = new Inflights(4);
    for (const i of [10, 20, 30]) f.add(i);
    f.freeLE(9);
    expect(f.count).toBe(3);
    f.freeLE(20);
    expect(f.count).toBe(1);
    f.freeLE(29);
    expect(f.count).toBe(1);
    f.freeLE(30);
    expect(f.count).toBe(0);
    f.freeLE(1000);
    expect(f.count).toBe(0);
  });

  it('keeps order across the wrap of the ring', () => {
    const f = new Inflights(3);
    for (const i of [1, 2, 3]) f.add(i);
    f.freeLE(2); // start moves to slot 2
    f.add(4); // slots wrap: 4 goes to slot 0, 5 to slot 1
    f.add(5);
    expect(f.full()).toBe(true);
    f.freeLE(3);
    expect(f.count).toBe(2);
    f.freeLE(4);
    expect(f.count).toBe(1);
    f.add(6);
    f.add(7);
    expect(f.full()).toBe(true);
    f.freeLE(5);
    expect(f.count).toBe(2);
    f.freeLE(6);
    expect(f.count).toBe(1);
    f.freeLE(7);
    expect(f.count).toBe(0);
  });

  it('freeFirstOne releases only the oldest, and nothing when empty', () => {
    const f = new Inflights(2);
    f.freeFirstOne();
    expect(f.count).toBe(0);
    f.add(5);
    f.add(6);
    f.freeFirstOne();
    expect(f.count).toBe(1);
    f.freeLE(5);
    expect(f.count).toBe(1); // 5 is gone; 6 remains
    f.add(7); // wraps to slot 0
    f.freeFirstOne();
    expect(f.count).toBe(1);
    f.freeLE(6);
    expect(f.count).toBe(1); // the oldest left is 7
    f.freeLE(7);
    expect(f.count).toBe(0);
  });

  it('after freeFirstOne, freeLE continues from the next oldest', () => {
    const f = new Inflights(3);
    for (const i of [1, 2, 3]) f.add(i);
    f.freeFirstOne();
    f.freeLE(2);
    expect(f.count).toBe(1);
    f.freeLE(3);
    expect(f.count).toBe(0);
  });

  it('reset empties the ring', () => {
    const f = new Inflights(2);
    f.add(1);
    f.add(2);
    f.reset();
    expect(f.count).toBe(0);
    expect(f.full()).toBe(false);
    f.add(8);
    f.add(9);
    f.freeLE(8);
    expect(f.count).toBe(1);
  });
});
