// Installs the rag workload's checks on a booted world: Raft's safety invariants, the
// leader tracker (for `leader` faults), the retrieval checks (ragChecks.ts) and liveness.
import type { Micros } from '../../../core/env.ts';
import { corpusByName } from '../../../corpus/registry.ts';
import { installLeaderChurn } from '../../check/leaderChurn.ts';
import { COMMITTED_REMEMBERED_MAX, RaftInvariants } from '../../check/raftInvariants.ts';
import { notApplicable } from '../../check/verdict.ts';
import { formatMicros } from '../../kernel/time.ts';
import type { World } from '../../world/world.ts';
import { leaseClocksBroken } from '../kvSections.ts';
import { LeaderTracker } from '../leaderTracker.ts';
import { RagChecks } from './ragChecks.ts';
import type { RagScenario } from './ragScenario.ts';

export interface RagInstalled {
  leaders: LeaderTracker;
  checks: RagChecks;
  finish(): Record<string, number | string>;
}

export function installRag(world: World, s: RagScenario, healUs: Micros): RagInstalled {
  const invariants = new RaftInvariants(world, COMMITTED_REMEMBERED_MAX, s.faults, leaseClocksBroken(s.faults, s.raft));
  const churn = installLeaderChurn(world, s, s.raft);
  const leaders = new LeaderTracker(world);
  const checks = new RagChecks(world, s, corpusByName(s.rag.corpus));
  const liveness = installLiveness(world, s, healUs, checks);
  return {
    leaders,
    checks,
    finish: () => {
      churn.conclude();
      return { elections: invariants.electionCount, leaderChurn: churn.state, liveness: liveness.state, ...invariants.logChecks.stats(), ...checks.finish() };
    },
  };
}

/**
 * Liveness: once the faults have healed (and the queries started), a query is answered
 * within the bound. No queries, or a last fault lasting until the end, leave nothing to
 * judge (not applicable); a bound too late in the run to be judged is inconclusive, where
 * it used to be skipped without a word.
 */
function installLiveness(world: World, s: RagScenario, healUs: Micros, checks: RagChecks): { state: string } {
  const out = { state: 'not run' };
  const q = s.rag.queries;
  const fromUs = Math.max(healUs, q.start);
  const boundUs = fromUs + s.liveness.within;
  const latestUs = s.duration - s.liveness.within;
  if (q.clients === 0 || q.rate === 0) {
    out.state = notApplicable('the scenario sends no queries');
  } else if (healUs >= s.duration) {
    out.state = notApplicable('the last fault lasts until the end of the run, so there is no liveness phase');
  } else if (boundUs > latestUs) {
    out.state = 'inconclusive';
    world.cannotDecide('liveness', `the liveness bound (${formatMicros(boundUs)}: the faults heal and the queries start at ${formatMicros(fromUs)}, plus liveness.within) falls after ${formatMicros(latestUs)} (duration minus liveness.within); lengthen duration or shorten liveness.within`);
  } else {
    world.checkAt(boundUs, 'liveness', () => {
      if (checks.lastOkUs >= fromUs) {
        out.state = 'pass';
        return;
      }
      out.state = 'fail';
      world.violate('liveness', null, `no query was answered within ${s.liveness.within / 1000} ms after the faults healed at ${healUs / 1000} ms`);
    }, 'check rag liveness');
  }
  return out;
}
