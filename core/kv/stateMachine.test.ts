// Goal: the state machine applies each (session, seq) at most once, opens sessions only by
// registration, bounds its sessions deterministically (an evicted session's commands are
// answered session-expired, never applied again), and its snapshot/restore is lossless
// and canonical.
// Method: hand-made entry sequences for sessions and eviction (the unregistered-session
// and evicted-retry tests failed before registration existed: both applied the write); a
// fast-check property that runs random entry streams (registrations, retries, stale seqs)
// uninterrupted and with a snapshot/restore at a random point, and compares every result,
// the digest and the snapshot text; corrupted images must make restore throw a clear Error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from './stateMachine.ts';
import { isRegister, type KvCommand, type KvEntry, type KvOp, type KvResult } from './types.ts';

function cmd(clientId: number, seq: number, op: KvOp): KvCommand {
  return { clientId, seq, op };
}

describe('KvStateMachine sessions (Raft thesis §6.3)', () => {
  it('applies a duplicate (clientId, seq) once and answers it from the cache', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    const first = sm.apply(cmd(c, 1, { op: 'append', key: 'k', value: 'x' }));
    const again = sm.apply(cmd(c, 1, { op: 'append', key: 'k', value: 'x' }));
    expect(first).toEqual({ ok: true, value: 'x' });
    expect(again).toEqual({ ok: true, value: 'x' });
    expect(sm.read('k')).toBe('x');
    expect(sm.apply(cmd(c, 2, { op: 'append', key: 'k', value: 'y' }))).toEqual({ ok: true, value: 'xy' });
    expect(sm.read('k')).toBe('xy');
  });

  it('keeps sessions per client, so equal seqs of different clients both apply', () => {
    const sm = new KvStateMachine();
    const [a, b] = [sm.register(), sm.register()];
    expect(a).not.toBe(b);
    sm.apply(cmd(a, 1, { op: 'append', key: 'k', value: 'a' }));
    sm.apply(cmd(b, 1, { op: 'append', key: 'k', value: 'b' }));
    expect(sm.read('k')).toBe('ab');
  });

  it('refuses a seq older than the latest without applying it', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'a' }));
    sm.apply(cmd(c, 2, { op: 'put', key: 'k', value: 'b' }));
    expect(sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'a' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('b');
  });

  it('a command on a session that was never registered is answered session-expired and not applied', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(cmd(7, 5, { op: 'append', key: 'k', value: 'x' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBeNull();
    expect(sm.sessionCount).toBe(0);
  });

  it('a retry on an evicted session is answered session-expired and never applied twice', () => {
    const sm = new KvStateMachine({ maxSessions: 2 });
    const c1 = sm.register();
    const c2 = sm.register();
    expect(sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1;' }))).toEqual({ ok: true, value: '1;' });
    sm.apply(cmd(c2, 1, { op: 'append', key: 'k', value: '2;' }));
    // A third client registers: c1 is the least recently used and is evicted.
    const c3 = sm.register();
    expect(sm.sessionCount).toBe(2);
    // c1 did not hear its answer and retries: the store cannot know it applied it.
    expect(sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1;' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.apply(cmd(c1, 2, { op: 'append', key: 'k', value: '1b;' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('1;2;');
    // Registering anew gives a new id, never an old one; the old session stays gone.
    const again = sm.register();
    expect([c1, c2, c3]).not.toContain(again);
    expect(sm.apply(cmd(again, 1, { op: 'append', key: 'k', value: '1c;' }))).toEqual({ ok: true, value: '1;2;1c;' });
    expect(sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1;' }))).toEqual({ ok: false, error: 'session-expired' });
  });

  it('the bug flag applyUnknownSessions (server flag unknownSessionApplied) applies that retry a second time', () => {
    const sm = new KvStateMachine({ maxSessions: 2, applyUnknownSessions: true });
    const c1 = sm.register();
    const c2 = sm.register();
    sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1;' }));
    sm.apply(cmd(c2, 1, { op: 'append', key: 'k', value: '2;' }));
    sm.register();
    expect(sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1;' }))).toEqual({ ok: true, value: '1;2;1;' });
    // A restored replica keeps the flag.
    expect(KvStateMachine.restore(sm.snapshot(), false, true).apply(cmd(c2, 2, { op: 'append', key: 'k', value: '2b;' }))).toEqual({ ok: true, value: '1;2;1;2b;' });
  });

  it('a cached retry counts as use: the least recently used session is the one evicted', () => {
    const sm = new KvStateMachine({ maxSessions: 2 });
    const c1 = sm.register();
    const c2 = sm.register();
    sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1' }));
    sm.apply(cmd(c2, 1, { op: 'append', key: 'k', value: '2' }));
    sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1' })); // A cached retry marks c1 used.
    sm.register(); // c2 is now the oldest.
    expect(sm.apply(cmd(c1, 1, { op: 'append', key: 'k', value: '1' }))).toEqual({ ok: true, value: '1' });
    expect(sm.apply(cmd(c2, 2, { op: 'append', key: 'k', value: '2' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('12');
  });

  it('a block registration opens consecutive sessions, never reusing an id', () => {
    const sm = new KvStateMachine({ maxSessions: 8 });
    const single = sm.register();
    const first = sm.register(4);
    expect(first).toBe(single + 1);
    expect(sm.sessionCount).toBe(5);
    for (let i = 0; i < 4; i++) expect(sm.apply(cmd(first + i, 1, { op: 'append', key: 'k', value: `${i}` }))).toEqual({ ok: true, value: '0123'.slice(0, i + 1) });
    expect(sm.register(2)).toBe(first + 4 + 4);
    expect(() => sm.register(0)).toThrow(/count/);
  });

  it('a write whose outcome the client never learned may leave a gap in the seqs', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    // Seq 1 was lost before it reached the log; the client moved on to seq 2.
    expect(sm.apply(cmd(c, 2, { op: 'put', key: 'k', value: 'b' }))).toEqual({ ok: true, value: 'b' });
    // Seq 1 arriving late is older than the latest: not applied.
    expect(sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'a' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBe('b');
  });

  it('rejects malformed client ids and seqs as programming errors', () => {
    const sm = new KvStateMachine();
    expect(() => sm.apply(cmd(-1, 1, { op: 'get', key: 'k' }))).toThrow(/clientId/);
    expect(() => sm.apply(cmd(1, 0, { op: 'get', key: 'k' }))).toThrow(/seq/);
  });

  it('answers client id 0 (valid in a log entry, never a session) session-expired instead of throwing', () => {
    const sm = new KvStateMachine();
    sm.register();
    expect(sm.apply(cmd(0, 1, { op: 'put', key: 'k', value: 'v' }))).toEqual({ ok: false, error: 'session-expired' });
    expect(sm.read('k')).toBeNull();
  });

  it('counts the retries it answers from the cache (telemetry), and only those', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'v' }));
    expect(sm.duplicatesSuppressed).toBe(0);
    sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'v' }));
    sm.apply(cmd(c, 1, { op: 'put', key: 'k', value: 'v' }));
    expect(sm.duplicatesSuppressed).toBe(2);
  });

  it('counts the commands it runs (telemetry): a retried failed cas is answered from the cache, not run again', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    const cas = cmd(c, 1, { op: 'cas', key: 'k', expected: 'x', value: 'v' });
    const first = sm.apply(cas);
    expect(first).toEqual({ ok: false, error: 'cas-mismatch', current: null });
    expect(sm.commandsRun).toBe(1);
    // Another client sets the value the cas expected: a cas run again would now succeed.
    sm.apply(cmd(sm.register(), 1, { op: 'put', key: 'k', value: 'x' }));
    expect(sm.commandsRun).toBe(2);
    expect(sm.apply(cas)).toBe(first);
    expect(sm.commandsRun).toBe(2);
    expect(sm.read('k')).toBe('x');
  });
});

