// Virtual time helpers. Time is an integer count of microseconds everywhere in sim/.
import type { Micros } from '../../core/env.ts';

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

export function ms(n: number): Micros {
  return Math.round(n * US_PER_MS);
}

export function seconds(n: number): Micros {
  return Math.round(n * US_PER_S);
}

/** Formats µs as a short human duration: 1.5s, 250ms, 12µs. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (Math.abs(us) >= US_PER_S) return `${+(us / US_PER_S).toFixed(3)}s`;
  if (Math.abs(us) >= US_PER_MS) return `${+(us / US_PER_MS).toFixed(3)}ms`;
  return `${us}µs`;
}
