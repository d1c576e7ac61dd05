// Opens after N failures in a row; any success resets the run. Slow calls are not judged
// here (a rate needs a window): use a count or time window for slow-call detection.
import type { Micros } from '../../env.ts';
import type { OutcomeWindow, TripReason, WindowSnapshot } from './outcomeWindow.ts';

export class ConsecutiveWindow implements OutcomeWindow {
  // Invariant: 0 <= failureRun; it counts failures since the last success or clear.
  private failureRun = 0;
  private callCount = 0;

  constructor(private readonly failureThreshold: number) {
    if (!(Number.isInteger(failureThreshold) && failureThreshold >= 1)) {
      throw new Error('consecutive window: failures must be a positive integer');
    }
  }

  record(_now: Micros, failed: boolean): void {
    this.callCount++;
    this.failureRun = failed ? this.failureRun + 1 : 0;
  }

  tripReason(): TripReason | undefined {
    return this.failureRun >= this.failureThreshold ? 'consecutive-failures' : undefined;
  }

  snapshot(): WindowSnapshot {
    return { callCount: this.callCount, failureCount: this.failureRun, slowCallCount: 0 };
  }

  clear(): void {
    this.failureRun = 0;
    this.callCount = 0;
  }
}
