// What the page shows for the workloads that run Raft KV servers (raft-kv, load-kv): the
// term chart first; the colours of Raft's roles and message types and a shape per message
// family; the aligned log panel; the election timer and votes drawn on each node; and slow
// motion while an election runs.
import type { WorkloadUi } from './workload.ts';

/** raft-kv's closed-loop clients: kv.invoke starts an operation, kv.complete ends it ('' output: gave up, outcome unknown). */
const KV_OPERATIONS: WorkloadUi['operations'] = {
  start: { event: 'kv.invoke', key: ['clientId', 'rid'] },
  end: { event: 'kv.complete', key: ['clientId', 'rid'], outcomeField: 'output', errors: [''] },
};

export const RAFT_UI: WorkloadUi = {
  metric: 'term',
  roleColors: {
    leader: '#c98a0b',
    follower: '#2563c9',
    candidate: '#8a4fd1',
    precandidate: '#a77de0',
    client: '#4b8a7a',
    recovering: '#677487',
  },
  messageColors: {
    MsgApp: '#23895b',
    MsgAppResp: '#7cbf9d',
    MsgHeartbeat: '#2563c9',
    MsgHeartbeatResp: '#8fb0e6',
    MsgVote: '#8a4fd1',
    MsgVoteResp: '#b99ae6',
    MsgPreVote: '#b05fb8',
    MsgPreVoteResp: '#d7a6dc',
    MsgSnap: '#0f8a8a',
    MsgReadIndex: '#6b7f2a',
    MsgReadIndexResp: '#a5b86a',
    MsgTimeoutNow: '#cf3b3b',
    MsgProp: '#e07b39',
    'kv.req': '#e07b39',
    'kv.resp': '#f0ad7a',
    'kv.redirect': '#b8733e',
  },
  messageShapes: {
    MsgVote: 'diamond', MsgVoteResp: 'diamond', MsgPreVote: 'diamond', MsgPreVoteResp: 'diamond',
    MsgApp: 'square', MsgAppResp: 'square', MsgSnap: 'hexagon',
    MsgHeartbeat: 'circle', MsgHeartbeatResp: 'circle',
    MsgReadIndex: 'bar', MsgReadIndexResp: 'bar', MsgTimeoutNow: 'bar',
    MsgProp: 'triangle', 'kv.req': 'triangle', 'kv.resp': 'triangle', 'kv.redirect': 'triangle',
  },
  refusalField: 'reject',
  panels: ['replicated-log'],
  timer: { elapsed: 'electionElapsed', timeout: 'electionTimeout', label: 'election timeout' },
  vote: { field: 'vote', term: 'term', received: 'votes' },
  slowMotion: { roles: ['candidate', 'precandidate'], messages: ['MsgVote', 'MsgPreVote', 'MsgVoteResp', 'MsgPreVoteResp', 'MsgTimeoutNow'], label: 'election' },
  leaderRole: 'leader',
  membership: { voters: 'voters', learners: 'learners' },
  operations: KV_OPERATIONS,
};

/** load-kv: the same Raft servers; its open-loop clients report each request's outcome and latency in load.done. */
export const LOAD_KV_UI: WorkloadUi = {
  ...RAFT_UI,
  operations: { end: { event: 'load.done', latencyField: 'latencyUs', outcomeField: 'outcome', refused: ['1'], errors: ['2', '3'] } },
};
