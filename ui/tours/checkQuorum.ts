// A partition and CheckQuorum in net-leader-isolated (seed 1): the isolated leader steps
// down by itself, the majority elects a new one, the old one rejoins as a follower.
import type { Tour } from './types.ts';

export const checkQuorumTour: Tour = {
  id: 'check-quorum',
  title: 'A partition and CheckQuorum',
  category: 'partition and CheckQuorum',
  scenario: 'net-leader-isolated',
  seed: 1,
  steps: [
    { t: '2950ms', until: '3010ms', speed: 0.02, node: 3, text: 'n3 leads term 1. At 3 s the scenario isolates whoever leads: every link to n3 is cut (red, dashed), clients included. Messages sent across a cut are dropped as they leave (the red crosses).' },
    { t: '3010ms', until: '3170ms', speed: 0.04, node: 3, text: 'n3 cannot tell a cut network from slow followers. With CheckQuorum on, a leader checks every election timeout whether it heard from a quorum; at 3.167 s it has not, and it steps down to follower by itself. A leader that cannot reach a majority stops acting as one.' },
    { t: '3140ms', until: '3168ms', speed: 0.01, text: 'On the majority side the followers\' timers run out. n2 times out first (3.151 s): it pre-votes, stands for term 2 and wins at 3.165 s with the votes of the servers on its side (the purple arrows), 2 ms before n3 steps down: for that moment two servers believe they lead, in different terms.' },
    { t: '3340ms', until: '3360ms', speed: 0.01, node: 3, text: 'Alone, n3 keeps timing out and pre-voting, but no pre-vote reaches anyone, so it never raises its term. This is why pre-vote matters: when it returns it does not force the healthy cluster into a new election.' },
    { t: '5995ms', until: '6030ms', speed: 0.01, node: 3, tab: 'replicated-log', text: 'At 6 s the cut heals. n3 hears term 2 from n2 and follows it (6.016 s); the Logs tab shows its log brought in line with the leader\'s. Any entry it had appended but not committed would be overwritten here.' },
  ],
};
