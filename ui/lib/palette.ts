// The page's colours, in one place: node roles, statuses, message types, marker kinds.
//
// Contract: a message type always gets the same colour: the types a workload names in its
// `ui.messageColors` (sim/workloads) have colours chosen to be told apart; any other type
// gets one from a fixed list by a hash of its name (FNV-1a, core/hash), so colours never
// depend on the order types were first seen. Role colours come from the workloads'
// `ui.roleColors` likewise.
import { fnv1a32 } from '../../core/hash/fnv.ts';
import { registeredWorkloads } from '../../sim/workloads/registry.ts';
import type { MessageShape } from '../../sim/workloads/workload.ts';

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
let merged: { count: number; roles: Record<string, string>; types: Record<string, string>; shapes: Record<string, MessageShape> } = { count: -1, roles: {}, types: {}, shapes: {} };

function workloadColors(): typeof merged {
  const all = registeredWorkloads();
  if (merged.count === all.length) return merged;
  const roles: Record<string, string> = { ...BASE_ROLE_COLORS };
  const types: Record<string, string> = {};
  const shapes: Record<string, MessageShape> = {};
  for (const w of all) {
    for (const [k, c] of Object.entries(w.ui?.roleColors ?? {})) roles[k.toLowerCase()] ??= c;
    for (const [k, c] of Object.entries(w.ui?.messageColors ?? {})) types[k] ??= c;
    for (const [k, c] of Object.entries(w.ui?.messageShapes ?? {})) shapes[k] ??= c;
  }
  merged = { count: all.length, roles, types, shapes };
  return merged;
}

const FALLBACK = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];

export function typeColor(type: string): string {
  return workloadColors().types[type] ?? FALLBACK[fnv1a32(type) % FALLBACK.length];
}

/** The shape a message type is drawn in (its family's, from the workloads' ui.messageShapes); circle by default. */
export function typeShape(type: string): MessageShape {
  return workloadColors().shapes[type] ?? 'circle';
}

export function roleColor(role: string): string {
  return workloadColors().roles[role.toLowerCase()] ?? '#4e5d70';
}

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** The contrast ratio of a #rrggbb colour against white (WCAG's formula). */
export function contrastOnWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

const textColors = new Map<string, string>();

/** A colour darkened just enough to read as small text on white (contrast 4.5:1 or more), same hue. */
export function readableOnWhite(hex: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex;
  const cached = textColors.get(hex);
  if (cached !== undefined) return cached;
  let out = hex;
  for (let k = 1; k > 0.2 && contrastOnWhite(out) < 4.6; k -= 0.04) {
    out = `#${[1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * k).toString(16).padStart(2, '0')).join('')}`;
  }
  textColors.set(hex, out);
  return out;
}

/** A role's colour for text (labels, table cells): the role colour, darkened to be readable. */
export function roleTextColor(role: string): string {
  return readableOnWhite(roleColor(role));
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

/** Colours for terms: neighbouring terms differ, and white text on each reads at 4.5:1 or better. */
const TERM_COLORS = ['#1f5fa8', '#a44a12', '#2e7d32', '#8e3b8f', '#b0262a', '#00695c', '#6d4c41', '#3949ab', '#6b5a00', '#455a64'];

/** A colour per Raft term (or any epoch number). */
export function termColor(term: number): string {
  return TERM_COLORS[((term % TERM_COLORS.length) + TERM_COLORS.length) % TERM_COLORS.length];
}
