// The environment variables the benchmarks read, each checked where it is read: a value that
// is not what the variable takes is a BenchInputError naming it (bench: NAME: message, exit
// 2), never read as something else. FAULTLINE_MTTR_SEEDS=abc ran NaN seeds and reported
// nothing measured; FAULTLINE_MEMORY_QUICK=true ran the ten-minute slices it was meant to skip.
import { BenchInputError } from './benchInputError.ts';

/** A positive whole number from `name`, or `fallback` when it is not set. */
export function positiveEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new BenchInputError(`${name}: expected a positive integer (at most 999999999), got "${text}"`);
  return Number(text);
}

/** A switch from `name`: unset or "0" is off, "1" is on. */
export function switchEnv(name: string): boolean {
  const text = process.env[name];
  if (text === undefined || text === '0') return false;
  if (text === '1') return true;
  throw new BenchInputError(`${name}: expected 1 (on) or 0 (off), got "${text}"`);
}
