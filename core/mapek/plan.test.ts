// Goal: the planner picks an episode's ladder from the sharpest diagnosis it has before it
// acts: a node first only `unresponsive` (no leader to ask), then known to be cut off, is
// replaced rather than restarted; once an action has been tried the episode keeps its cause.
// Method: the real Planner on hand-built diagnoses and cluster views, round by round; a
// crashed node's restart holds the one disruptive slot while the other episode waits.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/seeded.ts';
import { emptyView } from './clusterView.ts';
import { managerConfig } from './config.ts';
import { Knowledge } from './knowledge.ts';
import { Planner } from './plan.ts';
import type { Cause, Diagnosis } from './types.ts';

const diag = (cause: Cause, target: number, confidence: number): Diagnosis => ({ cause, target, confidence, symptoms: [`unreachable:${target}`], sinceUs: 0, value: 0 });

function setup() {
  const cfg = managerConfig({ servers: [0, 1, 2, 3, 4], spares: [5], controlPlane: 99 });
  const planner = new Planner(cfg, new Knowledge(null, 0), seeded('plan'), 0);
  const view = emptyView([0, 1, 2, 3, 4]);
  view.leader = 0;
  view.healthy = new Set([0, 1, 2]);
  view.hosts.set(3, { node: 3, state: 'down', quarantined: false, decommissioned: false });
  view.hosts.set(4, { node: 4, state: 'up', quarantined: false, decommissioned: false });
  const ctx = (nowUs: number) => ({ view, nowUs, demandRatio: 1, gateways: [] });
  return { planner, ctx };
}

describe('Planner', () => {
  it('an episode that has not acted yet takes the ladder of its sharper diagnosis', () => {
    const { planner, ctx } = setup();
    const first = planner.plan([diag('crashed', 3, 0.95), diag('unresponsive', 4, 0.7)], ctx(1_000_000));
    expect(first.decisions.map((d) => `${d.kind} n${d.target}`)).toEqual(['restart n3']);
    expect(first.deferred).toEqual([{ key: 'down:4', reason: 'another disruptive action is in flight' }]);
    planner.done(planner.running()[0], true, '', 1_200_000);
    const next = planner.plan([diag('crashed', 3, 0.95), diag('isolated', 4, 0.7)], ctx(1_400_000));
    expect(next.decisions.map((d) => `${d.kind} n${d.target} (${d.cause})`)).toEqual(['replace n4 (isolated)']);
  });

  it('an episode that has acted keeps its cause and ladder', () => {
    const { planner, ctx } = setup();
    const first = planner.plan([diag('unresponsive', 4, 0.7)], ctx(1_000_000));
    expect(first.decisions.map((d) => `${d.kind} n${d.target}`)).toEqual(['restart n4']);
    planner.done(planner.running()[0], true, '', 1_200_000);
    // Still silent within the restart's verify time: nothing new is started.
    expect(planner.plan([diag('isolated', 4, 0.7)], ctx(1_400_000)).decisions).toEqual([]);
    // After it, the next rung of the ladder the episode started with.
    const later = planner.plan([diag('isolated', 4, 0.7)], ctx(3_400_000));
    expect(later.decisions.map((d) => `${d.kind} n${d.target} (${d.cause})`)).toEqual(['replace n4 (unresponsive)']);
  });
});
