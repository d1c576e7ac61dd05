// The Promise convenience over ShutdownCoordinator: tracks in-flight async work, runs
// async handlers with their time limits, and resolves with the coordinator's report.
//
// Contract: `track(fn)` runs fn as in-flight work or rejects with ShuttingDownError once
// shutdown has begun. `shutdown()` begins shutdown; calling it again returns the same
// promise. A handler past its limit sees its signal abort and is reported 'timed-out';
// the next handler starts without waiting for it.
import type { Micros } from '../../env.ts';
import { ShuttingDownError } from '../policy/errors.ts';
import type { TimerPort } from '../policy/ports.ts';
import type { ShutdownAction, ShutdownReport } from './shutdownCoordinator.ts';
import { ShutdownCoordinator } from './shutdownCoordinator.ts';

export type ShutdownHandler = (signal: AbortSignal) => Promise<void> | void;

type Wake = () => void;

export class GracefulShutdown {
  readonly coordinator: ShutdownCoordinator;
  private readonly handlers = new Map<string, ShutdownHandler>();
  private wakeOnDrain: Wake | undefined;
  private result: Promise<ShutdownReport> | undefined;

  constructor(private readonly timer: TimerPort, deadlineUs: Micros) {
    this.coordinator = new ShutdownCoordinator(deadlineUs);
  }

  register(name: string, priority: number, handler: ShutdownHandler, timeoutUs?: Micros): void {
    this.coordinator.register(timeoutUs === undefined ? { name, priority } : { name, priority, timeoutUs });
    this.handlers.set(name, handler);
  }

  async track<T>(fn: () => Promise<T> | T): Promise<T> {
    if (!this.coordinator.tryBeginWork()) throw new ShuttingDownError();
    try {
      return await fn();
    } finally {
      if (this.coordinator.endWork()) this.wakeOnDrain?.();
    }
  }

  shutdown(): Promise<ShutdownReport> {
    this.result ??= this.run();
    return this.result;
  }

  private async run(): Promise<ShutdownReport> {
    this.coordinator.begin(this.timer.now());
    // Every pass either ends or waits on a bounded timer, and each handler runs once.
    for (;;) {
      const action: ShutdownAction = this.coordinator.step(this.timer.now());
      if (action.kind === 'done') return action.report;
      if (action.kind === 'run-handler') await this.runHandler(action.name, action.untilUs);
      else if (action.kind === 'wait-drain' || action.kind === 'wait-handler') await this.waitUntil(action.untilUs, action.kind === 'wait-drain');
      else throw new Error(`shutdown: unexpected action ${action.kind}`);
    }
  }

  private async runHandler(name: string, untilUs: Micros): Promise<void> {
    const handler = this.handlers.get(name);
    const controller = new AbortController();
    const work = Promise.resolve()
      .then(() => handler?.(controller.signal))
      .then(
        () => ({ error: undefined as unknown }),
        (error: unknown) => ({ error: error ?? new Error('handler failed') }),
      );
    const finished = await this.raceTimer(work, untilUs);
    if (finished === undefined) {
      controller.abort();
      return;
    }
    this.coordinator.handlerFinished(name, this.timer.now(), finished.error);
  }

  private waitUntil(untilUs: Micros, wakeOnDrain: boolean): Promise<void> {
    const drained = new Promise<void>((resolve) => {
      if (wakeOnDrain) this.wakeOnDrain = resolve;
    });
    return this.raceTimer(drained, untilUs).then(() => {
      this.wakeOnDrain = undefined;
    });
  }

  // Resolves with the work's value, or undefined if the port's clock reaches untilUs first.
  private raceTimer<T>(work: Promise<T>, untilUs: Micros): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const delayUs = Math.max(1, untilUs - this.timer.now());
      const handle = this.timer.setTimer(delayUs, () => resolve(undefined));
      void work.then((value) => {
        this.timer.clearTimer(handle);
        resolve(value);
      });
    });
  }
}
