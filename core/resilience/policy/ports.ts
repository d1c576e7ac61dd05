// The ports a resilience pattern takes from outside: a clock with timers.
//
// Contract: the synchronous cores never read time themselves; every call takes `now`.
// Only the Promise conveniences hold a TimerPort, and they read it at call boundaries.
// Under the simulator the port is virtual; under plain Node an adapter backs it with
// real time (examples/resilience/realTimeAdapter.ts).
import type { Micros } from '../../env.ts';

/** An opaque timer id; each TimerPort decides what it is. */
export type TimerHandle = unknown;

/** A clock: integer microseconds that never go backwards within one port. */
export interface ClockPort {
  now(): Micros;
}

/** A clock that can also call back after a delay of its own time. */
export interface TimerPort extends ClockPort {
  /** Calls `callback` once after `afterUs` of this port's time; returns a handle. */
  setTimer(afterUs: Micros, callback: () => void): TimerHandle;
  /** Cancels a timer; cancelling a fired or unknown timer does nothing. */
  clearTimer(handle: TimerHandle): void;
}
