// A walk-through of raft-kv-basic (seed 42): an election, the leader's crash and the
// failover, its restart as a follower, and a partition that keeps leadership on the
// majority side.
import type { Tour } from './types.ts';

export const raftKvBasicTour: Tour = {
  id: 'raft-kv-basic',
  title: 'Raft: election, a crash and a partition',
  scenario: 'raft-kv-basic',
  seed: 42,
  steps: [
    { t: '100ms', text: 'Five Raft servers (the circle) and three key-value clients (the column on the right). Nobody leads yet: every server waits out a randomised election timeout.' },
    { t: '200ms', text: 'A server whose timeout fired first ran a pre-vote, then a real election, and won: it is drawn as leader (gold). The timeline shows each role change. Click it to see its log, term and commit index.' },
    { t: '2s', text: 'The leader appends client commands to its log and replicates them (green MsgApp dots). An entry is committed once a majority stores it; the commit and applied indices below each node move together.' },
    { t: '3100ms', text: 'At 3 s the leader crashes (the scenario aims the fault at whoever leads). Clients time out and retry elsewhere; followers stop hearing heartbeats and, after their election timeouts, pre-vote and elect a new leader in a higher term, usually within about 200-350 ms.' },
    { t: '3600ms', text: 'A new leader is committing again. A write that was in flight when the old leader died was retried with the same session number, so it is applied exactly once however many times it was sent.' },
    { t: '5200ms', text: 'At 5 s the old leader restarts from its disk: its log is whatever it had fsynced. It sees the higher term, becomes a follower, and the new leader sends it the entries it is missing.' },
    { t: '6300ms', text: 'At 6 s a partition cuts {n0, n1, n2} from {n3, n4}. If the leader was on the minority side, it loses its quorum (CheckQuorum) and steps down, and the majority elects a new leader in a higher term.' },
    { t: '8100ms', text: 'At 8 s the partition heals. Servers on the minority side see the higher term and follow the new leader; any entries they could not commit are overwritten. Raft\'s invariants are checked after every event.' },
    { t: '12s', text: 'The end of the run: the client history is checked for linearizability and the verdict is in the summary above. Try crashing the leader yourself and watch the next election on the timeline.' },
  ],
};
