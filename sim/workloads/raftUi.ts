// What the page shows for the workloads that run Raft KV servers (raft-kv, load-kv): the
// term chart first, and the colours of Raft's roles and message types.
import type { WorkloadUi } from './workload.ts';

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
};
