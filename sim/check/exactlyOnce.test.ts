// Goal: the exactly-once check has teeth: a write whose value changes the data at two log
// indexes (applied twice: a retry the sessions let through, or the same operation sent
// again under a new session) is reported, and the same write applied once, answered from
// the session cache at a later index, or replayed at its own index after a restart, passes.
// fail-sound: a write a client completed with a definite failure must have taken no effect.
// Method: a one-process world; the test emits 'raft.apply' and 'kv.state' as KvServer does,
// and 'kv.invoke' and 'kv.complete' as KvClient does.
import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeRegister } from '../../core/kv/commandCodec.ts';
import type { KvOp } from '../../core/kv/types.ts';
import { World } from '../world/world.ts';
import { ExactlyOnceCheck } from './exactlyOnce.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

function world(): World {
  return new World({ seed: 'exactly-once', nodes: [0, 1, 2].map(() => ({ role: 'server', factory: () => idle })) });
}

function apply(w: World, node: number, index: number, clientId: number, seq: number, op: KvOp, changed: boolean): void {
  w.telemetry(0, node, 'raft.apply', { index, term: 1, type: 'normal', data: encodeCommand({ clientId, seq, op }) });
  w.telemetry(0, node, 'kv.state', { index, digest: 'd', changed });
}

const PUT: KvOp = { op: 'put', key: 'k1', value: 'c1s4' };

describe('exactly-once: a client write takes effect at most once', () => {
  it('one application on every replica, a cached duplicate and a replay at the same index pass', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w);
    w.telemetry(0, 0, 'raft.apply', { index: 1, term: 1, type: 'normal', data: encodeRegister('c1r1', 1) });
    w.telemetry(0, 0, 'kv.state', { index: 1, digest: 'd', changed: false });
    for (const n of [0, 1, 2]) apply(w, n, 5, 2, 3, PUT, true);
    apply(w, 0, 9, 2, 3, PUT, false); // The retry answered from the session cache.
    apply(w, 1, 5, 2, 3, PUT, true); // Node 1 restarted and replayed its log.
    expect(w.violations).toEqual([]);
    expect(check.judged).toBe(1);
  });

  it('the same write changing the data at a second index fails, under another session too', () => {
    const w = world();
    new ExactlyOnceCheck(w);
    apply(w, 0, 5, 2, 3, PUT, true);
    apply(w, 0, 7, 2, 4, { op: 'put', key: 'k1', value: 'c2s9' }, true);
    apply(w, 0, 9, 8, 1, PUT, true);
    expect(w.violations.map((v) => v.check)).toEqual(['exactly-once']);
    expect(w.violations[0].message).toContain('at index 9');
  });

  it('appends and cas are judged; deletes and writes that changed nothing are not', () => {
    const w = world();
    new ExactlyOnceCheck(w);
    const app: KvOp = { op: 'append', key: 'k2', value: 'c1s5;' };
    apply(w, 0, 3, 2, 1, { op: 'delete', key: 'k2' }, true);
    apply(w, 0, 4, 2, 2, { op: 'delete', key: 'k2' }, true);
    apply(w, 0, 5, 2, 3, { op: 'cas', key: 'k2', expected: 'x', value: 'c1s6' }, false);
    apply(w, 0, 6, 2, 3, { op: 'cas', key: 'k2', expected: 'x', value: 'c1s6' }, false);
    expect(w.violations).toEqual([]);
    apply(w, 0, 7, 2, 4, app, true);
    apply(w, 0, 8, 5, 1, app, true);
    expect(w.violations.map((v) => v.check)).toEqual(['exactly-once']);
  });
});

describe('exactly-once: what it remembers', () => {
  it('finds the second application of a write among tens of thousands (the table grows), and no false one', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w);
    const n = 40_000;
    for (let i = 1; i <= n; i++) apply(w, i % 3, i, 1 + (i % 7), i, { op: 'put', key: `k${i % 50}`, value: `c${i % 7}s${i}` }, true);
    expect(w.violations).toEqual([]);
    expect(check.judged).toBe(n);
    // Every one of them again, at its own index (a replay): still nothing.
    for (let i = 1; i <= n; i += 97) apply(w, (i + 1) % 3, i, 1 + (i % 7), i, { op: 'put', key: `k${i % 50}`, value: `c${i % 7}s${i}` }, true);
    expect(w.violations).toEqual([]);
    // The 17th write again at a new index, under another session.
    apply(w, 2, n + 1, 99, 1, { op: 'put', key: 'k17', value: 'c3s17' }, true);
    expect(w.violations.map((v) => v.check)).toEqual(['exactly-once']);
    expect(w.violations[0].message).toContain('at index 40001 (session 99, seq 1)');
    expect(w.violations[0].message).toContain('already taken effect at index 17 (node 2, session 4, seq 17)');
  });

  it('past its cap it stops remembering and the run is inconclusive, not passed', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w, 3);
    for (let i = 1; i <= 4; i++) apply(w, 0, i, 1, i, { op: 'put', key: 'k', value: `c1s${i}` }, true);
    expect(check.judged).toBe(3);
    w.concludeChecks();
    expect(w.violations).toEqual([]);
    expect(w.inconclusive.map((x) => x.check)).toEqual(['exactly-once']);
    expect(w.inconclusive[0].reason).toContain('more than 3 writes');
  });
});

