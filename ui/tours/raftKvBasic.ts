// A walk-through of raft-kv-basic (seed 42): an election, replication to a crashed and
// restarted follower, and a partition that forces a new leader on the majority side.
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
    { t: '3100ms', text: 'At 3 s node 0 crashes. Four of five servers are still a majority, so the cluster keeps committing; messages to n0 are dropped.' },
    { t: '5200ms', text: 'At 5 s node 0 restarts from its disk: its log is whatever it had fsynced. The leader finds where n0\'s log diverges and sends the entries it is missing.' },
    { t: '6300ms', text: 'At 6 s a partition cuts {n0, n1, n2} from {n3, n4}. If the leader was on the minority side, it loses its quorum (CheckQuorum) and steps down, and the majority elects a new leader in a higher term.' },
    { t: '8100ms', text: 'At 8 s the partition heals. Servers on the minority side see the higher term and follow the new leader; any entries they could not commit are overwritten. Raft\'s invariants are checked after every event.' },
    { t: '12s', text: 'The end of the run: the client history is checked for linearizability and the verdict is in the summary above. Try crashing the leader yourself and watch the next election on the timeline.' },
  ],
};
