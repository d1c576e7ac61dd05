// Human labels for faults: for the timeline, the intervention list, notices and the log.
//
// Contract: pure formatting. `faultLabel` reads a FaultSpec ("cut n0 ↔ n3 for 2s",
// "link n3 ↔ n4: latency 50ms, 20% loss for 6s"), kinds it does not know generically; `actionLabel` reads the name
// the scheduler gives a fault's action in the trace (`crash {"node":2,...}`, `heal
// partition`) and falls back to that name unchanged when it is not a fault's JSON.
import type { Micros } from '../../core/env.ts';
import { formatDuration } from '../../sim/scenario/duration.ts';
import type { FaultSpec, LinkSpec } from '../../sim/scenario/schema.ts';

function nodes(xs: readonly number[]): string {
  return xs.map((x) => `n${x}`).join(',');
}

function forText(durationUs: Micros | undefined): string {
  return durationUs === undefined ? '' : ` for ${formatDuration(durationUs)}`;
}

function latencyText(l: NonNullable<LinkSpec['latency']>): string {
  switch (l.kind) {
    case 'fixed': return formatDuration(l.value);
    case 'uniform': return `${formatDuration(l.min)}–${formatDuration(l.max)}`;
    case 'normal': return `${formatDuration(l.mean)}±${formatDuration(l.sd)}`;
    case 'longtail': return `${formatDuration(l.min)}–${formatDuration(l.max)} long tail`;
  }
}

function pct(p: number): string {
  return `${+(p * 100).toFixed(1)}%`;
}

export function linkSpecText(s: LinkSpec): string {
  const parts: string[] = [];
  if (s.latency !== undefined) parts.push(`latency ${latencyText(s.latency)}`);
  if (s.loss !== undefined) parts.push(`${pct(s.loss)} loss`);
  if (s.duplicate !== undefined) parts.push(`${pct(s.duplicate)} duplicated`);
  if (s.reorder !== undefined) parts.push(`${pct(s.reorder)} reordered`);
  if (s.corrupt !== undefined) parts.push(`${pct(s.corrupt)} corrupted`);
  if (s.bandwidthBytesPerS !== undefined) parts.push(`${s.bandwidthBytesPerS} B/s`);
  return parts.join(', ');
}

function pairText(from: readonly number[], to: readonly number[]): string {
  const same = from.length === to.length && from.every((x) => to.includes(x));
  if (same && from.length === 2) return `n${from[0]} ↔ n${from[1]}`;
  if (same) return `among ${nodes(from)}`;
  return `${nodes(from)} → ${nodes(to)}`;
}

/** A fault as a short sentence: "cut n0 ↔ n3 for 2s". */
export function faultLabel(f: FaultSpec): string {
  const dur = 'duration' in f ? forText(f.duration) : '';
  switch (f.kind) {
    case 'crash': return `crash n${f.node}${f.duration === undefined ? '' : ` (restarts after ${formatDuration(f.duration)})`}`;
    case 'restart': return `restart n${f.node}`;
    case 'shutdown': return `shut down n${f.node}${f.duration === undefined ? '' : ` (restarts after ${formatDuration(f.duration)})`}`;
    case 'pause': return `pause n${f.node}${dur}`;
    case 'partition':
      if (f.groups.length === 2 && f.groups[0].length === 1 && f.groups[1].length === 1) return `cut n${f.groups[0][0]} ↔ n${f.groups[1][0]}${dur}`;
      return `partition ${f.groups.map((g) => `{${nodes(g)}}`).join(' | ')}${dur}`;
    case 'oneway': return `one-way cut ${nodes(f.from)} → ${nodes(f.to)}${dur}`;
    case 'bridge': return `split brain {${nodes(f.left)}} | {${nodes(f.right)}} bridged by n${f.bridge}${dur}`;
    case 'isolate': return `isolate ${nodes(f.nodes)}${dur}`;
    case 'link': return `link ${pairText(f.from, f.to)}: ${linkSpecText(f.set)}${dur}`;
    case 'throttle': return `throttle n${f.node} CPU ÷${f.factor}${dur}`;
    case 'memory': return `memory ballast ${f.bytes} B on n${f.node}${f.duration === undefined ? '' : dur}`;
    case 'clock': return `clock of n${f.node}${f.step === undefined ? '' : ` steps ${f.step} µs`}${f.driftPpm === undefined ? '' : ` drifts ${f.driftPpm} ppm`}`;
    case 'diskFull': return `disk of n${f.node} full${dur}`;
  }
  return genericLabel(f);
}

/** Any fault as "kind n3 · key value · ...", for kinds without a sentence of their own. */
function genericLabel(f: FaultSpec): string {
  const { at: _at, kind, ...rest } = f as unknown as Record<string, unknown>;
  const parts = Object.entries(rest).map(([k, v]) => {
    if (k === 'node' || k === 'bridge') return `n${String(v)}`;
    if (k === 'duration' && typeof v === 'number') return `for ${formatDuration(v)}`;
    return `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
  });
  return [String(kind), ...parts].join(' ');
}

export function actionLabel(name: string): string {
  const space = name.indexOf(' ');
  if (space < 0) return name;
  const kind = name.slice(0, space);
  const rest = name.slice(space + 1);
  if (!rest.startsWith('{')) return name;
  try {
    const fields = JSON.parse(rest) as Record<string, unknown>;
    return faultLabel({ ...fields, kind, at: 0 } as FaultSpec);
  } catch {
    return name;
  }
}

/** Whether a fault action's name is the heal half of a timed fault. */
export function isHealAction(name: string): boolean {
  return /^(heal|restart \d|resume \d|unthrottle|release memory|disk space)/.test(name);
}

/** Actions the scheduler adds that are not faults (boots, end-of-phase checks). */
export function isHousekeepingAction(name: string): boolean {
  return name.startsWith('boot ') || name.startsWith('check ');
}
