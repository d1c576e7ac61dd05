// Leader election in raft-kv-basic (seed 42): randomized timers, pre-vote, votes, and a
// new election after the leader crashes. Times come from this run (see test/browser).
import type { Tour } from './types.ts';

export const electionTour: Tour = {
  id: 'election',
  title: 'Leader election',
  category: 'election',
  scenario: 'raft-kv-basic',
  seed: 42,
  steps: [
    { t: '0ms', until: '150ms', speed: 0.2, text: 'Five Raft servers start as followers with no leader; three clients wait on the right. The arc around each server is its election timer, filling toward a timeout drawn at random between 150 and 300 ms. The randomness makes it likely that one server times out well before the others.' },
    { t: '150ms', until: '166ms', speed: 0.004, node: 1, text: 'n1 times out first, at 158 ms. Pre-vote is on, so it first asks the others whether they would vote for it, without raising its term (MsgPreVote, the diamonds; the arrowheads show the direction). They would: none of them has heard from a leader within its own timeout.' },
    { t: '164ms', until: '173ms', speed: 0.004, node: 1, text: 'n1 becomes a candidate in term 1, votes for itself and sends MsgVote. A server grants one vote per term, and only to a candidate whose log is at least as up to date as its own. The dashed purple arrows show who voted for whom; the ✓ marks under n1 count the votes it has.' },
    { t: '171ms', until: '200ms', speed: 0.01, node: 1, text: 'With 3 of 5 votes, a majority, n1 leads term 1 (gold) at 171 ms. It sends heartbeats (MsgHeartbeat, the circles) at once; each follower that hears one resets its timer, so the arcs empty and nobody else starts an election.' },
    { t: '2990ms', until: '3195ms', speed: 0.04, text: 'At 3 s the leader crashes. Nothing tells the followers: they simply stop hearing heartbeats, and their arcs fill. The first to time out, n3 at 3.179 s, pre-votes and then stands for term 2, and leads it at 3.192 s. Playback slows down by itself around elections (slow motion, in the caption).' },
    { t: '3190ms', node: 3, text: 'Terms only grow: the term chart at the bottom steps up at each election, and the node lanes show who led when (gold). Your turn: select the leader, press c to crash it, and play to watch the next election. Undo (u) takes the crash back.' },
  ],
};