describe('KvStateMachine size and digest', () => {
  it('tracks size incrementally and returns to the session-only size after deletes', () => {
    const sm = new KvStateMachine();
    const c = sm.register();
    const empty = sm.sizeBytes();
    sm.apply(cmd(c, 1, { op: 'put', key: 'key', value: 'v'.repeat(100) }));
    const withValue = sm.sizeBytes();
    expect(withValue).toBeGreaterThan(empty + 200);
    sm.apply(cmd(c, 2, { op: 'delete', key: 'key' }));
    expect(sm.sizeBytes()).toBeLessThan(withValue - 100);
    expect(sm.keyCount).toBe(0);
  });

  it('gives equal digests for equal histories and different ones otherwise', () => {
    const a = new KvStateMachine();
    const b = new KvStateMachine();
    const c = new KvStateMachine();
    for (const sm of [a, b, c]) {
      sm.register();
      sm.apply(cmd(1, 1, { op: 'put', key: 'x', value: '1' }));
    }
    a.apply(cmd(1, 2, { op: 'put', key: 'y', value: '2' }));
    b.apply(cmd(1, 2, { op: 'put', key: 'y', value: '2' }));
    c.apply(cmd(1, 2, { op: 'put', key: 'y', value: '3' }));
    expect(a.digest()).toBe(b.digest());
    expect(a.digest()).not.toBe(c.digest());
  });
});

const arbStep = fc.record({
  clientId: fc.nat({ max: 4 }),
  kind: fc.constantFrom('new', 'new', 'new', 'retry', 'stale', 'register'),
  op: fc.oneof(
    fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('a', 'b', 'c', '10') }),
    fc.record({ op: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c', '10'), value: fc.string({ maxLength: 3 }) }),
    fc.record({ op: fc.constant('append' as const), key: fc.constantFrom('a', 'b', 'c', '10'), value: fc.string({ maxLength: 3 }) }),
    fc.record({ op: fc.constant('cas' as const), key: fc.constantFrom('a', 'b', 'c', '10'), expected: fc.option(fc.constantFrom('', 'x', 'xy'), { nil: null }), value: fc.constantFrom('x', 'xy') }),
    fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c', '10') }),
  ),
});

