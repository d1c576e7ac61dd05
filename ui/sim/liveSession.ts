// The world the page is looking at: built from (scenario, seed, interventions), moved
// forward by play and step, and moved to any moment by a seek.
//
// Contract: the state shown at time t is a pure function of (scenario, seed,
// interventions, t): moving forward runs the same kernel the CLI runs, and a seek starts
// from the latest world of the session's seek cache (keyframes.ts) not past its target,
// or from a new world at zero, and runs on to it. Chunking a run into frames never
// changes it: the kernel's order depends only on event keys. So a frame taken after a
// seek equals the frame a straight run to that moment gives, whichever world it came
// from. A seek jumps over time the user did not watch: it animates no drops or deliveries
// and marks no overwritten log entries. Worlds are built by sim/run's buildRun, the
// function the CLI's runScenario uses.
import type { Micros } from '../../core/env.ts';
import { DEFAULT_LINK, type LinkProfile } from '../../sim/net/link.ts';
import { EVENTS_MAX_DEFAULT } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { toLinkProfile } from '../../sim/scenario/topology.ts';
import { sessionScenario } from '../lib/sessionScenario.ts';
import type { Frame, FrameAction, FrameRequest, LogEvent, SessionSpec } from './protocol.ts';
import type { RagScenario } from '../../sim/workloads/rag/ragScenario.ts';
import { RETRIEVAL_PANEL, ragView } from './ragView.ts';
import { findWorkload } from '../../sim/workloads/registry.ts';
import type { WorkloadUi } from '../../sim/workloads/workload.ts';
import { flightViews, hostViews, linkViews, logViews, nodeDetails, OverwriteTracker, slowReason, withFields } from './worldViews.ts';
import { Keyframes, type KeyframeStatus } from './keyframes.ts';
import { Track, type WallClock } from './track.ts';

export { RING_CAPACITY, type WallClock } from './track.ts';
/** Drops and delivery pulses a frame carries at most. */
export const DROPS_PER_FRAME_MAX = 60;
export const PULSES_PER_FRAME_MAX = 200;

export interface SessionOptions {
  /** Keyframes the seek cache places at most (default keyframes.ts's SLOTS_MAX). */
  slotsMax?: number;
  /** The estimated heap the parked worlds may hold together, bytes (default keyframes.ts's PARKED_BYTES_MAX). */
  bytesMax?: number;
}

export class LiveSession {
  private live: Track;
  private readonly keyframes: Keyframes;
  private drops: LogEvent[] = [];
  private pulses = new Map<string, [number, number, string, number]>();
  private stepped: LogEvent | null = null;
  private seekingToUs: Micros | null = null;
  /** Where the last, unfinished seek is going, until the next request: idle time runs on toward it. */
  private pendingSeekUs: Micros | null = null;
  private readonly scenario: Scenario;
  private readonly endUs: Micros;
  private readonly baseLink: LinkProfile;
  private readonly ui: WorkloadUi | undefined;
  private readonly overwrites = new OverwriteTracker();

  constructor(private readonly spec: SessionSpec, private readonly wallNowMs: WallClock, opts: SessionOptions = {}) {
    this.scenario = sessionScenario(spec.scenario, spec.seed, spec.interventions);
    this.endUs = this.scenario.duration;
    this.baseLink = toLinkProfile(this.scenario.topology.link, DEFAULT_LINK);
    this.ui = findWorkload(this.scenario.workload)?.ui;
    const retrieval = this.ui?.panels?.includes(RETRIEVAL_PANEL) === true;
    const make = (): Track => new Track(this.scenario, this.spec.seed, retrieval);
    this.keyframes = new Keyframes(make, this.endUs, wallNowMs, opts.slotsMax, opts.bytesMax);
    this.live = make();
    this.live.observer = this.onEvent;
  }

  get nowUs(): Micros {
    return this.live.nowUs;
  }

  /**
   * Works for about `wallMs` of wall time while the page has asked for nothing (the worker
   * calls it): first on toward an unfinished seek's target (the page is about to ask again;
   * nothing of it is animated), then on the seek cache. Returns whether work remains.
   */
  prepare(wallMs: number): boolean {
    const to = this.pendingSeekUs;
    if (to === null) return this.keyframes.prepare(wallMs, this.live);
    this.live.observer = null;
    if (this.live.runFor(to, wallMs, this.wallNowMs, this.keyframes.pace)) this.pendingSeekUs = null;
    this.live.observer = this.onEvent;
    return true;
  }

  /** Whether an unfinished seek is under way (idle work then goes on at once). */
  get seeking(): boolean {
    return this.pendingSeekUs !== null;
  }

