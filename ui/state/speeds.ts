// Playback speeds: simulated time per wall-clock time, from slow motion (a message's few
// milliseconds stretched over a visible second) to as fast as the worker can run.
//
// Contract: `MAX_SPEED` (Infinity) means "run for a wall-time budget each frame".
export const MAX_SPEED = Infinity;

export const SPEEDS: readonly number[] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, MAX_SPEED];

export const DEFAULT_SPEED_INDEX = SPEEDS.indexOf(0.05);

/**
 * Slow motion: the speed playback drops to while an election runs (a workload's
 * ui.slowMotion), so a 1-5 ms message crosses the screen in a second or more.
 */
export const SLOW_SPEED = 0.005;

/** The worker's wall-time budget per frame at maximum speed, ms: leaves room to draw at 60 fps. */
export const BUDGET_WALL_MS = 10;

export function speedLabel(factor: number): string {
  if (factor === MAX_SPEED) return 'max';
  return factor >= 1 ? `${factor}×` : `${+factor.toPrecision(2)}×`;
}

/** A tour step that spans time plays at this speed unless it names its own. */
export const DEFAULT_TOUR_SPEED = 0.02;
