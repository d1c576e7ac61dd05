// Goal: the state machine answers exactly once per (clientId, seq), bounds its sessions
// deterministically, and its snapshot/restore is lossless and canonical.
// Method: hand-made command sequences for sessions and eviction; a fast-check property
// that runs random command streams (with retries and stale seqs) uninterrupted and with a
// snapshot/restore at a random point, and compares every result, the digest and the
// snapshot text; corrupted images must make restore throw a clear Error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from './stateMachine.ts';
import type { KvCommand, KvOp } from './types.ts';

function cmd(clientId: number, seq: number, op: KvOp): KvCommand {
  return { clientId, seq, op };
}

describe('KvStateMachine sessions', () => {
  it('applies a duplicate (clientId, seq) once and answers it from the cache', () => {
    const sm = new KvStateMachine();
    const first = sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: 'x' }));
    const again = sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: 'x' }));
    expect(first).toEqual({ ok: true, value: 'x' });
    expect(again).toEqual({ ok: true, value: 'x' });
    expect(sm.read('k')).toBe('x');
    expect(sm.apply(cmd(1, 2, { op: 'append', key: 'k', value: 'y' }))).toEqual({ ok: true, value: 'xy' });
    expect(sm.read('k')).toBe('xy');
  });

  it('keeps sessions per client, so equal seqs of different clients both apply', () => {
    const sm = new KvStateMachine();
    sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: 'a' }));
    sm.apply(cmd(2, 1, { op: 'append', key: 'k', value: 'b' }));
    expect(sm.read('k')).toBe('ab');
  });

  it('refuses a seq older than the latest without applying it', () => {
    const sm = new KvStateMachine();
    sm.apply(cmd(1, 1, { op: 'put', key: 'k', value: 'a' }));
    sm.apply(cmd(1, 2, { op: 'put', key: 'k', value: 'b' }));
    expect(sm.apply(cmd(1, 1, { op: 'put', key: 'k', value: 'a' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('b');
  });

  it('evicts the least recently used session; the evicted client starts afresh', () => {
    const sm = new KvStateMachine({ maxSessions: 2 });
    sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: '1' }));
    sm.apply(cmd(2, 1, { op: 'append', key: 'k', value: '2' }));
    sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: '1' })); // A cached retry marks client 1 used.
    sm.apply(cmd(3, 1, { op: 'append', key: 'k', value: '3' })); // Client 2 is now the oldest.
    expect(sm.sessionCount).toBe(2);
    expect(sm.apply(cmd(1, 1, { op: 'append', key: 'k', value: '1' }))).toEqual({ ok: true, value: '1' });
    // Client 2 was evicted; its next command (seq 2) opens a new session and applies.
    expect(sm.apply(cmd(2, 2, { op: 'append', key: 'k', value: '2' }))).toEqual({ ok: true, value: '1232' });
    expect(sm.apply(cmd(2, 1, { op: 'append', key: 'k', value: '2' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('1232');
  });

  it('rejects malformed client ids and seqs as programming errors', () => {
    const sm = new KvStateMachine();
    expect(() => sm.apply(cmd(-1, 1, { op: 'get', key: 'k' }))).toThrow(/clientId/);
    expect(() => sm.apply(cmd(1, 0, { op: 'get', key: 'k' }))).toThrow(/seq/);
  });
});

describe('KvStateMachine size and digest', () => {
  it('tracks size incrementally and returns to the session-only size after deletes', () => {
    const sm = new KvStateMachine();
    const empty = sm.sizeBytes();
    sm.apply(cmd(1, 1, { op: 'put', key: 'key', value: 'v'.repeat(100) }));
    const withValue = sm.sizeBytes();
    expect(withValue).toBeGreaterThan(empty + 200);
    sm.apply(cmd(1, 2, { op: 'delete', key: 'key' }));
    expect(sm.sizeBytes()).toBeLessThan(withValue - 100);
    expect(sm.keyCount).toBe(0);
  });

  it('gives equal digests for equal histories and different ones otherwise', () => {
    const a = new KvStateMachine();
    const b = new KvStateMachine();
    const c = new KvStateMachine();
    for (const sm of [a, b, c]) sm.apply(cmd(1, 1, { op: 'put', key: 'x', value: '1' }));
    a.apply(cmd(1, 2, { op: 'put', key: 'y', value: '2' }));
    b.apply(cmd(1, 2, { op: 'put', key: 'y', value: '2' }));
    c.apply(cmd(1, 2, { op: 'put', key: 'y', value: '3' }));
    expect(a.digest()).toBe(b.digest());
    expect(a.digest()).not.toBe(c.digest());
  });
});

