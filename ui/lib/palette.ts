// The page's colours, in one place: node roles, statuses, message types, marker kinds.
//
// Contract: a message type always gets the same colour: the types a workload names in its
// `ui.messageColors` (sim/workloads) have colours chosen to be told apart; any other type
// gets one from a fixed list by a hash of its name (FNV-1a, core/hash), so colours never
// depend on the order types were first seen. Role colours come from the workloads'
// `ui.roleColors` likewise.
import { fnv1a32 } from '../../core/hash/fnv.ts';
import { registeredWorkloads } from '../../sim/workloads/registry.ts';

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

/** Roles every workload shares (a node's status stands in for a role when it is down). */
const BASE_ROLE_COLORS: Record<string, string> = { down: '#8b94a1' };

/**
 * The workloads' own colours (their `ui.roleColors` and `ui.messageColors`), merged over
 * every registered workload; the first to name a role or type keeps it. Rebuilt when a
 * workload is registered.
 */
let merged: { count: number; roles: Record<string, string>; types: Record<string, string> } = { count: -1, roles: {}, types: {} };

function workloadColors(): typeof merged {
  const all = registeredWorkloads();
  if (merged.count === all.length) return merged;
  const roles: Record<string, string> = { ...BASE_ROLE_COLORS };
  const types: Record<string, string> = {};
  for (const w of all) {
    for (const [k, c] of Object.entries(w.ui?.roleColors ?? {})) roles[k.toLowerCase()] ??= c;
    for (const [k, c] of Object.entries(w.ui?.messageColors ?? {})) types[k] ??= c;
  }
  merged = { count: all.length, roles, types };
  return merged;
}

const FALLBACK = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];

export function typeColor(type: string): string {
  return workloadColors().types[type] ?? FALLBACK[fnv1a32(type) % FALLBACK.length];
}

export function roleColor(role: string): string {
  return workloadColors().roles[role.toLowerCase()] ?? '#4e5d70';
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
  action: '#cf3b3b',
};

/** A colour per node for per-node chart lines (d3's Tableau 10, by node id). */
export const NODE_LINE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
