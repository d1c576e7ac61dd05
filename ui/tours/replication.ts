// Log replication in raft-kv-basic (seed 42): appends, the commit index, apply, and a
// restarted server catching up.
import type { Tour } from './types.ts';

export const replicationTour: Tour = {
  id: 'replication',
  title: 'Log replication and commit',
  category: 'log replication',
  scenario: 'raft-kv-basic',
  seed: 42,
  steps: [
    { t: '1s', until: '1015ms', speed: 0.004, tab: 'replicated-log', text: 'n1 leads term 1. Clients send their operations (kv.req, the triangles) to it. The leader appends each write to its log and sends MsgApp (the squares) to every follower, carrying the new entries and its commit index. Hover a message, or click it, to read its fields.' },
    { t: '1015ms', until: '1040ms', speed: 0.004, tab: 'replicated-log', text: 'Followers append the entries and answer MsgAppResp. As soon as a majority (3 of 5, the leader included) stores an entry, the leader commits it: ▲ in the Logs tab. Dashed cells are entries a server holds but does not know to be committed yet.' },
    { t: '1040ms', until: '1060ms', speed: 0.004, tab: 'replicated-log', text: 'Followers learn the new commit index from the next MsgApp or heartbeat, and every server applies committed entries to its key-value store in log order (●). The rows line up by index: Log Matching says that two logs with the same index and term at one position agree on everything before it.' },
    { t: '4990ms', until: '5040ms', speed: 0.01, node: 1, tab: 'replicated-log', text: 'n1 crashed at 3 s and restarts at 5 s from its disk: its log holds what it had synced. It hears term 2 from n3, follows it, and n3 sends it the missing entries, many per MsgApp; its row fills up to the others\' in a few round trips.' },
  ],
};
