// Interventions: what a user does to the running cluster, recorded as scenario faults.
//
// Contract: every function is pure: it takes the current list and returns a new one.
// An intervention is a FaultSpec at the moment it was made, so a session exports as a
// plain scenario file. Faults the schema requires a duration for (pause, partition,
// link, throttle) start "open": they last until `untilUs` (the caller picks it: where
// the liveness phase begins, see sessionScenario.ts), and undoing them earlier (resume,
// heal, reset) shortens that fault to end at that moment. Adding an intervention
// at a past moment is a fork: the run from there on is replayed with it.
import type { Micros, NodeId } from '../../core/env.ts';
import type { FaultSpec, LinkSpec } from '../../sim/scenario/schema.ts';

export type Interventions = readonly FaultSpec[];

type Timed = Extract<FaultSpec, { duration: number }>;

/** The pause, throttle, cut or link change made by the user that is in force at `at`. */
function activeIndex(list: Interventions, at: Micros, match: (f: FaultSpec) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) {
    const f = list[i];
    if (!match(f) || !('duration' in f) || f.duration === undefined) continue;
    if (f.at <= at && at < f.at + f.duration) return i;
  }
  return -1;
}

/** Ends the fault at index `i` at `at`; a fault that would last zero time is removed. */
function endAt(list: Interventions, i: number, at: Micros): FaultSpec[] {
  const f = list[i] as Timed;
  const out = [...list];
  if (at <= f.at) out.splice(i, 1);
  else out[i] = { ...f, duration: at - f.at } as FaultSpec;
  return out;
}

const samePair = (a: NodeId, b: NodeId) => (f: FaultSpec): boolean =>
  f.kind === 'partition' && f.groups.length === 2 && f.groups[0].length === 1 && f.groups[1].length === 1 &&
  ((f.groups[0][0] === a && f.groups[1][0] === b) || (f.groups[0][0] === b && f.groups[1][0] === a));

const linkOf = (a: NodeId, b: NodeId) => (f: FaultSpec): boolean =>
  f.kind === 'link' && f.from.length === 2 && f.to.length === 2 && f.from.includes(a) && f.from.includes(b) && f.to.includes(a) && f.to.includes(b);

export function crash(list: Interventions, node: NodeId, at: Micros): FaultSpec[] {
  return [...list, { at, kind: 'crash', node }];
}

export function restart(list: Interventions, node: NodeId, at: Micros): FaultSpec[] {
  return [...list, { at, kind: 'restart', node }];
}

export function pause(list: Interventions, node: NodeId, at: Micros, untilUs: Micros): FaultSpec[] {
  return [...list, { at, kind: 'pause', node, duration: Math.max(0, untilUs - at) }];
}

/** The user's pause of `node` in force at `at`, or -1 (a scenario's own pause cannot be undone). */
export function activePause(list: Interventions, node: NodeId, at: Micros): number {
  return activeIndex(list, at, (f) => f.kind === 'pause' && f.node === node);
}

export function resume(list: Interventions, node: NodeId, at: Micros): FaultSpec[] {
  const i = activePause(list, node, at);
  return i < 0 ? [...list] : endAt(list, i, at);
}

export function throttle(list: Interventions, node: NodeId, factor: number, at: Micros, untilUs: Micros): FaultSpec[] {
  const i = activeThrottle(list, node, at);
  const base = i < 0 ? [...list] : endAt(list, i, at);
  return [...base, { at, kind: 'throttle', node, factor, duration: Math.max(0, untilUs - at) }];
}

export function activeThrottle(list: Interventions, node: NodeId, at: Micros): number {
  return activeIndex(list, at, (f) => f.kind === 'throttle' && f.node === node);
}

export function unthrottle(list: Interventions, node: NodeId, at: Micros): FaultSpec[] {
  const i = activeThrottle(list, node, at);
  return i < 0 ? [...list] : endAt(list, i, at);
}

export function cut(list: Interventions, a: NodeId, b: NodeId, at: Micros, untilUs: Micros): FaultSpec[] {
  return [...list, { at, kind: 'partition', groups: [[a], [b]], duration: Math.max(0, untilUs - at) }];
}

export function activeCut(list: Interventions, a: NodeId, b: NodeId, at: Micros): number {
  return activeIndex(list, at, samePair(a, b));
}

export function healCut(list: Interventions, a: NodeId, b: NodeId, at: Micros): FaultSpec[] {
  const i = activeCut(list, a, b, at);
  return i < 0 ? [...list] : endAt(list, i, at);
}

export function activeLink(list: Interventions, a: NodeId, b: NodeId, at: Micros): number {
  return activeIndex(list, at, linkOf(a, b));
}

/** Sets both directions of a link; an earlier change of this link made by the user ends here. */
export function setLink(list: Interventions, a: NodeId, b: NodeId, set: LinkSpec, at: Micros, untilUs: Micros): FaultSpec[] {
  const i = activeLink(list, a, b, at);
  const base = i < 0 ? [...list] : endAt(list, i, at);
  return [...base, { at, kind: 'link', from: [a, b], to: [a, b], set, duration: Math.max(0, untilUs - at) }];
}

export function resetLink(list: Interventions, a: NodeId, b: NodeId, at: Micros): FaultSpec[] {
  const i = activeLink(list, a, b, at);
  return i < 0 ? [...list] : endAt(list, i, at);
}

export function remove(list: Interventions, index: number): FaultSpec[] {
  return list.filter((_, i) => i !== index);
}
