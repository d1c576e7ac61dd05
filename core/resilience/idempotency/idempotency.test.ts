// Goal: a key runs its operation once; duplicates get the stored outcome or wait for the
// run under way; keys are stable; the store honours TTL, leases and its size bound.
// Method: hash test vectors; the synchronous guard with explicit `now`; the Promise
// wrapper with two concurrent duplicates on a ManualClock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuplicateRequestError, IdempotencyStoreFullError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { canonicalJson } from './canonicalJson.ts';
import type { StoredOutcome } from './store.ts';
import { IdempotencyGuard } from './idempotencyGuard.ts';
import { idempotent } from './idempotent.ts';
import { partsKey, requestKey } from './keys.ts';
import { MemoryIdempotencyStore } from './memoryStore.ts';

describe('keys', () => {
  it('canonical JSON sorts keys, drops undefined members and rejects what JSON cannot carry', () => {
    expect(canonicalJson({ b: 1, a: [1, undefined, { d: -0, c: 'x' }], u: undefined })).toBe('{"a":[1,null,{"c":"x","d":0}],"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/\$\.n/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('property: key order never changes a request key, and different amounts give different keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (payload) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        expect(requestKey('m', reversed)).toBe(requestKey('m', payload));
      }),
    );
    expect(requestKey('deposit', { amount: 1 })).not.toBe(requestKey('deposit', { amount: 2 }));
    expect(partsKey('t', 'a_b', 'c')).not.toBe(partsKey('t', 'a', 'b_c'));
  });
});

describe('memory store', () => {
  it('expires records at their TTL and lease', () => {
    const store = new MemoryIdempotencyStore<string>(10);
    expect(store.putIfAbsent('k', 0, 100)).toEqual({ kind: 'inserted' });
    expect(store.putIfAbsent('k', 99, 100).kind).toBe('exists');
    expect(store.putIfAbsent('k', 100, 100)).toEqual({ kind: 'inserted' });
    expect(store.complete('k', 150, { ok: true, value: 'v' }, 1_000)).toBe(true);
    expect(store.get('k', 1_149)?.state).toBe('completed');
    expect(store.get('k', 1_150)).toBeUndefined();
    expect(store.complete('k', 1_200, { ok: true, value: 'v' }, 1)).toBe(false);
  });

  it('when full, drops the oldest completed record but never a live lease', () => {
    const store = new MemoryIdempotencyStore<string>(2);
    store.putIfAbsent('a', 0, 1_000);
    store.putIfAbsent('b', 0, 1_000);
    expect(store.putIfAbsent('c', 1, 1_000)).toEqual({ kind: 'full' });
    store.complete('a', 2, { ok: true, value: 'x' }, 1_000);
    expect(store.putIfAbsent('c', 3, 1_000)).toEqual({ kind: 'inserted' });
    expect([store.size, store.get('a', 3), store.get('b', 3)?.state]).toEqual([2, undefined, 'in-progress']);
    expect(store.expire(1_003)).toBe(2);
  });
});

