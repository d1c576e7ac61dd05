// The commit rule (the Raft paper's Figure 8) in raft-figure8 (seed 1): a cut-off leader's
// uncommitted entries are overwritten, and a leader commits only entries of its own term
// by counting.
import type { Tour } from './types.ts';

export const figure8Tour: Tour = {
  id: 'figure-8',
  title: 'The commit rule (Figure 8)',
  category: 'commit rule (Figure 8)',
  scenario: 'raft-figure8',
  seed: 1,
  steps: [
    { t: '1400ms', until: '1500ms', speed: 0.05, tab: 'replicated-log', text: 'n3 leads term 1; two clients write about fifteen times a second. The Logs tab lines up every server\'s log by index; the colour is the term of each entry.' },
    { t: '1500ms', until: '1665ms', speed: 0.04, tab: 'replicated-log', text: 'At 1.5 s n3 is cut off from the other servers, but clients still reach it. It appends their writes (dashed: not committed) and cannot replicate them, until CheckQuorum makes it step down at 1.663 s. Meanwhile n4 is elected for term 2 at 1.661 s and takes new writes.' },
    { t: '2095ms', until: '2145ms', speed: 0.01, tab: 'replicated-log', text: 'At 2.1 s the cut heals. n4\'s MsgApp shows n3 that its entry at index 16 (term 1) conflicts with the leader\'s entry there (term 2): n3 deletes it and everything after it and takes the leader\'s entries. The Logs tab marks the replaced entry with its old term struck through. It was never committed, so no client was told it succeeded.' },
    { t: '2800ms', until: '2960ms', speed: 0.05, tab: 'replicated-log', text: 'Figure 8\'s rule: a leader commits by counting replicas only entries of its own term. An entry of an older term, even one stored on a majority, becomes committed only when an entry of the current term after it is committed. So a new leader first appends an empty entry of its term and commits that. Here n4 is cut off and n3 wins term 3 at 2.959 s.' },
    { t: '4100ms', until: '4735ms', speed: 0.2, tab: 'replicated-log', text: 'Third round: n3 is cut off again, n4 leads term 4, and at 4.71 s n3\'s uncommitted entry at index 45 (term 3) is overwritten by term 4. The checkers verify leader completeness and state machine safety after every event; raft.bugs commitOldTermByCounting breaks the rule, and that variant fails them.' },
  ],
};
