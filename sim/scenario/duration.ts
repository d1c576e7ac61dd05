// Human durations: "250ms", "1.5s", "10m", "500us", "2h". Parsed to integer µs.
import type { Micros } from '../../core/env.ts';

const UNITS: Record<string, number> = { us: 1, 'µs': 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const PATTERN = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)$/;

/**
 * Parses a duration; returns null when the text is not a non-negative duration with a unit,
 * or names a fraction of a microsecond (the clock counts whole µs: see `subMicrosecond`).
 */
export function parseDuration(text: string): Micros | null {
  const m = PATTERN.exec(text.trim());
  if (m === null || subMicrosecond(m)) return null;
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
  if (m === null || !subMicrosecond(m)) return null;
  const [whole, frac = ''] = m[1].split('.');
  const scale = BigInt(`1${'0'.repeat(frac.length)}`);
  const exact = BigInt(whole + frac) * BigInt(UNITS[m[2]]);
  const lo = Number(exact / scale);
  const shown = `${lo}.${(exact % scale).toString().padStart(frac.length, '0').replace(/0+$/, '')}`;
  return `${JSON.stringify(text)} is ${shown} microseconds, and the simulated clock counts whole microseconds: write ${formatDuration(lo)} or ${formatDuration(lo + 1)}`;
}

function subMicrosecond(m: RegExpExecArray): boolean {
  const [whole, frac = ''] = m[1].split('.');
  if (/^0*$/.test(frac)) return false;
  const digits = BigInt(whole + frac);
  const scale = BigInt(`1${'0'.repeat(frac.length)}`);
  return (digits * BigInt(UNITS[m[2]])) % scale !== 0n;
}

export function formatDuration(us: Micros): string {
  if (us % 3_600_000_000 === 0 && us > 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0 && us > 0) return `${us / 60_000_000}m`;
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1_000 === 0) return `${us / 1_000}ms`;
  return `${us}us`;
}
