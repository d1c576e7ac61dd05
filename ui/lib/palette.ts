// The page's colours, in one place: node roles, statuses, message types, marker kinds.
//
// Contract: a message type always gets the same colour: known protocol types have fixed
// colours chosen to be told apart; an unknown type gets one from a fixed list by a hash of
// its name, so colours never depend on the order types were first seen.
import { fnv1a32 } from '../../core/hash/fnv.ts';
export const COLORS = {
  ink: '#1d2530',
  muted: '#677487',
  line: '#d5dbe3',
  paper: '#ffffff',
  canvas: '#f4f6f9',
  accent: '#2563c9',
  danger: '#cf3b3b',
  warn: '#c98a0b',
  ok: '#23895b',
} as const;

const ROLE_COLORS: Record<string, string> = {
  leader: '#c98a0b',
  follower: '#2563c9',
  candidate: '#8a4fd1',
  precandidate: '#a77de0',
  client: '#4b8a7a',
  detector: '#2563c9',
  recovering: '#677487',
  down: '#8b94a1',
};

const TYPE_COLORS: Record<string, string> = {
  hb: '#2563c9',
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
};

const FALLBACK = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];

export function typeColor(type: string): string {
  return TYPE_COLORS[type] ?? FALLBACK[fnv1a32(type) % FALLBACK.length];
}

export function roleColor(role: string): string {
  return ROLE_COLORS[role.toLowerCase()] ?? '#4e5d70';
}

export const MARKER_COLORS: Record<string, string> = {
  fault: COLORS.danger,
  heal: COLORS.ok,
  intervention: '#8a4fd1',
  crash: COLORS.danger,
  oom: COLORS.danger,
  restart: COLORS.ok,
  pause: COLORS.warn,
  resume: COLORS.ok,
  role: '#c98a0b',
  suspect: '#d9822b',
  trust: '#5aa77f',
  violation: '#a1161b',
};

/** A colour per node for per-node chart lines (d3's Tableau 10, by node id). */
export const NODE_LINE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
