// Abstract protocol states of a Raft run, for coverage-guided schedule search (explore.ts).
//
// Contract: an observer. It listens to the servers' telemetry and to host status changes
// and never schedules, sends or draws anything, so a run it watches has the trace hash of
// the same run unwatched. Each node is abstracted to a small tuple: its role (or down),
// how far its term is behind the highest term any node has, how far its commit index lags
// the highest commit, how its log compares with the longest log (last term behind, length
// behind), and whether it holds uncommitted entries. The cluster's abstract state is the
// sorted multiset of the node tuples (node identities do not matter, so five symmetric
// states count once). A run's coverage is the set of cluster states it passes through and
// the set of transitions between consecutive ones.
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';

interface NodeView {
  up: boolean;
  role: string;
  term: number;
  commit: number;
  lastIndex: number;
  lastTerm: number;
}

const ROLE: Record<string, string> = { leader: 'L', candidate: 'C', precandidate: 'P', follower: 'F' };

/** 0, 1, or "2+" (a gap of two or more). */
function gap3(d: number): string {
  return d <= 0 ? '0' : d === 1 ? '1' : '2';
}

/** 0, small (1..3) or large (4+). */
function lag3(d: number): string {
  return d <= 0 ? '0' : d <= 3 ? 's' : 'l';
}

/** One node's abstract tuple, relative to the cluster's maxima. */
export function abstractNode(n: NodeView, max: { term: number; commit: number; lastIndex: number; lastTerm: number }): string {
  if (!n.up) return 'D';
  return `${ROLE[n.role] ?? '?'}${gap3(max.term - n.term)}${lag3(max.commit - n.commit)}${gap3(max.lastTerm - n.lastTerm)}${lag3(max.lastIndex - n.lastIndex)}${n.lastIndex > n.commit ? 'u' : ''}`;
}

/** The cluster's abstract state: the sorted node tuples. */
export function abstractState(views: readonly NodeView[]): string {
  const max = { term: 0, commit: 0, lastIndex: 0, lastTerm: 0 };
  for (const v of views) {
    if (!v.up) continue;
    max.term = Math.max(max.term, v.term);
    max.commit = Math.max(max.commit, v.commit);
    max.lastIndex = Math.max(max.lastIndex, v.lastIndex);
    max.lastTerm = Math.max(max.lastTerm, v.lastTerm);
  }
  return views.map((v) => abstractNode(v, max)).sort().join(' ');
}

/** Collects the abstract states and transitions of one run; attach before the run starts. */
export class CoverageObserver {
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();
  private readonly views: NodeView[];
  private current = '';

  constructor(world: World) {
    this.views = Array.from({ length: world.nodeCount }, (_, i) => ({ up: world.status[i] === 'up', role: 'follower', term: 0, commit: 0, lastIndex: 0, lastTerm: 0 }));
    world.onStatusChange((node, status) => {
      const v = this.views[node];
      if (v === undefined) return;
      v.up = status === 'up';
      if (!v.up) v.role = 'follower';
      this.update();
    });
    world.onTelemetry((_t, node, name, f) => {
      if (this.apply(node, name, f)) this.update();
    });
  }

  private apply(node: NodeId, name: string, f: Readonly<Record<string, string | number | boolean>>): boolean {
    const v = this.views[node];
    if (v === undefined) return false;
    switch (name) {
      case 'raft.role':
        v.role = String(f.role);
        v.term = Number(f.term);
        return true;
      case 'raft.hardstate':
        v.term = Number(f.term);
        v.commit = Number(f.commit);
        v.lastIndex = Number(f.lastIndex);
        return true;
      case 'raft.recovered':
        v.term = Number(f.term);
        v.commit = Number(f.commit);
        v.lastIndex = Number(f.lastIndex);
        v.lastTerm = lastTermOf(String(f.logTerms));
        return true;
      case 'raft.append':
        v.lastIndex = Number(f.hi);
        v.lastTerm = Number(f.term);
        return true;
      case 'raft.snapshot_stored':
        if (Number(f.index) >= v.lastIndex) {
          v.lastIndex = Number(f.index);
          v.lastTerm = Number(f.term);
        }
        return true;
      default:
        return false;
    }
  }

  private update(): void {
    const s = abstractState(this.views);
    if (s === this.current) return;
    if (this.current !== '') this.transitions.add(`${this.current} > ${s}`);
    this.states.add(s);
    this.current = s;
  }
}

/** The last term in a server's `logTerms` summary ("...:term" runs; 0 when empty or unknown). */
function lastTermOf(logTerms: string): number {
  const m = /:(\d+)$/.exec(logTerms.split('|')[1] ?? '');
  return m === null ? 0 : Number(m[1]);
}
