// The simulation worker: runs the same sim/ code as the CLI off the page's main thread.
//
// Contract: exposed with comlink. `open` builds a live session; `frame` performs one
// action (run to a time, run for a wall-time budget, step, seek) and returns the whole
// frame in one reply; `summarize` runs a session to its end for the hash, markers and
// charts. The page uses one worker for the live view and a second for summaries, so a
// long full run never stalls the animation. Wall-clock reads here only bound how long a
// request may take; they never reach the simulation.
import { expose } from 'comlink';
import { prepareScenario } from '../../sim/workloads/registry.ts';
import { loadUserWorkloads } from '../lib/userBundle.ts';
import { LiveSession } from './liveSession.ts';
import type { Frame, FrameRequest, SessionSpec, Summary } from './protocol.ts';
import { summarize, type Progress } from './summary.ts';
import { telemetryFiles, type TelemetryFiles } from './telemetryFiles.ts';

const wallNowMs = (): number => performance.now();

let live: LiveSession | null = null;
/** The users' workload modules, loaded once before the first session (see userBundle.ts). */
const ready = loadUserWorkloads();

export const simApi = {
  /** Builds the live world at time zero (after loading the users' workloads and what the workload needs); returns how long that took, ms. */
  async open(spec: SessionSpec): Promise<number> {
    await ready;
    await prepareScenario(spec.scenario);
    const t0 = wallNowMs();
    live = new LiveSession(spec, wallNowMs);
    return wallNowMs() - t0;
  },

  frame(req: FrameRequest): Frame {
    if (live === null) throw new Error('simulation worker: open a session before asking for frames');
    return live.frame(req);
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