describe('guard (synchronous core)', () => {
  const options = { leaseUs: 1_000, ttlUs: 10_000 };

  it('execute once, then completed; a concurrent duplicate subscribes and gets the outcome', () => {
    const guard = new IdempotencyGuard<number>(new MemoryIdempotencyStore(10), options);
    expect(guard.begin('k', 0)).toEqual({ kind: 'execute' });
    const second = guard.begin('k', 1);
    if (second.kind !== 'in-progress') throw new Error('expected in-progress');
    const heard: StoredOutcome<number>[] = [];
    second.subscribe((outcome) => heard.push(outcome));
    guard.finish('k', 2, { ok: true, value: 42 });
    expect(heard).toEqual([{ ok: true, value: 42 }]);
    expect(guard.begin('k', 3)).toEqual({ kind: 'completed', outcome: { ok: true, value: 42 } });
    expect(guard.begin('k', 10_002)).toEqual({ kind: 'execute' });
  });

  it('a failure is shared with waiters but not stored, unless cacheErrors is set', () => {
    const guard = new IdempotencyGuard<number>(new MemoryIdempotencyStore(10), options);
    guard.begin('k', 0);
    guard.finish('k', 1, { ok: false, error: 'e' });
    expect(guard.begin('k', 2)).toEqual({ kind: 'execute' });
    const caching = new IdempotencyGuard<number>(new MemoryIdempotencyStore(10), { ...options, cacheErrors: true });
    caching.begin('k', 0);
    caching.finish('k', 1, { ok: false, error: 'e' });
    expect(caching.begin('k', 2)).toEqual({ kind: 'completed', outcome: { ok: false, error: 'e' } });
  });

  it('a lease that runs out lets another caller take over', () => {
    const guard = new IdempotencyGuard<number>(new MemoryIdempotencyStore(10), options);
    guard.begin('k', 0);
    expect(guard.begin('k', 999).kind).toBe('in-progress');
    expect(guard.begin('k', 1_000).kind).toBe('execute');
  });

  it('a full store of live leases is reported, not overwritten', () => {
    const guard = new IdempotencyGuard<number>(new MemoryIdempotencyStore(1), options);
    guard.begin('a', 0);
    expect(guard.begin('b', 0)).toEqual({ kind: 'rejected', reason: 'store-full' });
  });
});

describe('idempotent (Promise API)', () => {
  function setup(raiseOnDuplicate = false) {
    const clock = new ManualClock();
    let runCount = 0;
    const guard = new IdempotencyGuard<string>(new MemoryIdempotencyStore(100), { leaseUs: 1_000_000, ttlUs: 1_000_000 });
    const transfer = idempotent(
      (to: string, amount: number) => {
        runCount++;
        return new Promise<string>((resolve) => clock.setTimer(500, () => resolve(`sent ${amount} to ${to} #${runCount}`)));
      },
      { guard, clock, keyOf: (to, amount) => requestKey('transfer', { to, amount }), raiseOnDuplicate },
    );
    return { clock, transfer, runs: () => runCount };
  }

  it('two concurrent duplicates run the operation once and both get the same result', async () => {
    const { clock, transfer, runs } = setup();
    const both = Promise.all([transfer('bob', 5), transfer('bob', 5)]);
    await clock.runAllAsync(10_000);
    expect(await both).toEqual(['sent 5 to bob #1', 'sent 5 to bob #1']);
    expect(runs()).toBe(1);
    const later = transfer('bob', 5);
    await expect(later).resolves.toBe('sent 5 to bob #1');
    const other = transfer('bob', 6);
    await clock.runAllAsync(10_000);
    await expect(other).resolves.toBe('sent 6 to bob #2');
  });

  it('raiseOnDuplicate: duplicates reject with DuplicateRequestError carrying the result', async () => {
    const { clock, transfer, runs } = setup(true);
    const first = transfer('amy', 1);
    const concurrent = transfer('amy', 1).catch((error: unknown) => error);
    await clock.runAllAsync(10_000);
    await expect(first).resolves.toBe('sent 1 to amy #1');
    const duplicate = (await concurrent) as DuplicateRequestError<string>;
    expect(duplicate).toBeInstanceOf(DuplicateRequestError);
    expect(duplicate.cachedResult).toBe('sent 1 to amy #1');
    expect(duplicate.key).toBe(requestKey('transfer', { to: 'amy', amount: 1 }));
    expect(runs()).toBe(1);
  });

  it('a full store rejects with IdempotencyStoreFullError', async () => {
    const clock = new ManualClock();
    const guard = new IdempotencyGuard<number>(new MemoryIdempotencyStore(1), { leaseUs: 100, ttlUs: 100 });
    const op = idempotent((n: number) => new Promise<number>((resolve) => clock.setTimer(10, () => resolve(n))), { guard, clock, keyOf: (n) => `k${n}` });
    const first = op(1);
    await expect(op(2)).rejects.toBeInstanceOf(IdempotencyStoreFullError);
    await clock.runAllAsync(100);
    await expect(first).resolves.toBe(1);
  });
});