/**
 * Turns random steps into entries: registrations (a client's first step always registers)
 * and commands with per-session seqs, retries and stale requests. A session's id is the
 * position of its registration in the stream (1-based), as the store numbers them.
 */
function toEntries(steps: Array<{ clientId: number; kind: string; op: KvOp }>): KvEntry[] {
  const sessions = new Map<number, { id: number; seq: number }>();
  return steps.map((s, i) => {
    const session = sessions.get(s.clientId);
    if (session === undefined || s.kind === 'register') {
      sessions.set(s.clientId, { id: i + 1, seq: 0 });
      return { register: `c${s.clientId}`, count: 1 };
    }
    let seq = session.seq + 1;
    if (s.kind === 'retry' && session.seq > 0) seq = session.seq;
    if (s.kind === 'stale' && session.seq > 1) seq = session.seq - 1;
    session.seq = Math.max(session.seq, seq);
    return cmd(session.id, seq, s.op);
  });
}

function step(sm: KvStateMachine, e: KvEntry): KvResult | number {
  return isRegister(e) ? sm.register(e.count) : sm.apply(e);
}

describe('KvStateMachine snapshot/restore', () => {
  it('continues after a restore exactly as the uninterrupted run does', () => {
    fc.assert(fc.property(fc.array(arbStep, { maxLength: 60 }), fc.nat(), fc.integer({ min: 1, max: 4 }), (steps, cutSeed, maxSessions) => {
      const commands = toEntries(steps);
      const cut = commands.length === 0 ? 0 : cutSeed % (commands.length + 1);
      const straight = new KvStateMachine({ maxSessions });
      const straightResults = commands.map((c) => step(straight, c));
      let resumed = new KvStateMachine({ maxSessions });
      const resumedResults = commands.slice(0, cut).map((c) => step(resumed, c));
      const image = resumed.snapshot();
      resumed = KvStateMachine.restore(image);
      expect(resumed.snapshot()).toBe(image);
      resumedResults.push(...commands.slice(cut).map((c) => step(resumed, c)));
      expect(resumedResults).toEqual(straightResults);
      expect(resumed.digest()).toBe(straight.digest());
      expect(resumed.snapshot()).toBe(straight.snapshot());
      expect(resumed.sizeBytes()).toBe(straight.sizeBytes());
    }), { numRuns: 300 });
  });

  it('writes keys in code-unit order, integer-like keys included', () => {
    const sm = new KvStateMachine();
    sm.register();
    for (const [i, key] of ['b', '10', 'a', '9'].entries()) sm.apply(cmd(1, i + 1, { op: 'put', key, value: key }));
    const image = JSON.parse(sm.snapshot()) as { version: number; data: Array<[string, string]> };
    expect(image.version).toBe(2);
    expect(image.data.map((p) => p[0])).toEqual(['10', '9', 'a', 'b']);
  });

  it('rejects bad images with a clear Error', () => {
    const sm = new KvStateMachine();
    sm.register();
    sm.apply(cmd(1, 1, { op: 'put', key: 'k', value: 'v' }));
    const good = JSON.parse(sm.snapshot()) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
    expect(() => KvStateMachine.restore('not json')).toThrow(/bad snapshot: not JSON/);
    expect(() => KvStateMachine.restore(variant({ version: 1 }))).toThrow(/unsupported version 1/);
    expect(() => KvStateMachine.restore(variant({ version: undefined }))).toThrow(/unsupported version/);
    expect(() => KvStateMachine.restore(variant({ data: [['k', 5]] }))).toThrow(/data\[0\]/);
    expect(() => KvStateMachine.restore(variant({ data: [['k', 'other']] }))).toThrow(/digest/);
    expect(() => KvStateMachine.restore(variant({ sessions: [[1, 1, 1, { ok: 'yes' }]] }))).toThrow(/sessions\[0\]/);
    expect(() => KvStateMachine.restore(variant({ sessions: [[1, 1, 1, null]] }))).toThrow(/sessions\[0\]: only a session without writes/);
    expect(() => KvStateMachine.restore(variant({ maxSessions: 0 }))).toThrow(/maxSessions/);
  });

  it('names forged session stamps before the digest (found by npm run mutation)', () => {
    const sm = new KvStateMachine();
    sm.register(2);
    const good = JSON.parse(sm.snapshot()) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
    expect(() => KvStateMachine.restore(variant({ sessions: [[1, 0, 2, null], [2, 0, 2, null]] }))).toThrow('bad snapshot: duplicate session stamps');
    expect(() => KvStateMachine.restore(variant({ sessions: [[1, 0, 1, null], [2, 0, 3, null]] }))).toThrow('bad snapshot: session stamp after commandCount');
    expect(KvStateMachine.restore(sm.snapshot()).maxSessions).toBe(sm.maxSessions);
  });
});
