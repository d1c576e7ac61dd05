// Goal: the session-bound check has teeth: a command that changes a replica's session count,
// a registration that evicts more (or less) than room needs, and a table beyond its bound
// fail; registrations up to the bound and past it (one evicted per new one), commands, and a
// new base after a restart or snapshot pass.
// Method: a stand-in world fed 'kv.sessions' by hand, as core/kv/server.ts emits it.
import { describe, expect, it } from 'vitest';
import type { World } from '../world/world.ts';
import { CheckWorld } from '../../test/support/checkWorld.ts';
import { SessionBoundCheck } from './sessionBound.ts';

function setUp(): { w: CheckWorld; sessions(node: number, index: number, count: number, opened: number): void } {
  const w = new CheckWorld(3);
  new SessionBoundCheck(w as unknown as World);
  return { w, sessions: (node, index, count, opened) => w.emit(0, node, 'kv.sessions', { index, count, opened, max: 3 }) };
}

describe('session-bound', () => {
  it('registrations fill the table up to its bound, then each evicts one; a new base is taken as it is', () => {
    const { w, sessions } = setUp();
    sessions(0, 0, 0, -1);
    sessions(0, 1, 1, 1);
    sessions(0, 2, 3, 2);
    sessions(0, 3, 3, 1); // Full: one evicted for the new one.
    sessions(0, 4, 3, 2);
    sessions(1, 9, 2, -1); // Node 1 restarted from a snapshot with two sessions.
    sessions(1, 10, 3, 1);
    expect(w.violations).toEqual([]);
  });

  it('a command that evicts a session from a full table fails', () => {
    const { w, sessions } = setUp();
    sessions(0, 0, 3, -1);
    sessions(0, 5, 2, 0); // A known client's write evicted another.
    expect(w.violations.map((v) => v.check)).toEqual(['session-bound']);
    expect(w.violations[0].message).toMatch(/entry 5, which registered no session, took its session count from 3 to 2/);
  });

  it('a registration that evicts more than room needs, or a table beyond its bound, fails', () => {
    const { w, sessions } = setUp();
    sessions(0, 0, 1, -1);
    sessions(0, 1, 1, 1); // Room for it, yet one went.
    sessions(1, 0, 3, -1);
    sessions(1, 1, 4, 1); // Beyond the bound.
    expect(w.violations.map((v) => v.check)).toEqual(['session-bound', 'session-bound']);
    expect(w.violations[0].message).toMatch(/registering 1 session at entry 1 took its session count from 1 to 1, not 2/);
    expect(w.violations[1].message).toMatch(/keeps 4 client sessions after entry 1, more than its bound of 3/);
  });

  it('a command that opens a session (an unknown client applied) fails', () => {
    const { w, sessions } = setUp();
    sessions(0, 0, 1, -1);
    sessions(0, 1, 2, 0);
    expect(w.violations.map((v) => v.check)).toEqual(['session-bound']);
  });
});
