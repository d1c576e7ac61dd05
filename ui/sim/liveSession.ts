// The world the page is looking at: built from (scenario, seed, interventions), moved
// forward by play and step, and rebuilt from time zero to travel backwards.
//
// Contract: the state shown at time t is a pure function of (scenario, seed,
// interventions, t): moving forward runs the same kernel the CLI runs, and going back
// replays from zero (the world holds closures, so it cannot be copied). Chunking a run
// into frames never changes it: the kernel's order depends only on event keys. The world
// is built by sim/run's buildRun, the function the CLI's runScenario uses.
import type { Micros } from '../../core/env.ts';
import { DEFAULT_LINK, type LinkProfile } from '../../sim/net/link.ts';
import { buildRun, EVENTS_MAX_DEFAULT } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { toLinkProfile } from '../../sim/scenario/topology.ts';
import type { World } from '../../sim/world/world.ts';
import { sessionScenario } from '../lib/sessionScenario.ts';
import { EventRing } from './eventRing.ts';
import type { Frame, FrameAction, FrameRequest, LogEvent, SessionSpec } from './protocol.ts';
import type { RagScenario } from '../../sim/workloads/rag/ragScenario.ts';
import { RETRIEVAL_PANEL, ragView, RecentAnswers } from './ragView.ts';
import { tapTrace } from './traceTap.ts';
import { findWorkload } from '../../sim/workloads/registry.ts';
import type { WorkloadUi } from '../../sim/workloads/workload.ts';
import { flightViews, hostViews, linkViews, logViews, nodeDetails, OverwriteTracker, slowReason, withFields } from './worldViews.ts';

/** Events the log can look back over. */
export const RING_CAPACITY = 20_000;
/** Drops and delivery pulses a frame carries at most. */
export const DROPS_PER_FRAME_MAX = 60;
export const PULSES_PER_FRAME_MAX = 200;
/** Kernel events run between wall-clock checks in as-fast-as-possible mode. */
const BUDGET_SLICE_EVENTS = 400;

export type WallClock = () => number;

export class LiveSession {
  private world!: World;
  private readonly ring = new EventRing(RING_CAPACITY);
  private traced = 0;
  private drops: LogEvent[] = [];
  private pulses = new Map<string, [number, number, string, number]>();
  private stepped: LogEvent | null = null;
  private seekingToUs: Micros | null = null;
  private readonly scenario: Scenario;
  private readonly endUs: Micros;
  private readonly baseLink: LinkProfile;
  private readonly ui: WorkloadUi | undefined;
  private readonly overwrites = new OverwriteTracker();
  /** The run's latest retrieval answers (workloads that offer the retrieval panel only). */
  private recent: RecentAnswers | null = null;

  constructor(private readonly spec: SessionSpec, private readonly wallNowMs: WallClock) {
    this.scenario = sessionScenario(spec.scenario, spec.seed, spec.interventions);
    this.endUs = this.scenario.duration;
    this.baseLink = toLinkProfile(this.scenario.topology.link, DEFAULT_LINK);
    this.ui = findWorkload(this.scenario.workload)?.ui;
    this.rebuild();
  }

  get nowUs(): Micros {
    return this.world.nowUs;
  }

  private rebuild(): void {
    const { world } = buildRun(this.scenario, this.spec.seed, false);
    this.world = world;
    this.recent = this.ui?.panels?.includes(RETRIEVAL_PANEL) === true ? new RecentAnswers(world) : null;
    this.ring.clear();
    this.overwrites.clear();
    this.traced = 0;
    tapTrace(world.trace, (t, node, kind, from, tag) => this.onEvent({ index: this.traced++, t, node, kind, from, tag }));
  }

  private onEvent(e: LogEvent): void {
    this.ring.push(e);
    if (e.kind === 'drop') {
      if (this.drops.length >= DROPS_PER_FRAME_MAX) this.drops.shift();
      this.drops.push(e);
    } else if (e.kind === 'msg') {
      const key = `${e.from}>${e.node}>${e.tag}`;
      const p = this.pulses.get(key);
      if (p !== undefined) p[3]++;
      else if (this.pulses.size < PULSES_PER_FRAME_MAX) this.pulses.set(key, [e.from, e.node, e.tag, 1]);
    }
  }

