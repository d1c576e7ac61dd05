// Goal: every aimed nemesis (sim/faults/aimed.ts) and the heavy link chaos have teeth: with a
// built-in bug of the kind it aims at, the first seed fails, under the check that guards
// that rule; with the correct Raft the same seed passes. crashOn also lands where it aims:
// each crash it causes falls at the very instant the node made a vote durable, and
// deafenOn cuts a leader off at the very instant it hands leadership over.
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
