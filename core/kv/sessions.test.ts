// Goal: SessionTable keeps at most maxSessions sessions, evicting the least recently used,
// and keeps its digest and size accounting exact: the digest depends on every field of every
// session and not on insertion history, and the size counts the payload a cached answer
// carries (a value or a cas-mismatch's current value).
// Method: direct use of the table, comparing digests and sizes of tables built different
// ways. These kill mutants that survived `npm run mutation` in core/kv/sessions.ts
// (docs/mutation.md).
import { describe, expect, it } from 'vitest';
import { SESSION_OVERHEAD_BYTES, SessionTable, type Session } from './sessions.ts';

const s = (seq: number, lastUsed: number, result: Session['result'] = null): Session => ({ seq, lastUsed, result });

describe('SessionTable', () => {
  it('refuses a bound that is not a positive integer', () => {
    expect(() => new SessionTable(0)).toThrow('SessionTable: maxSessions must be a positive integer, got 0');
    expect(() => new SessionTable(1.5)).toThrow(/positive integer, got 1.5/);
    expect(new SessionTable(1).maxSessions).toBe(1);
  });

  it('evicts the least recently used session and reports it', () => {
    const t = new SessionTable(2);
    expect(t.put(1, s(0, 1))).toBeNull();
    expect(t.put(2, s(0, 2))).toBeNull();
    expect(t.put(1, s(1, 3, { ok: true, value: null }))).toBeNull();
    expect(t.put(3, s(0, 4))).toBe(2);
    expect(t.entries().map((e) => e.clientId)).toEqual([1, 3]);
    expect(t.count).toBe(2);
  });

  it('has a digest of its content alone: every field counts, history does not', () => {
    const a = new SessionTable(4);
    a.put(1, s(0, 1));
    a.put(2, s(0, 2));
    a.put(1, s(1, 3, { ok: true, value: 'x' }));
    const b = new SessionTable(4);
    b.put(2, s(0, 2));
    b.put(1, s(1, 3, { ok: true, value: 'x' }));
    expect(a.digestHex()).toBe(b.digestHex());
    expect(a.digestHex()).toMatch(/^[0-9a-f]+$/);
    const digestOf = (clientId: number, session: Session) => {
      const t = new SessionTable(4);
      t.put(2, s(0, 2));
      t.put(clientId, session);
      return t.digestHex();
    };
    const base = digestOf(1, s(1, 3, { ok: true, value: 'x' }));
    expect(base).toBe(a.digestHex());
    expect(digestOf(3, s(1, 3, { ok: true, value: 'x' }))).not.toBe(base);
    expect(digestOf(1, s(2, 3, { ok: true, value: 'x' }))).not.toBe(base);
    expect(digestOf(1, s(1, 4, { ok: true, value: 'x' }))).not.toBe(base);
    expect(digestOf(1, s(1, 3, { ok: true, value: 'y' }))).not.toBe(base);
    expect(new SessionTable(1).digestHex()).not.toBe(base);
  });

  it('counts the cached payload of a value or a cas-mismatch in its size, and returns to zero', () => {
    const t = new SessionTable(4);
    expect(t.sizeBytes()).toBe(0);
    t.put(1, s(0, 1));
    expect(t.sizeBytes()).toBe(SESSION_OVERHEAD_BYTES);
    t.put(1, s(1, 2, { ok: true, value: 'abc' }));
    expect(t.sizeBytes()).toBe(SESSION_OVERHEAD_BYTES + 6);
    t.put(2, s(1, 3, { ok: false, error: 'cas-mismatch', current: 'wxyz' }));
    expect(t.sizeBytes()).toBe(2 * SESSION_OVERHEAD_BYTES + 6 + 8);
    t.put(2, s(2, 4, { ok: false, error: 'session-expired' }));
    expect(t.sizeBytes()).toBe(2 * SESSION_OVERHEAD_BYTES + 6);
    const one = new SessionTable(1);
    one.put(1, s(1, 1, { ok: true, value: 'abc' }));
    one.put(2, s(0, 2));
    expect(one.sizeBytes()).toBe(SESSION_OVERHEAD_BYTES);
  });
});
