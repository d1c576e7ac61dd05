// Goal: the transfer-completes check has teeth and never fails what it could not decide: an
// accepted transfer to a caught-up target with no fault or membership change anywhere near
// it must elect the target within the bound; one that does not fails; one near a fault, to a
// target behind, overridden by a later transfer or too close to the end is skipped, and a run
// in which every transfer was skipped says "not applicable", never "pass".
// Method: a world with idle nodes; the test emits the 'raft.transfer', 'raft.role' and
// 'kv.admin' telemetry a cluster would, runs the world to its end and concludes the checks.
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../scenario/schema.ts';
import { World } from '../world/world.ts';
import { TransferCompletesCheck } from './transferCompletes.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };
const crash = (at: number, duration: number): FaultSpec => ({ at, kind: 'crash', node: 2, duration });

interface Events {
  transfers: { t: number; leader?: number; to: number; term: number; behind?: boolean }[];
  leaders: { t: number; node: number; term: number }[];
  admin?: { t: number; op: string }[];
}

function run(e: Events, faults: FaultSpec[] = [], link: { latencyMaxUs: number | undefined } = { latencyMaxUs: 5_000 }): { world: World; check: TransferCompletesCheck } {
  const world = new World({ seed: 'transfer', nodes: [0, 1, 2].map(() => ({ role: 'server', factory: () => idle })) });
  const check = new TransferCompletesCheck(world, { faults, durationUs: 10_000_000, electionTimeoutMaxUs: 300_000, latencyMaxUs: link.latencyMaxUs });
  const all: [number, () => void][] = [
    ...e.transfers.map((x): [number, () => void] => [x.t, () => world.telemetry(x.t, x.leader ?? 0, 'raft.transfer', { to: x.to, term: x.term, match: x.behind === true ? 5 : 10, lastIndex: 10, commit: 9, state: 'replicate' })]),
    ...e.leaders.map((l): [number, () => void] => [l.t, () => world.telemetry(l.t, l.node, 'raft.role', { role: 'leader', term: l.term })]),
    ...(e.admin ?? []).map((a): [number, () => void] => [a.t, () => world.telemetry(a.t, 0, 'kv.admin', { op: a.op, node: 1, ok: true, reason: '' })]),
  ];
  for (const [, emit] of all.sort((a, b) => a[0] - b[0])) emit();
  world.run({ timeUs: 10_000_000, eventsMax: 1000 });
  world.concludeChecks();
  return { world, check };
}

describe('transfer-completes: a transfer nothing stands in the way of elects its target', () => {
  it('a transfer whose target wins within the bound passes; one that never completes fails', () => {
    const ok = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], leaders: [{ t: 100_000, node: 0, term: 2 }, { t: 2_010_000, node: 1, term: 3 }] });
    expect(ok.world.violations).toEqual([]);
    expect(ok.check.state).toBe('pass (1 of 1 accepted transfers judged, each completed within 320ms)');
    const stuck = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], leaders: [{ t: 100_000, node: 0, term: 2 }] });
    expect(stuck.world.violations.map((v) => v.check)).toEqual(['transfer-completes']);
    expect(stuck.world.violations[0].message).toContain('node 0, leader of term 2, accepted a transfer to node 1 at 2s');
    expect(stuck.world.violations[0].message).toContain('no new leader was elected within 320ms');
    expect(stuck.check.state).toBe('fail (1 of 1 judged transfers did not complete)');
  });

  it('a target that wins too late, or another node that wins, fails', () => {
    const late = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], leaders: [{ t: 100_000, node: 0, term: 2 }, { t: 2_900_000, node: 1, term: 3 }] });
    expect(late.world.violations.map((v) => v.check)).toEqual(['transfer-completes']);
    const other = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], leaders: [{ t: 100_000, node: 0, term: 2 }, { t: 2_100_000, node: 2, term: 3 }] });
    expect(other.world.violations[0].message).toContain('node 2, not the target, became leader of term 3');
  });

  it('a transfer near a fault, to a target behind, overridden, near a membership change or at the end is skipped, never failed', () => {
    const leaders = [{ t: 100_000, node: 0, term: 2 }];
    const skipped = (e: Partial<Events>, faults: FaultSpec[] = []): string => {
      const r = run({ transfers: [], leaders, ...e }, faults);
      expect(r.world.violations).toEqual([]);
      return r.check.state;
    };
    // A crash that healed 400 ms before: the cluster had not settled (two election timeouts).
    expect(skipped({ transfers: [{ t: 2_000_000, to: 1, term: 2 }] }, [crash(1_000_000, 600_000)])).toBe('not applicable: none of the 1 accepted transfers could be judged (fault 1): nothing to decide');
    expect(skipped({ transfers: [{ t: 2_000_000, to: 1, term: 2 }] }, [crash(2_200_000, 100_000)])).toContain('(fault 1)');
    expect(skipped({ transfers: [{ t: 2_000_000, to: 1, term: 2, behind: true }] })).toContain('(behind 1)');
    expect(skipped({ transfers: [{ t: 9_900_000, to: 1, term: 2 }] })).toContain('(late 1)');
    expect(skipped({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], admin: [{ t: 1_800_000, op: 'addVoter' }] })).toContain('(fault 1)');
    // Transfers one after the other, each decided before the next, are each judged.
    const r = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }, { t: 2_020_000, leader: 1, to: 2, term: 3 }], leaders: [...leaders, { t: 2_010_000, node: 1, term: 3 }, { t: 2_030_000, node: 2, term: 4 }] });
    expect(r.world.violations).toEqual([]);
    expect(r.check.state).toBe('pass (2 of 2 accepted transfers judged, each completed within 320ms)');
    // The first target already campaigns when the second transfer is accepted (raft-membership-rapid seed 11): it wins, and neither is judged.
    const raced = run({ transfers: [{ t: 2_000_000, to: 2, term: 2 }, { t: 2_012_000, to: 1, term: 2 }], leaders: [...leaders, { t: 2_030_000, node: 2, term: 3 }] });
    expect(raced.world.violations).toEqual([]);
    expect(raced.check.state).toBe('not applicable: none of the 2 accepted transfers could be judged (overlap 2): nothing to decide');
  });

  it('no transfer, or a link that loses messages, leaves nothing to decide', () => {
    expect(run({ transfers: [], leaders: [] }).check.state).toBe('not applicable: no leadership transfer was accepted');
    const lossy = run({ transfers: [{ t: 2_000_000, to: 1, term: 2 }], leaders: [] }, [], { latencyMaxUs: undefined });
    expect(lossy.world.violations).toEqual([]);
    expect(lossy.check.state).toMatch(/^not applicable: the link itself loses/);
  });
});
