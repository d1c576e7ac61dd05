// Goal: overlapping link faults heal in any order. Method: two faults on the same links
// (loss, then duplication) whose heals do not nest; read the links' profiles between and
// after the heals. Found by the swarm (swarm-raft-network seed 180).
import { describe, expect, it } from 'vitest';
import { buildRun } from '../sim/run/runScenario.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';

const yaml = `name: overlap-links
description: two overlapping link faults
workload: heartbeat
topology: { nodes: 3 }
duration: 10s
faults:
  - { at: 2s, kind: link, from: [0, 1, 2], to: [0, 1, 2], set: { loss: 0.9 }, duration: 2s }
  - { at: 3s, kind: link, from: [0, 1, 2], to: [0, 1, 2], set: { duplicate: 0.1 }, duration: 2s }
`;

describe('link faults', () => {
  it('are layers: each heal removes only its own settings', () => {
    const p = parseScenarioText(yaml, 'o.yaml');
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    const { world } = buildRun(p.scenario, 1, false);
    world.run({ timeUs: 3_500_000 });
    expect(world.net.profile(0, 1)).toMatchObject({ loss: 0.9, duplicate: 0.1 });
    world.run({ timeUs: 4_500_000 });
    expect(world.net.profile(0, 1)).toMatchObject({ loss: 0, duplicate: 0.1 });
    world.run({ timeUs: 5_500_000 });
    expect(world.net.profile(1, 2)).toMatchObject({ loss: 0, duplicate: 0 });
  });
});
