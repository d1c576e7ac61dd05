// Goal: sealed messages pass, and any change to a sealed message is refused. Method:
// seal generated JSON-like messages; check them intact; then corrupt one leaf (value or
// checksum) and check they are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './integrity.ts';

const message = fc.record({ type: fc.constantFrom('kv.req', 'MsgApp'), term: fc.nat(), index: fc.nat(), data: fc.string(), entries: fc.array(fc.record({ term: fc.nat(), data: fc.string() }), { maxLength: 3 }) });

describe('message integrity', () => {
  it('a sealed message passes and keeps its fields', () => {
    fc.assert(fc.property(message, (m) => {
      const sealed = seal({ ...m });
      const back = unseal(JSON.parse(JSON.stringify(sealed)));
      expect(back).not.toBeNull();
      expect(back?.term).toBe(m.term);
      expect(back?.data).toBe(m.data);
    }));
  });

  it('a changed field or checksum is refused', () => {
    fc.assert(fc.property(message, fc.integer({ min: 1, max: 2 ** 40 }), (m, delta) => {
      const sealed = JSON.parse(JSON.stringify(seal({ ...m })));
      expect(unseal({ ...sealed, term: sealed.term + delta })).toBeNull();
      expect(unseal({ ...sealed, sum: sealed.sum ^ 1 })).toBeNull();
      expect(unseal({ ...sealed, data: `${sealed.data}x` })).toBeNull();
    }));
    expect(unseal({ type: 'kv.req' })).toBeNull();
    expect(unseal({ sum: 1, type: 'kv.req' })).toBeNull();
    // Reordered keys, a value of another type with the same text, or a swapped entry are changes too.
    const m = JSON.parse(JSON.stringify(seal({ type: 'MsgApp', index: 1, entries: [{ term: 1, data: 'a' }, { term: 2, data: 'b' }] })));
    expect(unseal({ sum: m.sum, index: m.index, type: m.type, entries: m.entries })).toBeNull();
    expect(unseal({ ...m, index: '1' })).toBeNull();
    expect(unseal({ ...m, entries: [m.entries[1], m.entries[0]] })).toBeNull();
    // Absurdly deep nesting is refused, not thrown on.
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(unseal({ type: 'kv.req', deep, sum: 1 })).toBeNull();
    // checksum() says -1 for such a message: a claimed sum of -1 must not match it.
    expect(unseal({ type: 'kv.req', deep, sum: -1 })).toBeNull();
    expect(unseal({ ...seal({ type: 'kv.req' }), sum: String(seal({ type: 'kv.req' }).sum) })).toBeNull();
    expect(unseal(Object.assign([1, 2], { sum: 0 }))).toBeNull();
    expect(unseal(null)).toBeNull();
    expect(unseal([1, 2])).toBeNull();
  });
});
