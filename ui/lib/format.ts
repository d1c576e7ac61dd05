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

export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** A speed factor as text: 0.01×, 1×, 100×. */
export function speedText(factor: number): string {
  return factor >= 1 ? `${factor}×` : `${+factor.toPrecision(2)}×`;
}
