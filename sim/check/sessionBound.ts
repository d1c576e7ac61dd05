// The session-bound check (thesis §6.3, and core/kv/sessions.ts's contract): a replica's
// client session table keeps at most its bound, evicts only to make room for a session
// being registered, and opens sessions only by a registration. So the count after an
// entry is exactly min(count before + sessions the entry registered, bound): a command
// leaves it unchanged, a registration of n into a table of c makes it min(c + n, bound).
// A table that evicts when a known client is used, that evicts more (or fewer) than room
// needs, or that opens a session for an unknown client's command breaks it; a wrong
// eviction shows to clients only as a session-expired answer, which no other check judges.
//
// Contract: judged from 'kv.sessions' (core/kv/server.ts), which each replica emits with
// the count after a registration, after a restart or snapshot (`opened` -1: a new base,
// not judged), and after any other entry that changed the count. A replica is judged from
// its first base on; one constant per event.
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

export class SessionBoundCheck {
  /** By node: the session count after the last entry it reported, or undefined before its first base. */
  private readonly counts = new Map<NodeId, number>();
  private reported = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'kv.sessions') this.judge(node, f.index as number, f.count as number, f.opened as number, f.max as number);
    });
  }

  private judge(node: NodeId, index: number, count: number, opened: number, max: number): void {
    const before = this.counts.get(node);
    this.counts.set(node, count);
    if (count > max) return this.violate(node, `node ${node} keeps ${count} client sessions after entry ${index}, more than its bound of ${max}: the table evicts the least recently used session when a new one would exceed the bound`);
    if (opened < 0 || before === undefined) return;
    const want = Math.min(before + opened, max);
    if (count === want) return;
    const why = opened === 0
      ? `entry ${index}, which registered no session, took its session count from ${before} to ${count}: a command neither opens a session (a client the table does not know is answered session-expired) nor evicts one (sessions are evicted only to make room for a new one)`
      : `registering ${opened} session${opened === 1 ? '' : 's'} at entry ${index} took its session count from ${before} to ${count}, not ${want} (bound ${max}): the table evicts only as many sessions as the new ones need room for`;
    this.violate(node, `node ${node}: ${why}. An eviction the contract does not call for expires a client's session early (its next write is answered session-expired, its outcome unknown)`);
  }

  private violate(node: NodeId, message: string): void {
    if (this.reported++ < VIOLATIONS_PER_CHECK_MAX) this.world.violate('session-bound', node, message);
  }
}
