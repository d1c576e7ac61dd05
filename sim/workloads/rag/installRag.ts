// Installs the rag workload's checks on a booted world: Raft's safety invariants, the
// leader tracker (for `leader` faults), the retrieval checks (ragChecks.ts) and liveness.
import type { Micros } from '../../../core/env.ts';
import { corpusByName } from '../../../corpus/registry.ts';
import { RaftInvariants } from '../../check/raftInvariants.ts';
import type { World } from '../../world/world.ts';
import { LeaderTracker } from '../leaderTracker.ts';
import { RagChecks } from './ragChecks.ts';
import type { RagScenario } from './ragScenario.ts';

export interface RagInstalled {
  leaders: LeaderTracker;
  checks: RagChecks;
  finish(): Record<string, number | string>;
}

export function installRag(world: World, s: RagScenario, healUs: Micros): RagInstalled {
  const invariants = new RaftInvariants(world);
  const leaders = new LeaderTracker(world);
  const checks = new RagChecks(world, s, corpusByName(s.rag.corpus));
  const q = s.rag.queries;
  const boundUs = Math.max(healUs, q.start) + s.liveness.within;
  if (q.clients > 0 && q.rate > 0 && boundUs <= s.duration - s.liveness.within) {
    world.at(boundUs, 'check rag liveness', () => {
      if (checks.lastOkUs < Math.max(healUs, q.start)) {
        world.violate('liveness', null, `no query was answered within ${s.liveness.within / 1000} ms after the faults healed at ${healUs / 1000} ms`);
      }
    });
  }
  return {
    leaders,
    checks,
    finish: () => ({ elections: invariants.elections.length, ...checks.finish() }),
  };
}
