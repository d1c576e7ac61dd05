// A walk-through of heartbeat-crash (seed 42): how a timeout-based failure detector trades
// speed for accuracy, seen through one crash and one partition.
import type { Tour } from './types.ts';

export const heartbeatCrashTour: Tour = {
  id: 'heartbeat-crash',
  title: 'A failure detector meets a crash and a partition',
  category: 'failure detection',
  scenario: 'heartbeat-crash',
  seed: 42,
  steps: [
    { t: '500ms', text: 'Five nodes run a heartbeat failure detector. Every 100 ms each node sends a heartbeat to every peer (the dots travelling along the links). A peer not heard from for 500 ms is suspected. Under each node: its durable epoch and whom it suspects.' },
    { t: '1900ms', text: 'Steady state: everyone trusts everyone. The chart below counts deliveries: 5 nodes × 4 peers × 10 heartbeats a second is 200 messages per second.' },
    { t: '2s', node: 2, text: 'At 2 s the scenario crashes node 2. Its process and any unsynced disk writes are gone; heartbeats sent to it are dropped on arrival (the red crosses).' },
    { t: '2000ms', until: '2600ms', speed: 0.2, node: 2, text: 'Nobody has noticed yet: 500 ms have not passed since n2\'s last heartbeat. From outside, a crashed node and a slow one look the same until the timeout expires.' },
    { t: '2600ms', text: 'At 2.6 s all four survivors suspect n2: the timeout plus up to one check interval after the crash. A shorter timeout would detect faster, and would also suspect healthy nodes that are merely slow.' },
    { t: '3s', text: 'At 3 s a partition cuts {n0, n1} from {n3, n4}: the red dashed links. Messages across the cut are dropped when they are sent.' },
    { t: '3600ms', text: 'Each side now suspects the other side. From inside, a partition is indistinguishable from a crash: the detector is complete (it suspects every dead node) but not accurate (it suspects live ones too).' },
    { t: '5s', node: 2, text: 'At 5 s node 2 restarts from its disk alone and the partition heals. The restart bumps n2\'s durable epoch, so peers can tell its new heartbeats from delayed ones of its past life.' },
    { t: '5110ms', text: 'Within one heartbeat interval of healing, every node trusts every other again. The liveness check at 7 s (2 s after the last heal) holds, so the run passes: see the hash and PASS above.' },
    { t: '6s', text: 'Your turn: click a node to crash, pause or throttle it, or click a link to cut it or make it slow and lossy. Each action is recorded as a fault at this moment; the timeline, the charts and the trace hash change, and "Export" writes a scenario file the CLI replays to the same hash.' },
  ],
};
