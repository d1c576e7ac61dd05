// ReadOnly: the leader's queue of pending ReadIndex requests (bounded, unique contexts,
// released in arrival order).
import { describe, expect, it } from 'vitest';
import { ReadOnly } from './readOnly.ts';

describe('ReadOnly', () => {
  it('starts empty and refuses a duplicate context and a request beyond capacity', () => {
    const q = new ReadOnly(2);
    expect(q.size).toBe(0);
    expect(q.lastPendingCtx()).toBeUndefined();
    expect(q.add('a', 5, 2, 1)).toBe(true);
    expect(q.add('a', 6, 3, 1)).toBe(false);
    expect(q.add('b', 6, 3, 1)).toBe(true);
    expect(q.add('c', 7, 3, 1)).toBe(false);
    expect(q.size).toBe(2);
    expect(q.lastPendingCtx()).toBe('b');
  });

  it('counts acknowledgements with the leader itself, and none for an unknown context', () => {
    const q = new ReadOnly(4);
    q.add('a', 5, 2, 1);
    expect([...(q.recvAck(3, 'a') ?? [])].sort()).toEqual([1, 3]);
    expect(q.recvAck(3, 'zz')).toBeUndefined();
  });

  it('advance releases the prefix up to a context, and nothing for an unknown one', () => {
    const q = new ReadOnly(4);
    for (const c of ['a', 'b', 'c']) q.add(c, 1, 1, 1);
    expect(q.advance('zz')).toEqual([]);
    expect(q.size).toBe(3);
    expect(q.advance('b').map((r) => r.ctx)).toEqual(['a', 'b']);
    expect(q.size).toBe(1);
    expect(q.add('a', 2, 1, 1)).toBe(true); // a released context can be used again
    expect(q.advance('c').map((r) => r.ctx)).toEqual(['c']);
    expect(q.lastPendingCtx()).toBe('a');
  });

  it('reset drops every request and frees their contexts', () => {
    const q = new ReadOnly(2);
    q.add('a', 1, 1, 1);
    q.add('b', 1, 1, 1);
    q.reset();
    expect(q.size).toBe(0);
    expect(q.advance('a')).toEqual([]);
    expect(q.add('a', 1, 1, 1)).toBe(true);
    expect(q.add('b', 1, 1, 1)).toBe(true);
  });
});
