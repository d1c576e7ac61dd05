// Goal: quorum-liveness judges exactly the stretches in which a quorum of servers runs free
// of faults and can reach the rest of what it needs (sim/check/quorumLiveness.ts), and no
// other: a faulty server still heard by the quorum, or clients cut off from it, leave the
// stretch unjudged. Method: the check on a stand-in world (status changes, fault reaches
// and successes fed by hand, five servers 0..4 and one client 5), then a whole run of the
// catalogue with and without a Raft that needs every voter to win an election.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import type { HostStatus } from '../host/host.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { FaultReach, World } from '../world/world.ts';
import type { RaftKvScenario } from '../workloads/raftKv.ts';
import { QuorumLiveness } from './quorumLiveness.ts';

const S = 1_000_000;

class StandIn {
  nowUs = 0;
  readonly nodeCount = 7;
  readonly violations: string[] = [];
  private reach: ((r: FaultReach) => void)[] = [];
  private status: ((n: number, s: HostStatus) => void)[] = [];
  onFaultReach(f: (r: FaultReach) => void): void {
    this.reach.push(f);
  }
  onStatusChange(f: (n: number, s: HostStatus) => void): void {
    this.status.push(f);
  }
  onConclude(): void {}
  violate(check: string, _node: null, message: string): void {
    this.violations.push(`${check}: ${message}`);
  }
  set(t: number, node: number, s: HostStatus): void {
    this.nowUs = t;
    for (const f of this.status) f(node, s);
  }
  fault(r: Partial<FaultReach> & { fromUs: number; toUs: number }): void {
    for (const f of this.reach) f({ nodes: [], all: false, cuts: [], links: [], ...r });
  }
}

/** Five servers up from 0, a check with a 2 s bound over a 20 s run, and successes at `oks` (seconds). */
function setUp(oks: number[], others: number[] | null = null): { w: StandIn; check: QuorumLiveness; end(): string[] } {
  const w = new StandIn();
  const clients = others === null ? [5] : [5, 6];
  const check = new QuorumLiveness(w as unknown as World, { servers: 5, clients, withinUs: 2 * S, clientsStopUs: 20 * S, thinkUs: 0.5 * S });
  for (let n = 0; n < 5; n++) w.set(0, n, 'up');
  return {
    w,
    check,
    end: () => {
      // Client 1 is the one that succeeds; with `others`, client 2 invokes a write every half
      // second and gets a known outcome at those times only.
      for (const t of oks) check.ok(t * S);
      const writes: [number, number, boolean][] = oks.map((t) => [t, 1, true]);
      if (others !== null) for (let t = 0.25; t < 20; t += 0.5) writes.push([t, 2, false], ...others.filter((x) => x === t + 0.25).map((x): [number, number, boolean] => [x, 2, true]));
      writes.sort((a, b) => a[0] - b[0]);
      for (const [t, c, answered] of writes) check.write(t * S, c, answered);
      check.conclude(20 * S);
      return w.violations;
    },
  };
}

/** Successes every half second, except in [from, to) seconds. */
function steady(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = 0.5; t < 20; t += 0.5) if (t < from || t >= to) out.push(t);
  return out;
}

const allPairs = (a: number[], b: number[]): [number, number][] => a.flatMap((x) => b.flatMap((y): [number, number][] => (x === y ? [] : [[x, y], [y, x]])));

