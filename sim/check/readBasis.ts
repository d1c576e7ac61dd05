// The read-basis check (Raft §8, thesis §6.4): every read a leader serves rests on a quorum
// of its voters having answered it after the read arrived (ReadIndex), or, in lease mode, on
// a lease: a quorum answered a heartbeat broadcast the leader sent less than the lease's
// length ago, and no leadership transfer has begun in the term since.
//
// Contract: judged from 'kv.read_basis', which the server emits for each of its clients'
// reads the moment Raft releases it, with what the server counted itself from the
// broadcasts it sent and the answers it stepped (core/kv/server.ts): `afterAsked` (a quorum
// answered a broadcast sent after the read was asked), `sinceBasis` (ticks since the newest
// broadcast a quorum answered went out, -1 for none in this term), `revoked` (the leader sent
// MsgTimeoutNow this term), `alone` (the leader is the only voter: nothing to ask), and the
// lease's inputs, electionTicks and driftMax. The lease's length is worked out here, not
// taken from core/raft: electionTicks - 1 ticks (a follower may tick right after it hears
// the heartbeat), divided by 1 + driftMax (its clock may run that much faster), rounded down.
// A violation is a read served with neither basis; whether its value happened to be stale
// does not matter (read-index-sound and linearizability judge values).
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';

/** The ticks a lease may last with an election timeout of `electionTicks` and drift bound `driftMax`. */
export function leaseTicks(electionTicks: number, driftMax: number): number {
  return Math.max(0, Math.floor((electionTicks - 1) / (1 + driftMax)));
}

export class ReadBasisCheck {
  private reported = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'kv.read_basis') this.judge(node, f);
    });
  }

  private judge(node: NodeId, f: Readonly<Record<string, string | number | boolean>>): void {
    if (f.alone === true || f.afterAsked === true) return;
    const since = f.sinceBasis as number;
    const length = leaseTicks(f.electionTicks as number, f.driftMax as number);
    if (f.lease === true && f.revoked !== true && since >= 0 && since < length) return;
    let why: string;
    if (f.lease !== true) why = 'it reads with ReadIndex, so it needs a quorum to answer a heartbeat sent after the read arrived, and none had';
    else if (f.revoked === true) why = 'no quorum had answered a heartbeat sent after the read arrived, and its lease had ended: it had begun handing leadership over this term (the target\'s forced election ignores the followers\' election timers)';
    else if (since < 0) why = 'no quorum had answered a heartbeat sent after the read arrived, nor any heartbeat of this term, so it held no lease';
    else why = `no quorum had answered a heartbeat sent after the read arrived, and the newest one a quorum answered went out ${since} ticks before, not within the lease of ${length} ticks (election timeout ${f.electionTicks as number} ticks less one, divided by 1 + ${f.driftMax as number} for clock drift)`;
    if (this.reported++ < VIOLATIONS_PER_CHECK_MAX) {
      this.world.violate('read-basis', node, `leader ${node} served read ${String(f.ctx)} without a basis: ${why}. Until a quorum confirms it, a newer leader may exist and have committed writes this read would miss`);
    }
  }
}
