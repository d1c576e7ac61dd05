// Goal: the operator workload (raft-kv's `admin:` section, sim/workloads/operator.ts) walks
// the membership and transfer paths through the servers' real admin API while the clients
// run, and every check holds across configurations with the correct Raft; a retired server
// stays down whatever the nemesis does; bad `admin:` input is refused by field. Method:
// catalogue scenarios run in-process with runScenario, as `faultline run` does; a world of
// idle nodes for retire; validateScenario for the schema.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { validateScenario } from '../sim/scenario/parse.ts';
import { World } from '../sim/world/world.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

describe('the operator workload (admin:)', () => {
  it('raft-membership seed 1: learners added and promoted, a follower and the leader removed and retired, transfers; every check holds', () => {
    const { report, world } = runScenario(materialize(catalogScenario('raft-membership'), 1), 1);
    expect(report.violations).toEqual([]);
    expect(report.inconclusive).toEqual([]);
    expect(report.stats.linearizability).toBe('ok');
    expect(report.stats.liveness).toBe('pass');
    const st = report.stats;
    expect(st['admin.addLearner.ok']).toBe(2);
    expect(st['admin.promote.ok'] as number).toBeGreaterThanOrEqual(1);
    expect(st['admin.removeLeader.ok'] as number).toBeGreaterThanOrEqual(1);
    expect(st['admin.transfer.ok'] as number).toBeGreaterThanOrEqual(2);
    // Every removal that took effect retired its server: it is down and stays down.
    expect(st['admin.retired'] as number).toBeGreaterThanOrEqual(2);
    for (const id of world.retired) expect(world.status[id]).toBe('down');
    // The spares (5, 6) were started and n5 became a voter that served.
    expect(world.status[5]).toBe('up');
  });

  it('raft-membership-snapshots seed 179: learners added after the leader\'s latest snapshot catch up from a fresh one, and writes go on', () => {
    // Before 40ca624 the leader resent a snapshot whose configuration predates the learners;
    // they refused it, were promoted empty, and the cluster lost its quorum for good.
    const { report } = runScenario(materialize(catalogScenario('raft-membership-snapshots'), 179), 179);
    expect(report.violations).toEqual([]);
    expect(report.stats.liveness).toBe('pass');
    expect(report.stats['admin.promote.ok'] as number).toBeGreaterThanOrEqual(1);
  });

  it('a retired node is never started again (a fault\'s restart is refused)', () => {
    const world = new World({ seed: 'retire', nodes: [{ role: 'server', factory: () => idle }, { role: 'server', factory: () => idle }] });
    world.boot();
    world.run({ timeUs: 1000, eventsMax: 100 });
    world.retire(1);
    world.startNode(1);
    world.startNode(0);
    world.run({ timeUs: 2000, eventsMax: 100 });
    expect(world.status[1]).toBe('down');
    expect(world.status[0]).toBe('up');
  });

  it('bad admin input is refused, naming the field', () => {
    const base = { name: 'x', description: 'x', workload: 'raft-kv', topology: { nodes: 3 }, duration: '10s' };
    const problems = (admin: unknown, topology: object = { nodes: 3, spares: 1 }): string[] => {
      const r = validateScenario({ ...base, topology, admin });
      return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(problems({ every: '1s' })).toEqual([]);
    expect(problems({ every: 0 }).join('\n')).toMatch(/^admin\.every: /);
    expect(problems({ ops: { transfer: -1 } }).join('\n')).toMatch(/admin\.ops\.transfer: must be a weight >= 0/);
    expect(problems({ ops: { addLearner: 0, promote: 0, remove: 0, removeLeader: 0, transfer: 0, compact: 0 } }).join('\n')).toMatch(/admin\.ops: every weight is 0, so the operator could draw no action: give at least one of addLearner, promote, remove, removeLeader, transfer, compact a weight above 0/);
    expect(problems({ opz: 1 }).join('\n')).toMatch(/admin/);
    expect(problems({}, { nodes: 3 }).join('\n')).toMatch(/topology\.spares: admin\.ops\.addLearner needs idle spare servers/);
  });
});
