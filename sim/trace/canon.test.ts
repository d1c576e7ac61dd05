// Goal: sealing a message digests what the message says: values that differ get different
// digests (4294967295 and -1 once hashed alike, as did {a:{b:1},c:2} and {a:{b:1,c:2}}),
// the message is frozen, and what cannot cross a network is refused with a message.
// Method: seal pairs of messages and compare their digests; mutate a sealed message.
import { describe, expect, it } from 'vitest';
import { sealHandoff, structuralWalker } from '../../core/hash/structural.ts';
import { seal } from '../../core/kv/integrity.ts';
import { Sealer, sealMessage } from './canon.ts';

const key = (m: unknown): string => {
  const s = sealMessage(m);
  return `${s.d1}:${s.d2}`;
};

describe('sealMessage', () => {
  it('takes the digest from a seal only for that very object: null, primitives and other objects are walked', () => {
    // As before any seal, the hand-off holds no object: a null message must not match it.
    sealHandoff.obj = null;
    const fresh = (v: unknown) => structuralWalker(false, 64).digest(v);
    const sealer = new Sealer();
    for (const v of [null, 0, 'x', true, [], {}]) expect(sealer.seal(v)).toEqual(fresh(v));
    const sealed = seal({ type: 'ping', n: 1 });
    expect(sealHandoff.obj).toBe(sealed);
    for (const v of [null, 0, 'x', { type: 'ping', n: 1 }, { ...sealed }]) expect(sealer.seal(v)).toEqual(fresh(v));
    expect(sealer.seal(sealed)).toEqual(fresh(structuredClone(sealed)));
  });

  it('gives different digests to different messages', () => {
    expect(key({ type: 'm', n: 4294967295 })).not.toBe(key({ type: 'm', n: -1 }));
    expect(key({ a: { b: 1 }, c: 2 })).not.toBe(key({ a: { b: 1, c: 2 } }));
    expect(key({ type: 'm', n: 1 })).toBe(key({ type: 'm', n: 1 }));
  });

  it('freezes the message and refuses what is not JSON-like', () => {
    const m = { type: 'm', xs: [{ v: 1 }] };
    sealMessage(m);
    expect(() => { (m.xs as unknown[]).push(2); }).toThrow();
    expect(() => sealMessage({ type: 'm', f: () => 1 })).toThrow(/JSON-like/);
    expect(() => sealMessage({ type: 'm', when: new Date(0) })).toThrow(/class instance/);
    const cycle: Record<string, unknown> = { type: 'm' };
    cycle.self = cycle;
    expect(() => sealMessage(cycle)).toThrow(/deeper than 64/);
  });
});