describe('fail-sound: a write a client was told failed took no effect', () => {
  const invoke = (w: World, rid: number, op: KvOp): void => w.telemetry(0, 3, 'kv.invoke', { clientId: 1, rid, input: JSON.stringify(op) });
  const complete = (w: World, rid: number, output: string): void => w.telemetry(0, 3, 'kv.complete', { clientId: 1, rid, output });

  it('a failed cas that changed nothing and an unknown outcome pass; a write reported failed that took effect fails at the end', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w);
    const cas: KvOp = { op: 'cas', key: 'k1', expected: 'x', value: 'c1s5' };
    invoke(w, 1, cas);
    apply(w, 0, 4, 2, 1, cas, false);
    complete(w, 1, JSON.stringify({ ok: false, error: 'cas-mismatch' }));
    invoke(w, 2, PUT);
    apply(w, 0, 5, 2, 2, PUT, true);
    complete(w, 2, '');
    w.concludeChecks();
    expect(w.violations).toEqual([]);
    expect(check.failedJudged).toBe(1);
    const bad = world();
    new ExactlyOnceCheck(bad);
    invoke(bad, 7, PUT);
    apply(bad, 1, 5, 2, 3, PUT, true);
    complete(bad, 7, JSON.stringify({ ok: false, error: 'session-expired' }));
    bad.concludeChecks();
    expect(bad.violations.map((v) => v.check)).toEqual(['fail-sound']);
    expect(bad.violations[0].message).toContain('took effect at index 5');
  });

  it('past its cap it stops remembering and fail-sound is inconclusive, not passed', () => {
    const w = world();
    new ExactlyOnceCheck(w, 2);
    for (let rid = 1; rid <= 3; rid++) invoke(w, rid, { op: 'put', key: 'k', value: `c1s${rid}` });
    w.concludeChecks();
    expect(w.violations).toEqual([]);
    expect(w.inconclusive.map((x) => x.check)).toEqual(['fail-sound']);
    expect(w.inconclusive[0].reason).toContain('more than 2 client writes');
    // The effect table full and a failed write not found in it: it may have been forgotten.
    const v = world();
    new ExactlyOnceCheck(v, 1);
    apply(v, 0, 1, 1, 1, { op: 'put', key: 'k', value: 'c1s1' }, true);
    invoke(v, 2, PUT);
    apply(v, 0, 2, 1, 2, PUT, true);
    complete(v, 2, JSON.stringify({ ok: false, error: 'session-expired' }));
    v.concludeChecks();
    expect(v.violations).toEqual([]);
    expect(v.inconclusive.map((x) => x.check).sort()).toEqual(['exactly-once', 'fail-sound']);
  });
});

describe('executed-once: a command runs at one log index only, whatever its result', () => {
  /** 'raft.apply' and 'kv.state' of a command; `ran`: the state machine ran it (not its cache). */
  function run(w: World, node: number, index: number, clientId: number, seq: number, op: KvOp, ran: boolean, changed = false): void {
    w.telemetry(0, node, 'raft.apply', { index, term: 1, type: 'normal', data: encodeCommand({ clientId, seq, op }) });
    w.telemetry(0, node, 'kv.state', { index, digest: 'd', changed, ran });
  }
  const CAS: KvOp = { op: 'cas', key: 'k1', expected: 'x', value: 'c1s5' };

  it('a run on every replica, copies answered from the cache or refused, and a replay at the same index pass', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w);
    for (const n of [0, 1, 2]) run(w, n, 4, 2, 1, CAS, true);
    run(w, 0, 6, 2, 1, CAS, false); // A retry answered from the session cache.
    run(w, 1, 6, 2, 1, CAS, false);
    run(w, 2, 4, 2, 1, CAS, true); // Node 2 restarted and replayed its log.
    run(w, 0, 7, 2, 2, { op: 'delete', key: 'k1' }, true);
    run(w, 0, 8, 3, 2, { op: 'delete', key: 'k1' }, true); // Another session's seq 2: another command.
    w.concludeChecks();
    expect(w.violations).toEqual([]);
    expect(w.inconclusive).toEqual([]);
    expect(check.runsJudged).toBe(3);
  });

  it('a failed cas run again at a later index fails, though it changed no data (exactly-once sees nothing)', () => {
    const w = world();
    new ExactlyOnceCheck(w);
    run(w, 0, 4, 2, 1, CAS, true);
    run(w, 1, 6, 2, 1, CAS, true);
    expect(w.violations.map((v) => v.check)).toEqual(['executed-once']);
    expect(w.violations[0].message).toContain('session 2, seq 1 at index 6');
    expect(w.violations[0].message).toContain('already run at index 4 (node 0, session 2, seq 1)');
  });

  it('a delete run twice fails too', () => {
    const w = world();
    new ExactlyOnceCheck(w);
    run(w, 2, 9, 5, 3, { op: 'delete', key: 'k2' }, true, true);
    run(w, 2, 12, 5, 3, { op: 'delete', key: 'k2' }, true, false);
    expect(w.violations.map((v) => v.check)).toEqual(['executed-once']);
  });

  it('past its cap it stops remembering and executed-once is inconclusive, not passed', () => {
    const w = world();
    const check = new ExactlyOnceCheck(w, 2);
    for (let i = 1; i <= 3; i++) run(w, 0, i, 1, i, CAS, true);
    expect(check.runsJudged).toBe(2);
    w.concludeChecks();
    expect(w.violations).toEqual([]);
    expect(w.inconclusive.map((x) => x.check)).toEqual(['executed-once']);
    expect(w.inconclusive[0].reason).toContain('more than 2 commands ran');
  });
});
