// Goal: the state-agreement check has teeth: a replica whose state after an index differs
// from another's after the same index is reported the moment it says so, agreeing replicas
// pass, and an index the bounded window forgot makes the check inconclusive, never a pass.
// Method: a one-process world; the test emits 'kv.state' as KvServer does. Then the end to
// end case the check was built for: two state machines apply the same commands, one of them
// restored from a snapshot midway; a restore that rebuilds the sessions in client-id order
// instead of their order of use evicts another client at the next registration, and the
// digests the check compares differ.
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../core/kv/stateMachine.ts';
import { World } from '../world/world.ts';
import { StateAgreementCheck } from './stateAgreement.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

function world(): World {
  return new World({ seed: 'state-agreement', nodes: [0, 1, 2].map(() => ({ role: 'server', factory: () => idle })) });
}

function report(w: World, node: number, index: number, digest: string): void {
  w.telemetry(0, node, 'kv.state', { index, digest });
}

describe('state-agreement: replicas that applied the same entries hold the same state', () => {
  it('agreeing digests pass; a different digest at the same index fails, naming both nodes', () => {
    const w = world();
    const check = new StateAgreementCheck(w);
    report(w, 0, 1, 'aa-1');
    report(w, 1, 1, 'aa-1');
    report(w, 0, 2, 'bb-2');
    report(w, 2, 1, 'aa-1');
    expect(w.violations).toEqual([]);
    expect(check.compared).toBe(2);
    report(w, 1, 2, 'cc-2');
    expect(w.violations).toHaveLength(1);
    expect(w.violations[0].check).toBe('state-agreement');
    expect(w.violations[0].message).toContain("node 1's state after applying index 2 (digest cc-2) differs from node 0's");
    w.concludeChecks();
    expect(w.inconclusive).toEqual([]);
  });

  it('a restarted node that re-applies an index is held to the same state', () => {
    const w = world();
    new StateAgreementCheck(w);
    report(w, 0, 5, 'x');
    report(w, 0, 5, 'y');
    expect(w.violations.map((v) => v.check)).toEqual(['state-agreement']);
  });

  it('indexes far apart in a window that has reached its bound are not compared: inconclusive, not a pass', () => {
    const w = world();
    const check = new StateAgreementCheck(w, 4);
    for (let i = 1; i <= 9; i++) report(w, 0, i, `d${i}`);
    report(w, 1, 2, 'other');
    expect(w.violations).toEqual([]);
    expect(check.unchecked).toBe(1);
    w.concludeChecks();
    expect(w.inconclusive.map((x) => x.check)).toEqual(['state-agreement']);
  });

  it('the window grows past its first size without losing what it holds', () => {
    const w = world();
    new StateAgreementCheck(w);
    for (let i = 1; i <= 5000; i++) report(w, 0, i, `d${i}`);
    report(w, 1, 3, 'd3');
    report(w, 1, 4999, 'wrong');
    expect(w.violations).toHaveLength(1);
    expect(w.violations[0].message).toContain('index 4999');
  });
});

describe('what the check is for: a restore that loses the sessions\' order of use', () => {
  it('replicas evict the same client after a faithful restore, and their digests agree', () => {
    const a = new KvStateMachine({ maxSessions: 3 });
    const ids = [a.register(), a.register(), a.register()];
    a.apply({ clientId: ids[0], seq: 1, op: { op: 'put', key: 'k', value: 'v1' } });
    a.apply({ clientId: ids[2], seq: 1, op: { op: 'put', key: 'k', value: 'v2' } });
    a.apply({ clientId: ids[1], seq: 1, op: { op: 'put', key: 'k', value: 'v3' } });
    const b = KvStateMachine.restore(a.snapshot());
    // The least recently used session is ids[0]: the next registration evicts it on both.
    a.register();
    b.register();
    expect(b.digest()).toBe(a.digest());
    expect(a.apply({ clientId: ids[0], seq: 2, op: { op: 'put', key: 'k', value: 'v4' } })).toEqual({ ok: false, error: 'session-expired' });
    expect(b.apply({ clientId: ids[0], seq: 2, op: { op: 'put', key: 'k', value: 'v4' } })).toEqual({ ok: false, error: 'session-expired' });
    expect(b.digest()).toBe(a.digest());
  });
});
