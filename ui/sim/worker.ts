// The simulation worker: runs the same sim/ code as the CLI off the page's main thread.
//
// Contract: exposed with comlink. `open` builds a live session; `frame` performs one
// action (run to a time, run for a wall-time budget, step, seek) and returns the whole
// frame in one reply; `summarize` runs a session to its end for the hash, markers and
// charts. The page uses one worker for the live view and a second for summaries, so a
// long full run never stalls the animation. While no request has come for IDLE_AFTER_MS,
// the live worker fills the session's seek cache in slices of IDLE_SLICE_MS (a request
// waits at most one slice), and after a frame of an unfinished seek it runs on toward the
// seek's target at once, while the page draws that frame; the page holds the filling
// while the other worker computes a verdict (`holdIdleWork`); `keyframes` tells the page how far that is. Wall-clock reads
// and timers here only bound and pace the work; they never reach the simulation.
import { expose } from 'comlink';
import { prepareScenario } from '../../sim/workloads/registry.ts';
import { loadUserWorkloads } from '../lib/userBundle.ts';
import type { KeyframeStatus } from './keyframes.ts';
import { LiveSession } from './liveSession.ts';
import type { Frame, FrameRequest, SessionSpec, Summary } from './protocol.ts';
import { summarize, type Progress } from './summary.ts';
import { telemetryFiles, type TelemetryFiles } from './telemetryFiles.ts';

const wallNowMs = (): number => performance.now();

/** The worker fills the seek cache only after this long without a request, ms. */
const IDLE_AFTER_MS = 100;
/** One slice of cache filling, ms: the longest a request waits behind it. */
const IDLE_SLICE_MS = 12;
/** One slice of running on toward an unfinished seek's target, ms (the page asks for that seek again). */
const SEEK_SLICE_MS = 30;

let live: LiveSession | null = null;
/** The users' workload modules, loaded once before the first session (see userBundle.ts). */
const ready = loadUserWorkloads();
let lastRequestMs = 0;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let idleAtMs = Infinity;
/** The page holds the cache's filling while it waits for a full run's verdict (the two would share the cores). */
let held = false;

/** Schedules the next slice of idle work `delayMs` from now (an earlier one already scheduled stands). */
function scheduleIdle(delayMs: number): void {
  if (live === null) return;
  const at = wallNowMs() + delayMs;
  if (idleTimer !== null) {
    if (idleAtMs <= at) return;
    clearTimeout(idleTimer);
  }
  idleAtMs = at;
  idleTimer = setTimeout(idleSlice, delayMs);
}

function idleSlice(): void {
  idleTimer = null;
  idleAtMs = Infinity;
  const session = live;
  if (session === null) return;
  if (session.seeking) {
    session.prepare(SEEK_SLICE_MS);
    scheduleIdle(0);
    return;
  }
  if (held) return;
  const quietMs = wallNowMs() - lastRequestMs;
  if (quietMs < IDLE_AFTER_MS) { scheduleIdle(IDLE_AFTER_MS - quietMs); return; }
  if (session.prepare(IDLE_SLICE_MS)) scheduleIdle(0);
}

function requested(): void {
  lastRequestMs = wallNowMs();
  scheduleIdle(live?.seeking === true ? 0 : IDLE_AFTER_MS);
}

export const simApi = {
  /** Builds the live world at time zero (after loading the users' workloads and what the workload needs); returns how long that took, ms. */
  async open(spec: SessionSpec): Promise<number> {
    await ready;
    await prepareScenario(spec.scenario);
    const t0 = wallNowMs();
    live = new LiveSession(spec, wallNowMs);
    requested();
    return wallNowMs() - t0;
  },

  frame(req: FrameRequest): Frame {
    if (live === null) throw new Error('simulation worker: open a session before asking for frames');
    const f = live.frame(req);
    requested();
    return f;
  },

  /** Holds (true) or resumes (false) filling the seek cache in idle time; an unfinished seek goes on either way. */
  holdIdleWork(hold: boolean): void {
    held = hold;
    if (!hold) scheduleIdle(IDLE_AFTER_MS);
  },

  /** How far the live session's seek cache is (asking does not delay its filling). */
  keyframes(): KeyframeStatus | null {
    return live?.keyframeStatus ?? null;
  },

  /** The full run; `onProgress` (a comlink proxy) hears the fraction done now and then. */
  async summarize(spec: SessionSpec, onProgress?: Progress): Promise<Summary> {
    await ready;
    await prepareScenario(spec.scenario);
    return summarize(spec, wallNowMs, onProgress === undefined ? undefined : (f) => void onProgress(f));
  },

  /** The session's metrics, traces and logs as the CLI's telemetry files would hold them. */
  async telemetry(spec: SessionSpec): Promise<TelemetryFiles> {
    await ready;
    return telemetryFiles(spec);
  },
};

export type SimApi = typeof simApi;

expose(simApi);
