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

export function toLinkProfile(spec: LinkSpec, base: LinkProfile): LinkProfile {
  return {
    ...base,
    latency: spec.latency !== undefined ? toLatency(spec.latency) : base.latency,
    loss: spec.loss ?? base.loss,
    duplicate: spec.duplicate ?? base.duplicate,
    reorder: spec.reorder ?? base.reorder,
    corrupt: spec.corrupt ?? base.corrupt,
    bandwidthBytesPerS: spec.bandwidthBytesPerS ?? base.bandwidthBytesPerS,
  };
}
