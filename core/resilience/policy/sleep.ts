// A Promise that resolves after a delay measured on a TimerPort, cancelled by a signal.
//
// Contract: resolves once after `delayUs` of port time, or rejects with CancelledError as
// soon as `signal` aborts; the timer is always cleared so nothing fires late.
import type { Micros } from '../../env.ts';
import { CancelledError } from './errors.ts';
import type { TimerPort } from './ports.ts';

export function sleep(timer: TimerPort, delayUs: Micros, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError(signal.reason));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.clearTimer(handle);
      reject(new CancelledError(signal?.reason));
    };
    const handle = timer.setTimer(delayUs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
