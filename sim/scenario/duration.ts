// Human durations: "250ms", "1.5s", "10m", "500us", "2h". Parsed to integer µs.
import type { Micros } from '../../core/env.ts';

const UNITS: Record<string, number> = { us: 1, 'µs': 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const PATTERN = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)$/;

/**
 * Parses a duration; returns null when the text is not a non-negative duration with a unit,
 * or names a fraction of a microsecond (the clock counts whole µs: see `fractionOfMicrosecond`).
 */
export function parseDuration(text: string): Micros | null {
  const m = PATTERN.exec(text.trim());
  if (m === null || exactMicros(m).rest !== '') return null;
  const us = Math.round(Number(m[1]) * UNITS[m[2]]);
  return Number.isSafeInteger(us) ? us : null;
}

/**
 * When duration text such as "1.5us" or "0.0001ms" names a fraction of a microsecond, which
 * the simulated clock (whole µs) cannot hold: why, with the two whole durations around it.
 * Decided exactly, in decimal, so "1.1s" (1,100,000 µs, inexact in binary) is whole. Null
 * for a whole duration or text that is no duration at all.
 */
export function fractionOfMicrosecond(text: string): string | null {
  const m = PATTERN.exec(text.trim());
  if (m === null) return null;
  const { whole, rest } = exactMicros(m);
  if (rest === '') return null;
  return `${JSON.stringify(text)} is ${whole}.${rest} microseconds, and the simulated clock counts whole microseconds: write ${formatDuration(whole)} or ${formatDuration(whole + 1)}`;
}

/** The matched duration in µs, exactly (decimal arithmetic): whole µs and the fraction's digits ('' when whole). */
function exactMicros(m: RegExpExecArray): { whole: number; rest: string } {
  const [int, frac = ''] = m[1].split('.');
  const scale = BigInt(`1${'0'.repeat(frac.length)}`);
  const exact = BigInt(int + frac) * BigInt(UNITS[m[2]]);
  return { whole: Number(exact / scale), rest: (exact % scale).toString().padStart(frac.length, '0').replace(/0+$/, '') };
}

export function formatDuration(us: Micros): string {
  if (us % 3_600_000_000 === 0 && us > 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0 && us > 0) return `${us / 60_000_000}m`;
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1_000 === 0) return `${us / 1_000}ms`;
  return `${us}us`;
}
