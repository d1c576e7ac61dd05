// Log compaction and InstallSnapshot in raft-snapshot (seed 1).
import type { Tour } from './types.ts';

export const snapshotTour: Tour = {
  id: 'snapshot',
  title: 'Snapshots and log compaction',
  category: 'snapshot',
  scenario: 'raft-snapshot',
  seed: 1,
  steps: [
    { t: '1900ms', until: '2000ms', speed: 0.05, tab: 'replicated-log', text: 'Every server takes a snapshot of its key-value store and compacts its log every 40 applied entries, so logs stay short; entries in a snapshot are hatched in the Logs tab. n3 leads term 1.' },
    { t: '2000ms', until: '2300ms', speed: 0.2, node: 4, text: 'At 2 s n4 crashes for three seconds. Its row in the Logs tab stops where it was; the others go on committing, applying and compacting well past it.' },
    { t: '4990ms', until: '5009ms', speed: 0.01, node: 4, tab: 'replicated-log', text: 'At 5 s n4 restarts from its disk and answers the leader. The entries it is missing are no longer in n3\'s log: they were compacted into the snapshot. So n3 sends MsgSnap (the hexagon) with its whole state machine instead of entries; it reaches n4 at 5.008 s.' },
    { t: '5009ms', until: '5060ms', speed: 0.01, node: 4, tab: 'replicated-log', text: 'n4 installs the snapshot (its snapshot index jumps to the leader\'s) and then receives the entries after it by MsgApp. State machine safety holds: its store after the snapshot equals the others\' at the same index.' },
  ],
};
