// Lease reads against ReadIndex reads in raft-lease-reads (seed 1).
import type { Tour } from './types.ts';

export const leaseReadsTour: Tour = {
  id: 'lease-reads',
  title: 'Lease reads and ReadIndex reads',
  category: 'lease vs ReadIndex reads',
  scenario: 'raft-lease-reads',
  seed: 1,
  steps: [
    { t: '1s', until: '1020ms', speed: 0.005, tab: 'metrics', text: 'Clients here mostly read. The leader n3 answers a read from its lease (raft.readMode lease): it has heard from a quorum within an election timeout, so no other leader can exist yet, and it replies at once. The default, ReadIndex (readMode safe, as in raft-kv-basic), first confirms leadership with a round of heartbeats for every read: one more round trip per read. Compare the latency in Metrics with raft-kv-basic\'s.' },
    { t: '3s', until: '3225ms', speed: 0.05, node: 3, text: 'At 3 s n3 is isolated. n4 is elected at 3.214 s, but n3 steps down only at 3.222 s: for 8 ms two servers believe they lead. No client can reach n3 here, so no stale read is served; a lease is safe only if the old leader\'s lease surely ends before a new leader can be elected, which assumes clocks that run at the same rate.' },
    { t: '5s', until: '5010ms', speed: 0.01, text: 'The cut heals at 5 s and n3 follows term 2. The history checks as linearizable. To see what reads without either check return, open teeth-read-without-read-index: the linearizability checker catches the stale reads (its FAIL badge opens the violation).' },
  ],
};
