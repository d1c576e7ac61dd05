// The one wall clock faultline reads: for wallMs in reports, progress and benchmarks.
// It lives outside core/ and sim/ so the simulation itself can never depend on it.
import { performance } from 'node:perf_hooks';

export function wallNowMs(): number {
  return performance.now();
}

/** Resolves after `ms` of wall time (lets the event loop serve requests meanwhile). */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Maps wall time to virtual time at `speed` virtual seconds per wall second, from the
 * moment it is created: the pacing of `faultline serve`.
 */
export class WallPacer {
  private readonly t0 = wallNowMs();

  constructor(readonly speed: number) {}

  /** The virtual time (µs) the run should have reached by now. */
  targetUs(): number {
    return Math.floor((wallNowMs() - this.t0) * 1000 * this.speed);
  }
}

/** CPU time this process has used (user + system), ms: steadier than wall time on a shared machine. */
export function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
