// Converts scenario link specs into the network's link profiles.
import type { LatencyDist } from '../net/latency.ts';
import type { LinkProfile } from '../net/link.ts';
import type { LinkSpec } from './schema.ts';

export function toLatency(l: NonNullable<LinkSpec['latency']>): LatencyDist {
  switch (l.kind) {
    case 'fixed': return { kind: 'fixed', us: l.value };
    case 'uniform': return { kind: 'uniform', minUs: l.min, maxUs: l.max };
    case 'normal': return { kind: 'normal', meanUs: l.mean, sdUs: l.sd };
    case 'longtail': return { kind: 'longtail', minUs: l.min, alpha: l.alpha, maxUs: l.max };
  }
}

/** The fields a link spec sets, as a partial profile (a fault's layer over a link). */
export function toLinkChange(spec: LinkSpec): Partial<LinkProfile> {
  const c: Partial<LinkProfile> = {};
  if (spec.latency !== undefined) c.latency = toLatency(spec.latency);
  if (spec.loss !== undefined) c.loss = spec.loss;
  if (spec.duplicate !== undefined) c.duplicate = spec.duplicate;
  if (spec.reorder !== undefined) c.reorder = spec.reorder;
  if (spec.corrupt !== undefined) c.corrupt = spec.corrupt;
  if (spec.bandwidthBytesPerS !== undefined) c.bandwidthBytesPerS = spec.bandwidthBytesPerS;
  return c;
}

export function toLinkProfile(spec: LinkSpec, base: LinkProfile): LinkProfile {
  return { ...base, ...toLinkChange(spec) };
}
