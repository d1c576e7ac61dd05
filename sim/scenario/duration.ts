// Human durations: "250ms", "1.5s", "10m", "500us", "2h". Parsed to integer µs.
import type { Micros } from '../../core/env.ts';

const UNITS: Record<string, number> = { us: 1, 'µs': 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const PATTERN = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)$/;

/** Parses a duration; returns null when the text is not a non-negative duration with a unit. */
export function parseDuration(text: string): Micros | null {
  const m = PATTERN.exec(text.trim());
  if (m === null) return null;
  const us = Math.round(Number(m[1]) * UNITS[m[2]]);
  return Number.isSafeInteger(us) ? us : null;
}

export function formatDuration(us: Micros): string {
  if (us % 3_600_000_000 === 0 && us > 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0 && us > 0) return `${us / 60_000_000}m`;
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1_000 === 0) return `${us / 1_000}ms`;
  return `${us}us`;
}