  frame(req: FrameRequest): Frame {
    const t0 = this.wallNowMs();
    this.stepped = null;
    this.seekingToUs = null;
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
      case 'run': this.runTo(a.toUs); return false;
      case 'budget': this.runFor(a.wallMs); return false;
      case 'step': this.step(); return false;
      case 'seek': return this.seek(a.toUs, a.wallMs);
    }
  }

  private runTo(toUs: Micros): void {
    const target = Math.min(this.endUs, Math.max(this.world.nowUs, Math.round(toUs)));
    this.world.run({ timeUs: target, eventsMax: EVENTS_MAX_DEFAULT });
  }

  /**
   * Runs toward `toUs` (default: the end) for about `wallMs` of wall time, in slices of
   * events; returns whether it got there (every event up to `toUs` done).
   */
  private runFor(wallMs: number, toUs: Micros = this.endUs): boolean {
    const start = this.wallNowMs();
    const target = Math.min(this.endUs, toUs);
    for (;;) {
      const reason = this.world.run({ timeUs: target, eventsMax: this.world.kernel.executed + BUDGET_SLICE_EVENTS });
      if (reason !== 'events') return true;
      if (this.wallNowMs() - start >= wallMs) return false;
    }
  }

  /** Runs until the next event that reaches the trace (stale timers leave none). */
  private step(): void {
    const before = this.traced;
    if (this.world.kernel.queue.peekTime() > this.endUs) return;
    this.world.run({ timeUs: this.endUs, eventsMax: EVENTS_MAX_DEFAULT, until: () => this.traced > before });
    this.stepped = this.traced > before ? this.ring.latest({ nodes: null, kinds: null, limit: 1 })[0] ?? null : null;
  }

  /**
   * Moves to `toUs`, replaying from zero when that lies in the past. Returns whether it
   * replayed. With `wallMs`, it stops after about that much wall time; the frame then says
   * where it was going (`seekingToUs`), and the page asks again to go on, showing progress.
   */
  private seek(toUs: Micros, wallMs?: number): boolean {
    const target = Math.min(this.endUs, Math.max(0, Math.round(toUs)));
    const back = target < this.world.nowUs;
    if (back) this.rebuild();
    if (wallMs === undefined) this.runTo(target);
    const done = wallMs === undefined || this.runFor(wallMs, target);
    this.seekingToUs = done ? null : target;
    return back;
  }

  private snapshot(req: FrameRequest, replayed: boolean, t0: number): Frame {
    const w = this.world;
    const flights = flightViews(w, this.ui);
    withFields(w, flights.shown);
    const { hosts, details } = hostViews(w, this.ui);
    const next = w.kernel.queue.peekTime();
    return {
      tUs: w.nowUs,
      endUs: this.endUs,
      executed: w.kernel.executed,
      traced: this.traced,
      hashSoFar: w.trace.digest(),
      hosts,
      inFlight: flights.shown,
      inFlightTotal: flights.total,
      links: linkViews(w, this.baseLink),
      drops: this.drops,
      pulses: [...this.pulses.values()],
      log: req.log === null ? null : this.ring.latest(req.log),
      stepped: this.stepped,
      nextEventUs: next <= this.endUs ? next : null,
      violations: w.violations.slice(0, 50),
      details: req.selected === null ? null : nodeDetails(w, req.selected),
      rag: req.rag == null || this.recent === null ? null : ragView(w, this.scenario as RagScenario, this.recent, req.rag),
      replayed,
      seekingToUs: this.seekingToUs,
      logs: this.overwrites.update(logViews(details), w.nowUs),
      slow: slowReason(this.ui, hosts, flights.shown),
      workMs: this.wallNowMs() - t0,
    };
  }
}
