// Goal: every aimed nemesis (sim/faults/aimed.ts) and the heavy link chaos have teeth: with a
// built-in bug of the kind it aims at, the first seed fails, under the check that guards
// that rule; with the correct Raft the same seed passes. crashOn also lands where it aims:
// each crash it causes falls at the very instant the node made a vote durable, and
// deafenOn cuts a leader off at the very instant it hands leadership over, and leaseEdge
// slows the cut-off leader's clock and speeds the others' as it says.
// Method: the fixtures in test/fixtures/aimed run in-process with runScenario, as
// `faultline run` does; the seeds are the first failing ones `npm run bughunt` found.
import { describe, expect, it } from 'vitest';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { RaftSpec } from '../sim/workloads/kvSections.ts';
import { raftFixture, violatedChecks } from './support/raftFixture.ts';

const fixture = (name: string, bug: RaftSpec['bugs'][number] | null): Scenario => raftFixture(`test/fixtures/aimed/${name}.yaml`, bug);
const checksOf = violatedChecks;

describe('aimed nemeses', () => {
  const cases: [string, RaftSpec['bugs'][number], string][] = [
    ['figure8', 'commitOldTermByCounting', 'committed-entries'],
    ['diverge', 'voteWithoutLogCheck', 'committed-entries'],
    ['crash-on-vote', 'forgetVoteOnRestart', 'durability'],
    ['link-chaos', 'matchRegress', 'match-monotonic'],
    ['deafen-on-transfer', 'leaseKeptOnTransfer', 'linearizability'],
    // The lease before the quorum round (CheckQuorum alone) serves reads past the next election.
    ['lease-edge', 'leaseWithoutQuorumRound', 'read-leader-sound'],
    // A write's completion taken as durable for the entries that replaced it in flight.
    ['stale-write', 'stableWithoutTermCheck', 'match-sound'],
  ];
  for (const [name, bug, check] of cases) {
    it(`${name}: ${bug} fails ${check} at seed 1; the correct Raft passes`, () => {
      expect(checksOf(fixture(name, bug), 1)).toContain(check);
      expect(checksOf(fixture(name, null), 1)).toEqual([]);
    });
  }

  it('crashOn vote crashes a node at the instant it made a vote durable', () => {
    const votes = new Set<string>();
    const s = fixture('crash-on-vote', null);
    const { world } = runScenario(materialize(s, 2), 2, {
      retainTrace: true,
      observe: (w) => w.onTelemetry((t, node, name, f) => {
        if (name === 'raft.hardstate' && f.vote !== -1 && f.vote !== node) votes.add(`${t}/${node}`);
      }),
    });
    const crashes = world.trace.events().filter((e) => e.kind === 'fault' && /^crash \d+: it voted/.test(e.tag));
    expect(crashes.length).toBeGreaterThan(2);
    for (const c of crashes) expect(votes.has(`${c.t}/${Number(/^crash (\d+)/.exec(c.tag)?.[1])}`)).toBe(true);
  });

  it('leaseEdge slows the leader\'s clock and speeds the others\' to the edge of the bound, then cuts the leader off from the servers while clients still reach it', () => {
    const rounds = [1_000_000, 3_000_000, 5_000_000, 7_000_000]; // at 1s, every 2s, for 8s
    const slow: number[] = [];
    let readsWhileCut = 0;
    const { world } = runScenario(materialize(fixture('lease-edge', null), 1), 1, {
      retainTrace: true,
      observe: (w) => {
        // Mid-round (the cut starts within 10-20% of the period and heals at 80%).
        for (const t0 of rounds) {
          w.at(t0 + 1_000_000, 'test: clocks mid-round', () => {
            const drifts = [0, 1, 2].map((n) => w.hosts[n].clock.driftPpm);
            expect(drifts.filter((d) => d === -47_619)).toHaveLength(1);
            expect(drifts.filter((d) => d === 47_619)).toHaveLength(2);
            slow.push(drifts.indexOf(-47_619));
          });
        }
        w.onTelemetry((t, node, name, f) => {
          const cut = rounds.some((t0) => t >= t0 + 500_000 && t < t0 + 1_600_000);
          if (name === 'kv.reply' && cut && node < 3 && w.hosts[node].clock.driftPpm < 0 && typeof f.readIndex === 'number' && f.readIndex >= 0) readsWhileCut++;
        });
      },
    });
    const cuts = world.trace.events().filter((e) => e.kind === 'fault' && /^leaseEdge: cut \d+$/.test(e.tag));
    expect(cuts.map((e) => Number(e.tag.split(' ').pop()))).toEqual(slow); // The slow clock is the one cut off, each round.
    expect(slow).toHaveLength(4);
    expect(readsWhileCut).toBeGreaterThan(0); // Clients still reach the cut-off leader.
    for (const n of [0, 1, 2]) expect(world.hosts[n].clock.driftPpm).toBe(0); // Clocks back after the last round.
  });

  it('staleWrite crashes the leader the instant its cut-off peer starts a slow write of its entries, and a new leader replaces them while the write is in flight', () => {
    const starts = new Map<string, number>(); // `${t}/${node}` of each slow write's start -> its delay
    const writes: { node: number; from: number; to: number; lo: number; hi: number; term: number }[] = [];
    const appends: { t: number; from: number; to: number; term: number; first: number }[] = [];
    const { world } = runScenario(materialize(fixture('stale-write', null), 1), 1, {
      retainTrace: true,
      observe: (w) => {
        const inFlight = new Map<number, { from: number; delayUs: number }>();
        w.onTelemetry((t, node, name, f) => {
          if (name === 'raft.syncing') {
            inFlight.set(node, { from: t, delayUs: f.delayUs as number });
            if ((f.entries as number) > 0 && (f.delayUs as number) >= 900_000) starts.set(`${t}/${node}`, f.delayUs as number);
          }
          const s = inFlight.get(node);
          if (name === 'raft.append' && s !== undefined && s.delayUs >= 900_000) {
            writes.push({ node, from: s.from, to: t, lo: f.lo as number, hi: f.hi as number, term: f.term as number });
          }
        });
        w.onSend((from, to, msg) => {
          const m = msg as { type?: unknown; term?: number; entries?: { index: number }[] };
          if (m.type === 'MsgApp' && m.entries !== undefined && m.entries.length > 0) appends.push({ t: w.nowUs, from, to, term: m.term ?? 0, first: m.entries[0].index });
        });
      },
    });
    const crashes = world.trace.events().filter((e) => e.kind === 'fault' && /^staleWrite: crash \d+ \(\d+ writes its entries\)/.test(e.tag));
    // Rounds at 1s, 2.5s, ..., 7s: in the first, the peer's next write carried no entry before
    // the round's time ran out ('staleWrite: time for 2'); the other four found their moment.
    expect(crashes).toHaveLength(4);
    let replaced = 0;
    for (const c of crashes) {
      const peer = Number(/\((\d+) writes/.exec(c.tag)?.[1]);
      // The crash falls at the instant the peer started its slow write of log entries...
      expect(starts.has(`${c.t}/${peer}`)).toBe(true);
      const write = writes.find((x) => x.node === peer && x.from === c.t);
      expect(write).toBeDefined();
      if (write === undefined) continue;
      // ...and while it is in flight a newer leader's append reaches into the entries it writes.
      if (appends.some((a) => a.to === peer && a.t > write.from && a.t < write.to && a.term > write.term && a.first <= write.hi)) replaced++;
    }
    expect(replaced).toBe(4);
  });

  it('deafenOn cuts a leader off at the instant it sends MsgTimeoutNow, and it hears again `down` later', () => {
    const handovers = new Set<string>();
    const { world } = runScenario(materialize(fixture('deafen-on-transfer', null), 2), 2, {
      retainTrace: true,
      observe: (w) => w.onSend((from, _to, msg) => {
        if ((msg as { type?: unknown }).type === 'MsgTimeoutNow') handovers.add(`${w.nowUs}/${from}`);
      }),
    });
    const events = world.trace.events().filter((e) => e.kind === 'fault');
    const cuts = events.filter((e) => /^deafen \d+: it handed leadership/.test(e.tag));
    expect(cuts.length).toBeGreaterThan(2);
    for (const c of cuts) {
      const node = Number(/^deafen (\d+)/.exec(c.tag)?.[1]);
      expect(handovers.has(`${c.t}/${node}`)).toBe(true);
      expect(events.some((e) => e.tag === `${node} hears again` && e.t === c.t + 300_000)).toBe(true);
    }
  });
});
