// A check on the manager's own safety, with the simulator's ground truth: no action may
// leave fewer than a quorum of the voters healthy when a quorum was healthy before it.
//
// Contract: at every `mapek.decision` of a restart, replacement or quarantine, it counts
// the voters that are truly healthy (up, and not cut off in either direction from enough
// of the other up voters to make a quorum with them) and whether the action's target is
// one of them; taking a healthy target out that drops the count below a quorum, from a
// quorum or more, is a 'mapek-quorum-guard' violation. This is the property the manager's
// quorum guard promises (core/mapek/plan.ts); a manager built without it (bugs:
// [noQuorumGuard]) is caught here (test/mapek.test.ts).
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';

const TAKES_OUT = new Set(['restart', 'replace', 'quarantine']);

export function installQuorumCheck(world: World, voters: () => ReadonlySet<NodeId>, managers: ReadonlySet<NodeId>): void {
  world.onTelemetry((_t, node, name, f) => {
    if (name !== 'mapek.decision' || !managers.has(node) || !TAKES_OUT.has(f.action as string)) return;
    const vs = [...voters()].sort((a, b) => a - b);
    const q = Math.floor(vs.length / 2) + 1;
    const up = vs.filter((n) => world.status[n] === 'up');
    const healthy = up.filter((n) => up.filter((m) => m !== n && !world.net.isCut(n, m) && !world.net.isCut(m, n)).length >= q - 1);
    const target = f.target as number;
    const after = healthy.length - (healthy.includes(target) ? 1 : 0);
    if (healthy.length >= q && after < q) {
      world.violate('mapek-quorum-guard', target, `the manager (n${node}) chose to ${String(f.action)} n${target} while only ${healthy.length} of ${vs.length} voters were healthy (${healthy.map((n) => `n${n}`).join(', ')}): it leaves ${after}, fewer than a quorum of ${q}`);
    }
  });
}
