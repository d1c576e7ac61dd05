// Goal: the read-basis check has teeth: a read served with neither a quorum round after it
// nor a lease is reported, with the reason, and reads with a basis pass. Method: a
// one-process world; the test emits 'kv.read_basis' as KvServer does; the lease's length
// is held to the definition (electionTicks - 1, over 1 + drift, rounded down) and to
// core/raft's own, which must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaseDurationTicks } from '../../core/raft/lease.ts';
import { World } from '../world/world.ts';
import { leaseTicks, ReadBasisCheck } from './readBasis.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

function judge(fields: Partial<Record<string, string | number | boolean>>): string[] {
  const world = new World({ seed: 'read-basis', nodes: [{ role: 'server', factory: () => idle }] });
  new ReadBasisCheck(world);
  world.telemetry(0, 0, 'kv.read_basis', { ctx: '0:1', lease: false, alone: false, afterAsked: false, sinceBasis: -1, revoked: false, electionTicks: 10, driftMax: 0.1, ...fields } as Record<string, string | number | boolean>);
  return world.violations.map((v) => v.message);
}

describe('read-basis: a read rests on a quorum round after it, or on a lease', () => {
  it('a ReadIndex read released by a round sent after it passes; one released without is caught', () => {
    expect(judge({ afterAsked: true })).toEqual([]);
    const bad = judge({ afterAsked: false, sinceBasis: 1 });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toContain('it reads with ReadIndex');
  });

  it('a lease read passes within the lease and is caught at its end (electionTicks 10, drift 0.1: 8 ticks)', () => {
    expect(judge({ lease: true, sinceBasis: 7 })).toEqual([]);
    expect(judge({ lease: true, sinceBasis: 8 })[0]).toContain('went out 8 ticks before, not within the lease of 8 ticks');
    expect(judge({ lease: true, sinceBasis: -1 })[0]).toContain('held no lease');
  });

  it('a lease ends when a transfer begins; a quorum round after the read still serves it', () => {
    expect(judge({ lease: true, sinceBasis: 1, revoked: true })[0]).toContain('handing leadership over');
    expect(judge({ lease: true, sinceBasis: 1, revoked: true, afterAsked: true })).toEqual([]);
  });

  it('a leader that is the only voter needs nobody', () => {
    expect(judge({ alone: true })).toEqual([]);
  });

  it('the lease length is the definition, and core/raft computes the same', () => {
    expect(leaseTicks(10, 0.1)).toBe(8);
    expect(leaseTicks(10, 0)).toBe(9);
    expect(leaseTicks(1, 0.1)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 10, noNaN: true }), (e, d) => {
      expect(leaseTicks(e, d)).toBe(leaseDurationTicks(e, d));
    }));
  });
});
