// A directed link's profile and its mutable state.
import type { Micros } from '../../core/env.ts';
import type { LatencyDist } from './latency.ts';

export interface LinkProfile {
  latency: LatencyDist;
  /** Extra delay added to every message (latency injection), µs. */
  extraUs: Micros;
  /** Probability a message is lost. */
  loss: number;
  /** Probability a message is delivered twice. */
  duplicate: number;
  /** Probability a message ignores FIFO order (may overtake earlier ones). */
  reorder: number;
  /** Probability a message arrives corrupted. */
  corrupt: number;
  /** Bytes per second on the link; 0 means unlimited. */
  bandwidthBytesPerS: number;
  /** Queueing delay beyond which a bandwidth-capped link tail-drops, µs. */
  queueUsMax: Micros;
}

export const DEFAULT_LINK: LinkProfile = {
  latency: { kind: 'uniform', minUs: 1_000, maxUs: 3_000 },
  extraUs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  corrupt: 0,
  bandwidthBytesPerS: 0,
  queueUsMax: 1_000_000,
};

export interface LinkState {
  profile: LinkProfile;
  /** When the last message on this link arrives; FIFO delivery never goes below it. */
  lastArrivalUs: Micros;
  /** When the link's transmitter is free again (bandwidth cap). */
  busyUntilUs: Micros;
}
