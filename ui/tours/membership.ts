// Membership changes in raft-membership (seed 1): spares join as learners, a learner is
// promoted, a follower and then the leader itself are removed, and a former spare ends up
// leading. The role line under each server says "learner" or "not a member" when its own
// configuration does (ui.membership).
import type { Tour } from './types.ts';

export const membershipTour: Tour = {
  id: 'membership',
  title: 'Membership changes: learners, promotion, removing the leader',
  category: 'membership change',
  scenario: 'raft-membership',
  seed: 1,
  steps: [
    { t: '2340ms', until: '2372ms', speed: 0.02, node: 5, text: 'An operator (n10) changes the cluster through the servers\' admin API. At 2.35 s it asks the leader, n3, to add the idle spare n5 as a learner. A configuration change is a log entry like any other: n3 sends it out in MsgApp (index 90). n5 starts empty, "not a member" in its own eyes. n3 has compacted its log, so it sends n5 a snapshot (MsgSnap, the hexagon); that snapshot was taken before the change and leaves n5 out, and a server refuses a snapshot whose configuration does not include it.' },
    { t: '2500ms', until: '2700ms', speed: 0.2, node: 5, text: 'At 2.5 s n3 crashes. n4 wins the election; its log holds the change, so the snapshot it sends n5 at 2.69 s lists n5 as a learner. n5 installs it: its role line now says learner. A learner receives the whole log but does not vote and does not count towards any quorum, so adding it cannot cost the cluster its majority.' },
    { t: '4660ms', until: '4745ms', speed: 0.05, node: 2, text: 'n0 leads now (the operator transferred leadership to it at 2.94 s and added the second spare, n6, as a learner at 3.3 s). At 4.67 s the operator removes the follower n2: another configuration entry. Once n0 reports it committed (4.74 s), n2 is in no configuration, and the operator retires it: it is shown down.' },
    { t: '5000ms', until: '6500ms', speed: 0.5, text: 'The cluster has four voters now: n0, n1, n3 and n4. The partition at 5 s splits them two and two. Neither side has a majority of four (three), so no side can elect a leader: the precandidates ask and never win, until the partition heals at 6.5 s. The learners n5 and n6 cannot break the tie: they do not vote.' },
    { t: '7000ms', until: '7100ms', speed: 0.05, node: 5, text: 'n1 leads. At 7.02 s the operator, having seen n5\'s log catch up, promotes it (addVoter). When the entry applies, n5\'s role line drops "learner": it is a voter and counts towards quorums from now on.' },
    { t: '7540ms', until: '7620ms', speed: 0.05, node: 1, text: 'At 7.55 s the operator removes the leader itself. n1 replicates the entry that removes it; once it is committed n1 steps down and, by its own configuration, is "not a member". The operator retires it at 7.61 s.' },
    { t: '7620ms', until: '8850ms', speed: 0.5, node: 5, text: 'The remaining voters (n0, n3, n4 and n5) elect n5: the server that joined as an empty spare five seconds earlier now leads. At 8.78 s it removes n4, which is retired at 8.85 s. Through all of it every Raft invariant, the membership check (each node\'s configuration is the one its committed log implies) and the clients\' linearizability held: the verdict is PASS.' },
  ],
};