describe('quorum-liveness on a stand-in world', () => {
  it('passes steady progress, and fails a stretch without it while every server is up and free of faults', () => {
    expect(setUp(steady(0, 0)).end()).toEqual([]);
    const v = setUp(steady(5, 8)).end();
    expect(v).toHaveLength(1);
    expect(v[0]).toContain('quorum-liveness: servers 0, 1, 2');
    expect(v[0]).toContain('no client operation succeeded for 3.5s after the success at 4.5s');
  });

  it('holds each client\'s writes to the bound: one client whose writes get no known outcome fails while the others succeed', () => {
    expect(setUp(steady(0, 0), steady(0, 0)).end()).toEqual([]);
    // Client 2's writes get no known outcome from 6 s on (a session it keeps after the servers expired it, say).
    const v = setUp(steady(0, 0), steady(6, 20)).end();
    expect(v).toHaveLength(1);
    expect(v[0]).toContain('client 2 waited 14.25s from 5.75s for a known outcome (a success or a definite failure) of a write it had invoked (more than 2.5s');
    // Up to the bound plus the think time is allowed.
    expect(setUp(steady(0, 0), steady(5, 7)).end()).toEqual([]);
    // A client cut off from every server is not judged: no quorum reaches it.
    const cut = setUp(steady(0, 0), steady(6, 20));
    cut.w.fault({ fromUs: 5 * S, toUs: 20 * S, cuts: [0, 1, 2, 3, 4].flatMap((n): [number, number][] => [[n, 6], [6, n]]) });
    expect(cut.end()).toEqual([]);
  });

  it('allows a gap up to the bound', () => {
    expect(setUp(steady(5, 6.5)).end()).toEqual([]);
  });

  it('judges the three servers left when two are down, or cut off in both directions', () => {
    const down = setUp(steady(5, 9));
    down.w.set(4 * S, 3, 'down');
    down.w.set(4 * S, 4, 'down');
    down.w.fault({ fromUs: 4 * S, toUs: 12 * S, nodes: [3] });
    down.w.fault({ fromUs: 4 * S, toUs: 12 * S, nodes: [4] });
    down.w.set(12 * S, 3, 'up');
    down.w.set(12 * S, 4, 'up');
    expect(down.end()).toHaveLength(1);
    const cut = setUp(steady(5, 9));
    cut.w.fault({ fromUs: 4 * S, toUs: 12 * S, cuts: allPairs([0, 1, 2], [3, 4]) });
    expect(cut.end()).toHaveLength(1);
  });

  it('does not judge a stretch in which a faulty server still reaches the quorum (a throttled leader may hold it back)', () => {
    const c = setUp(steady(5, 9));
    c.w.fault({ fromUs: 4 * S, toUs: 12 * S, nodes: [4] });
    expect(c.end()).toEqual([]);
    expect(c.check.state).toBe('pass');
  });

  it('does not judge a quorum the clients cannot reach, or one joined by a link under a fault', () => {
    const isolated = setUp(steady(5, 9));
    // Servers 0..2 cut off from everything else, the client included: no quorum both serves and is reachable.
    isolated.w.fault({ fromUs: 4 * S, toUs: 12 * S, cuts: allPairs([0, 1, 2], [3, 4, 5]) });
    expect(isolated.end()).toEqual([]);
    const lossy = setUp(steady(5, 9));
    lossy.w.fault({ fromUs: 4 * S, toUs: 12 * S, links: allPairs([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]) });
    expect(lossy.end()).toEqual([]);
  });

  it('judges nothing after the clients stop, nor while a fault touches every node', () => {
    expect(setUp(steady(0, 0).filter((t) => t < 18.5)).end()).toEqual([]);
    const all = setUp(steady(5, 9));
    all.w.fault({ fromUs: 3 * S, toUs: 13 * S, all: true });
    expect(all.end()).toEqual([]);
  });
});

describe('quorum-liveness in a run', () => {
  const withBug = (bug: 'electionNeedsEveryVoter' | null): Scenario => {
    const s = catalogScenario('net-leader-isolated') as RaftKvScenario;
    return { ...s, raft: { ...s.raft, bugs: bug === null ? [] : [bug] } } as Scenario;
  };

  it('fails net-leader-isolated when an election needs every voter (the after-heal liveness check passes it), and passes the correct Raft', () => {
    const bad = runScenario(withBug('electionNeedsEveryVoter'), 1).report;
    expect(bad.violations.map((v) => v.check)).toEqual(['quorum-liveness']);
    const good = runScenario(withBug(null), 1).report;
    expect(good.violations).toEqual([]);
    expect(String(good.stats.quorumLiveness)).toMatch(/^pass \(a calm quorum for /);
  });
});
