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

/**
 * A count with thousands separators, exactly as `n.toLocaleString('en-US')` writes it, but
 * without ICU: a process's first toLocaleString loads its number formatting, ~30 ms, which a
 * one-second `faultline run` and every sweep worker would pay for one message. Numbers
 * other than safe integers (rare here) still go to toLocaleString.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(n < 0 ? -n : n);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** Formats µs as a short human duration: 1.5s, 250ms, 12µs. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (Math.abs(us) >= US_PER_S) return `${+(us / US_PER_S).toFixed(3)}s`;
  if (Math.abs(us) >= US_PER_MS) return `${+(us / US_PER_MS).toFixed(3)}ms`;
  return `${us}µs`;
}
