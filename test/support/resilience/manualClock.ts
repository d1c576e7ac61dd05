// A deterministic TimerPort: time moves only when `advance` is called, and due timers
// fire in (time, creation order) order with the clock set to each timer's own time.
//
// Contract: `advance(us)` is synchronous and fires every timer due by the target time,
// including timers scheduled by callbacks during the advance. `advanceAsync(us)` does the
// same but lets pending Promise continuations run before and after each timer, which is
// what tests of the Promise APIs need. At most `timerCountMax` timers may be pending.
import type { Micros } from '../../../core/env.ts';
import type { TimerHandle, TimerPort } from '../../../core/resilience/policy/ports.ts';

interface Timer {
  readonly id: number;
  readonly atUs: Micros;
  readonly callback: () => void;
}

export class ManualClock implements TimerPort {
  private nowUs: Micros;
  private nextId = 1;
  // A binary min-heap ordered by (atUs, id); cancelled ids are dropped lazily.
  private readonly heap: Timer[] = [];
  private readonly cancelled = new Set<number>();
  // Invariant: live holds exactly the ids in the heap that are not cancelled.
  private readonly live = new Set<number>();

  constructor(startUs: Micros = 0, readonly timerCountMax = 100_000, readonly microtaskFlushCount = 50) {
    this.nowUs = startUs;
  }

  now(): Micros {
    return this.nowUs;
  }

  get pendingTimerCount(): number {
    return this.live.size;
  }

  setTimer(afterUs: Micros, callback: () => void): TimerHandle {
    if (!(afterUs >= 0 && Number.isFinite(afterUs))) throw new Error(`manual clock: afterUs must be a finite non-negative number, got ${afterUs}`);
    if (this.live.size >= this.timerCountMax) throw new Error('manual clock: too many pending timers');
    const timer: Timer = { id: this.nextId++, atUs: this.nowUs + Math.ceil(afterUs), callback };
    this.push(timer);
    this.live.add(timer.id);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    if (typeof handle === 'number' && this.live.delete(handle)) this.cancelled.add(handle);
  }

  /** Moves time forward by `us`, firing due timers synchronously. */
  advance(us: Micros): void {
    const targetUs = this.nowUs + us;
    for (let timer = this.popDue(targetUs); timer !== undefined; timer = this.popDue(targetUs)) {
      this.nowUs = timer.atUs;
      timer.callback();
    }
    this.nowUs = targetUs;
  }

  /** Like `advance`, letting Promise continuations settle around every timer. */
  async advanceAsync(us: Micros): Promise<void> {
    const targetUs = this.nowUs + us;
    await this.flushMicrotasks();
    for (let timer = this.popDue(targetUs); timer !== undefined; timer = this.popDue(targetUs)) {
      this.nowUs = timer.atUs;
      timer.callback();
      await this.flushMicrotasks();
    }
    this.nowUs = targetUs;
  }

  /** Advances to each next timer until none are pending or `limitUs` of time has passed. */
  async runAllAsync(limitUs: Micros): Promise<void> {
    const endUs = this.nowUs + limitUs;
    await this.flushMicrotasks();
    for (let next = this.peekLive(); next !== undefined && next.atUs <= endUs; next = this.peekLive()) {
      await this.advanceAsync(next.atUs - this.nowUs);
    }
  }

  async flushMicrotasks(): Promise<void> {
    for (let i = 0; i < this.microtaskFlushCount; i++) await Promise.resolve();
  }

  private popDue(targetUs: Micros): Timer | undefined {
    const top = this.peekLive();
    if (top === undefined || top.atUs > targetUs) return undefined;
    this.live.delete(top.id);
    return this.pop();
  }

  private peekLive(): Timer | undefined {
    while (this.heap.length > 0 && this.cancelled.has(this.heap[0].id)) this.cancelled.delete(this.pop().id);
    return this.heap[0];
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  private pop(): Timer {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Timer;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
        index = smallest;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.atUs < b.atUs || (a.atUs === b.atUs && a.id < b.id);
}
