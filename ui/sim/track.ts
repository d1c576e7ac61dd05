// One world of a session with what the page reads beside it: the event log's ring, the
// count of traced events and, for workloads with the retrieval panel, the latest answers.
//
// Contract: a track is built by sim/run's buildRun, the function the CLI's runScenario
// uses, and only ever moves forward. Its observers (the trace listener, the telemetry
// listener) never change the run, so every track of a session that reaches time t holds
// the same state as every other, whatever chunks it ran in. `runFor` measures its own wall
// time into a shared Pace, which the seek cache uses to space its keyframes.
import type { Micros, NodeId } from '../../core/env.ts';
import { buildRun, EVENTS_MAX_DEFAULT } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { World } from '../../sim/world/world.ts';
import { EventRing } from './eventRing.ts';
import { RecentAnswers } from './ragView.ts';
import { tapTrace } from './traceTap.ts';

/** Events the log can look back over. */
export const RING_CAPACITY = 20_000;
/** Kernel events run between wall-clock checks when a run is bounded by wall time. */
const SLICE_EVENTS = 400;

export type WallClock = () => number;
export type EventObserver = (index: number, t: Micros, node: NodeId, kind: string, from: NodeId, tag: string) => void;

/** How fast this session's worlds simulate here: wall ms spent per simulated µs, summed over bounded runs. */
export class Pace {
  wallMs = 0;
  simulatedUs = 0;

  add(wallMs: number, simulatedUs: Micros): void {
    this.wallMs += wallMs;
    this.simulatedUs += simulatedUs;
  }

  /** Wall ms per simulated µs, or null before anything was measured. */
  get msPerUs(): number | null {
    return this.simulatedUs > 0 ? this.wallMs / this.simulatedUs : null;
  }
}

export class Track {
  readonly world: World;
  readonly ring = new EventRing(RING_CAPACITY);
  traced = 0;
  readonly recent: RecentAnswers | null;
  /** Hears each traced event (the live track only: drops and pulses to animate). */
  observer: EventObserver | null = null;

  constructor(scenario: Scenario, seed: number, retrieval: boolean) {
    const { world } = buildRun(scenario, seed, false);
    this.world = world;
    this.recent = retrieval ? new RecentAnswers(world) : null;
    tapTrace(world.trace, (t, node, kind, from, tag) => {
      const index = this.traced++;
      this.ring.push(t, node, kind, from, tag);
      if (this.observer !== null) this.observer(index, t, node, kind, from, tag);
    });
  }

  get nowUs(): Micros {
    return this.world.nowUs;
  }

  /** Runs every event up to `toUs` (never back). */
  runTo(toUs: Micros): void {
    this.world.run({ timeUs: Math.max(this.world.nowUs, toUs), eventsMax: EVENTS_MAX_DEFAULT });
  }

  /**
   * Runs toward `toUs` for about `wallMs` of wall time, in slices of events; returns
   * whether it got there (every event up to `toUs` done).
   */
  runFor(toUs: Micros, wallMs: number, wallNowMs: WallClock, pace: Pace): boolean {
    const start = wallNowMs();
    const fromUs = this.world.nowUs;
    try {
      for (;;) {
        const reason = this.world.run({ timeUs: Math.max(this.world.nowUs, toUs), eventsMax: this.world.kernel.executed + SLICE_EVENTS });
        if (reason !== 'events') return true;
        if (wallNowMs() - start >= wallMs) return false;
      }
    } finally {
      pace.add(wallNowMs() - start, this.world.nowUs - fromUs);
    }
  }
}
