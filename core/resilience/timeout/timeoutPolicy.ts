// Timeout: gives each call a budget of port time and aborts its signal when it runs out.
//
// Contract: the inner function sees a signal that aborts at the deadline or when the
// caller's signal aborts. In 'aggressive' mode (default) `execute` rejects with
// TimeoutError at the deadline even if the function ignores its signal; in 'cooperative'
// mode it waits for the function to settle and only turns the outcome into TimeoutError
// if the deadline had passed. The timer is cleared on every path.
import type { Micros } from '../../env.ts';
import { TimeoutError } from '../policy/errors.ts';
import type { ExecuteContext, Operation, Policy } from '../policy/policy.ts';
import { noCancelContext } from '../policy/policy.ts';
import type { TimerPort } from '../policy/ports.ts';

export type TimeoutMode = 'aggressive' | 'cooperative';

export class TimeoutPolicy implements Policy {
  readonly mode: TimeoutMode;

  constructor(readonly durationUs: Micros, private readonly timer: TimerPort, mode: TimeoutMode = 'aggressive') {
    if (!(Number.isSafeInteger(durationUs) && durationUs >= 1)) throw new Error(`timeout: durationUs must be a positive integer, got ${durationUs}`);
    this.mode = mode;
  }

  execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T> {
    const controller = new AbortController();
    const parent = context.signal;
    const onParentAbort = (): void => controller.abort(parent.reason);
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', onParentAbort, { once: true });
    return new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const handle = this.timer.setTimer(this.durationUs, () => {
        timedOut = true;
        const error = new TimeoutError(this.durationUs);
        controller.abort(error);
        if (this.mode === 'aggressive') reject(error);
      });
      const settle = (): void => {
        this.timer.clearTimer(handle);
        parent.removeEventListener('abort', onParentAbort);
      };
      const inner: ExecuteContext = { signal: controller.signal };
      Promise.resolve()
        .then(() => fn(inner))
        .then(
          (value) => {
            settle();
            if (timedOut && this.mode === 'cooperative') reject(new TimeoutError(this.durationUs));
            else resolve(value);
          },
          (error: unknown) => {
            settle();
            reject(timedOut ? new TimeoutError(this.durationUs) : error);
          },
        );
    });
  }
}
