// The real-time side of the resilience ports: a TimerPort backed by performance.now and
// setTimeout, and Random streams backed by seedrandom (or Math.random when unseeded).
// This is the one place in the resilience code that reads a wall clock; core/ never does.
import seedrandom from 'seedrandom';
import type { Micros, Random } from '../../core/env.ts';
import type { TimerHandle, TimerPort } from '../../core/resilience/index.ts';

/** A TimerPort on the process's monotonic clock, in integer microseconds. */
export function realTimerPort(): TimerPort {
  return {
    now: (): Micros => Math.floor(performance.now() * 1000),
    // setTimeout has millisecond resolution; sub-millisecond delays round up to one tick.
    setTimer: (afterUs: Micros, callback: () => void): TimerHandle => setTimeout(callback, afterUs / 1000),
    clearTimer: (handle: TimerHandle): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** A reproducible Random from a seed string. */
export function seededRandom(seed: string): Random {
  const generator = seedrandom(seed);
  return { next: () => generator(), int: (n: number) => Math.floor(generator() * n) };
}

/** An unseeded Random for production use, where reproducibility is not wanted. */
export function systemRandom(): Random {
  return { next: () => Math.random(), int: (n: number) => Math.floor(Math.random() * n) };
}
