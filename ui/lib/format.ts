// Number and time formatting for the page.
import type { Micros } from '../../core/env.ts';

/** A time for display with a fixed number of decimals, so digits do not jump while playing. */
export function clockText(us: Micros): string {
  const s = us / 1_000_000;
  if (s >= 60) {
    const m = Math.floor(s / 60);
    return `${m}:${(s - m * 60).toFixed(3).padStart(6, '0')}`;
  }
  return `${s.toFixed(3)}s`;
}

/** A short axis label: 0, 250ms, 1.5s, 2m. */
export function axisText(us: Micros): string {
  if (us === 0) return '0';
  if (us >= 60_000_000 && us % 60_000_000 === 0) return `${us / 60_000_000}m`;
  if (us >= 1_000_000) return `${+(us / 1_000_000).toFixed(2)}s`;
  if (us >= 1_000) return `${+(us / 1_000).toFixed(2)}ms`;
  return `${us}µs`;
}

/** A count with thousands separators (1,234): the CLI's own formatter, one implementation. */
export { formatCount as countText } from '../../sim/kernel/time.ts';

/** A speed factor as text: 0.01×, 1×, 100×. */
export function speedText(factor: number): string {
  return factor >= 1 ? `${factor}×` : `${+factor.toPrecision(2)}×`;
}

const TICK_STEPS_US = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
  1_000_000, 2_000_000, 5_000_000, 10_000_000, 15_000_000, 30_000_000,
  60_000_000, 120_000_000, 300_000_000, 600_000_000, 900_000_000, 1_800_000_000, 3_600_000_000,
];

/** A time-axis label in one notation for a whole axis: the notation follows the tick step. */
export function tickText(us: Micros, stepUs: Micros): string {
  if (us === 0) return '0';
  if (stepUs >= 1_000_000) {
    const s = Math.round(us / 1_000_000);
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    const rest = s - m * 60;
    return rest === 0 ? `${m}m` : `${m}m${rest}s`;
  }
  if (stepUs >= 1_000) return us >= 1_000_000 ? `${+(us / 1_000_000).toFixed(3)}s` : `${+(us / 1_000).toFixed(0)}ms`;
  return us >= 1_000 ? `${+(us / 1_000).toFixed(3)}ms` : `${us}µs`;
}

/** Ticks for a time axis from 0 to `endUs`: at most `countMax`, on human steps (1, 2, 5, 15 s, 1 m...). */
export function timeTicks(endUs: Micros, countMax: number): { values: Micros[]; stepUs: Micros } {
  const max = Math.max(1, countMax);
  const stepUs = TICK_STEPS_US.find((s) => endUs / s <= max) ?? Math.ceil(endUs / max / 3_600_000_000) * 3_600_000_000;
  const values: Micros[] = [];
  for (let t = 0; t <= endUs; t += stepUs) values.push(t);
  return { values, stepUs };
}