  get keyframeStatus(): KeyframeStatus {
    return this.keyframes.status(this.live);
  }

  private readonly onEvent = (index: number, t: Micros, node: number, kind: string, from: number, tag: string): void => {
    if (kind === 'drop') {
      if (this.drops.length >= DROPS_PER_FRAME_MAX) this.drops.shift();
      this.drops.push({ index, t, node, kind, from, tag });
    } else if (kind === 'msg') {
      const key = `${from}>${node}>${tag}`;
      const p = this.pulses.get(key);
      if (p !== undefined) p[3]++;
      else if (this.pulses.size < PULSES_PER_FRAME_MAX) this.pulses.set(key, [from, node, tag, 1]);
    }
  };

  frame(req: FrameRequest): Frame {
    const t0 = this.wallNowMs();
    this.stepped = null;
    this.seekingToUs = null;
    this.pendingSeekUs = null;
    const replayed = this.act(req.action);
    if (req.action.kind === 'seek') {
      // A seek jumps over time the user did not watch: its drops and deliveries are not animated.
      this.drops = [];
      this.pulses.clear();
    }
    const frame = this.snapshot(req, replayed, t0);
    this.drops = [];
    this.pulses = new Map();
    return frame;
  }

  private act(a: FrameAction): boolean {
    switch (a.kind) {
      case 'none': return false;
      case 'run': this.live.runTo(this.clamp(a.toUs)); return false;
      case 'budget': this.live.runFor(this.endUs, a.wallMs, this.wallNowMs, this.keyframes.pace); return false;
      case 'step': this.step(); return false;
      case 'seek': return this.seek(a.toUs, a.wallMs);
    }
  }

  private clamp(toUs: Micros): Micros {
    return Math.min(this.endUs, Math.max(0, Math.round(toUs)));
  }

  /** Runs until the next event that reaches the trace (stale timers leave none). */
  private step(): void {
    const w = this.live.world;
    const before = this.live.traced;
    if (w.kernel.queue.peekTime() > this.endUs) return;
    w.run({ timeUs: this.endUs, eventsMax: EVENTS_MAX_DEFAULT, until: () => this.live.traced > before });
    this.stepped = this.live.traced > before ? this.live.ring.newest() : null;
  }

  /**
   * Moves to `toUs`: from the latest world of the seek cache not past it (the live one, a
   * keyframe, or a new one at zero). Returns whether it went back in time. With `wallMs`,
   * it stops after about that much wall time; the frame then says where it was going
   * (`seekingToUs`), and the page asks again to go on, showing progress.
   */
  private seek(toUs: Micros, wallMs?: number): boolean {
    const target = this.clamp(toUs);
    const back = target < this.live.nowUs;
    const from = this.keyframes.take(target, this.live);
    if (from !== this.live) {
      this.live.observer = null;
      this.keyframes.park(this.live);
      this.live = from;
      this.live.observer = this.onEvent;
    }
    this.overwrites.clear();
    const done = wallMs === undefined ? (this.live.runTo(target), true) : this.live.runFor(target, wallMs, this.wallNowMs, this.keyframes.pace);
    this.seekingToUs = done ? null : target;
    this.pendingSeekUs = this.seekingToUs;
    return back;
  }

  private snapshot(req: FrameRequest, replayed: boolean, t0: number): Frame {
    const w = this.live.world;
    const flights = flightViews(w, this.ui);
    withFields(w, flights.shown);
    const { hosts, details } = hostViews(w, this.ui);
    const next = w.kernel.queue.peekTime();
    return {
      tUs: w.nowUs,
      endUs: this.endUs,
      executed: w.kernel.executed,
      traced: this.live.traced,
      hashSoFar: w.trace.digest(),
      hosts,
      inFlight: flights.shown,
      inFlightTotal: flights.total,
      links: linkViews(w, this.baseLink),
      drops: this.drops,
      pulses: [...this.pulses.values()],
      log: req.log === null ? null : this.live.ring.latest(req.log),
      stepped: this.stepped,
      nextEventUs: next <= this.endUs ? next : null,
      violations: w.violations.slice(0, 50),
      details: req.selected === null ? null : nodeDetails(w, req.selected),
      rag: req.rag == null || this.live.recent === null ? null : ragView(w, this.scenario as RagScenario, this.live.recent, req.rag),
      replayed,
      seekingToUs: this.seekingToUs,
      logs: this.overwrites.update(logViews(details), w.nowUs),
      slow: slowReason(this.ui, hosts, flights.shown),
      workMs: this.wallNowMs() - t0,
    };
  }
}