const arbStep = fc.record({
  clientId: fc.nat({ max: 4 }),
  kind: fc.constantFrom('new', 'new', 'new', 'retry', 'stale'),
  op: fc.oneof(
    fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('a', 'b', 'c', '10') }),
    fc.record({ op: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c', '10'), value: fc.string({ maxLength: 3 }) }),
    fc.record({ op: fc.constant('append' as const), key: fc.constantFrom('a', 'b', 'c', '10'), value: fc.string({ maxLength: 3 }) }),
    fc.record({ op: fc.constant('cas' as const), key: fc.constantFrom('a', 'b', 'c', '10'), expected: fc.option(fc.constantFrom('', 'x', 'xy'), { nil: null }), value: fc.constantFrom('x', 'xy') }),
    fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c', '10') }),
  ),
});

/** Turns random steps into commands with per-client seqs, retries and stale requests. */
function toCommands(steps: Array<{ clientId: number; kind: string; op: KvOp }>): KvCommand[] {
  const seqs = new Map<number, number>();
  return steps.map((s) => {
    const latest = seqs.get(s.clientId) ?? 0;
    let seq = latest + 1;
    if (s.kind === 'retry' && latest > 0) seq = latest;
    if (s.kind === 'stale' && latest > 1) seq = latest - 1;
    seqs.set(s.clientId, Math.max(latest, seq));
    return cmd(s.clientId, seq, s.op);
  });
}

describe('KvStateMachine snapshot/restore', () => {
  it('continues after a restore exactly as the uninterrupted run does', () => {
    fc.assert(fc.property(fc.array(arbStep, { maxLength: 60 }), fc.nat(), fc.integer({ min: 1, max: 4 }), (steps, cutSeed, maxSessions) => {
      const commands = toCommands(steps);
      const cut = commands.length === 0 ? 0 : cutSeed % (commands.length + 1);
      const straight = new KvStateMachine({ maxSessions });
      const straightResults = commands.map((c) => straight.apply(c));
      let resumed = new KvStateMachine({ maxSessions });
      const resumedResults = commands.slice(0, cut).map((c) => resumed.apply(c));
      const image = resumed.snapshot();
      resumed = KvStateMachine.restore(image);
      expect(resumed.snapshot()).toBe(image);
      resumedResults.push(...commands.slice(cut).map((c) => resumed.apply(c)));
      expect(resumedResults).toEqual(straightResults);
      expect(resumed.digest()).toBe(straight.digest());
      expect(resumed.snapshot()).toBe(straight.snapshot());
      expect(resumed.sizeBytes()).toBe(straight.sizeBytes());
    }), { numRuns: 300 });
  });

  it('writes keys in code-unit order, integer-like keys included', () => {
    const sm = new KvStateMachine();
    for (const [i, key] of ['b', '10', 'a', '9'].entries()) sm.apply(cmd(1, i + 1, { op: 'put', key, value: key }));
    const image = JSON.parse(sm.snapshot()) as { version: number; data: Array<[string, string]> };
    expect(image.version).toBe(1);
    expect(image.data.map((p) => p[0])).toEqual(['10', '9', 'a', 'b']);
  });

  it('rejects bad images with a clear Error', () => {
    const sm = new KvStateMachine();
    sm.apply(cmd(1, 1, { op: 'put', key: 'k', value: 'v' }));
    const good = JSON.parse(sm.snapshot()) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
    expect(() => KvStateMachine.restore('not json')).toThrow(/bad snapshot: not JSON/);
    expect(() => KvStateMachine.restore(variant({ version: 2 }))).toThrow(/unsupported version 2/);
    expect(() => KvStateMachine.restore(variant({ version: undefined }))).toThrow(/unsupported version/);
    expect(() => KvStateMachine.restore(variant({ data: [['k', 5]] }))).toThrow(/data\[0\]/);
    expect(() => KvStateMachine.restore(variant({ data: [['k', 'other']] }))).toThrow(/digest/);
    expect(() => KvStateMachine.restore(variant({ sessions: [[1, 1, 1, { ok: 'yes' }]] }))).toThrow(/sessions\[0\]/);
    expect(() => KvStateMachine.restore(variant({ maxSessions: 0 }))).toThrow(/maxSessions/);
  });
});
