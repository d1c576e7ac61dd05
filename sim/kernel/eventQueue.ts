// The kernel's event queue: a 4-ary min-heap ordered by (time, node, origin, sequence).
//
// Contract: pop() returns events in strictly increasing (time, node, origin, originSeq)
// order, where `node` is the node the event runs on, `origin` the node (or the kernel)
// whose execution created it and `originSeq` that origin's own counter. Each origin's
// counter advances only with that origin's own execution, so the order is intrinsic to
// the simulation: it never depends on push order, threads or workers. The
// two keys live in Float64Arrays beside the payloads, and sifting moves a hole rather
// than swapping, so a million pending events stay cache-friendly; a 4-ary heap is half
// as deep as a binary one. (origin, originSeq) pairs are unique, so no two entries ever
// compare equal.

/** Node ids (and origins) stay below this bound so that the tie key packs into a double. */
export const NODE_COUNT_MAX = 4096;
/** Each origin may create at most this many events in one run. */
export const ORIGIN_SEQ_MAX = 1 << 29;

/** Packs (node, origin, originSeq) into one exactly representable number. */
export function tieKey(node: number, origin: number, originSeq: number): number {
  return (node * NODE_COUNT_MAX + origin) * ORIGIN_SEQ_MAX + originSeq;
}

/** Out of line, so push() stays small enough to inline (see Kernel's pastTimeError). */
function badTimeError(time: number): Error {
  return new Error(`EventQueue.push: time must be a non-negative integer (µs), got ${time}`);
}

export class EventQueue<T> {
  private times: Float64Array;
  private keys: Float64Array;
  private items: (T | undefined)[];
  private count = 0;

  constructor(capacityInitial = 1024) {
    this.times = new Float64Array(capacityInitial);
    this.keys = new Float64Array(capacityInitial);
    this.items = new Array<T | undefined>(capacityInitial);
  }

  get size(): number {
    return this.count;
  }

  /** The time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : Infinity;
  }

  peek(): T | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  /**
   * Enqueues an event at `time` under the tie key from `tieKey(node, origin, originSeq)`.
   * The caller guarantees the key is unique; the queue checks only the time.
   */
  push(time: number, key: number, item: T): void {
    if (!(time >= 0 && Number.isSafeInteger(time))) throw badTimeError(time);
    if (this.count === this.times.length) this.grow();
    this.siftUp(this.count++, time, key, item);
  }

  /** The tie key of the earliest event, or Infinity when empty. */
  peekKey(): number {
    return this.count > 0 ? this.keys[0] : Infinity;
  }

  /** The time and tie key of the event `popAtMost` last returned. */
  poppedTime = 0;
  poppedKey = 0;

  /**
   * Removes and returns the earliest event if its time is at most `timeLimit`, recording
   * its time and key in poppedTime/poppedKey; undefined otherwise. One call instead of
   * peek + peek + pop on the kernel's hot path.
   */
  popAtMost(timeLimit: number): T | undefined {
    if (this.count === 0) return undefined;
    const t = this.times[0];
    if (t > timeLimit) return undefined;
    this.poppedTime = t;
    this.poppedKey = this.keys[0];
    const top = this.items[0];
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.times[last], this.keys[last], this.items[last] as T);
    this.items[last] = undefined;
    return top;
  }

  /** Removes and returns the earliest event. The caller checks size first. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const top = this.items[0];
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.times[last], this.keys[last], this.items[last] as T);
    this.items[last] = undefined;
    return top;
  }

  /** Visits every pending event with its time, in heap (not time) order. Read-only. */
  forEach(visit: (item: T, time: number) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.items[i] as T, this.times[i]);
  }

  /** Visits every pending event with its time and tie key, in heap order. Read-only. */
  forEachKeyed(visit: (item: T, time: number, key: number) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.items[i] as T, this.times[i], this.keys[i]);
  }

  /** Removes every event for which `drop` is true, then restores the heap (O(n)). */
  removeWhere(drop: (item: T) => boolean): number {
    let kept = 0;
    const removedBefore = this.count;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[i] as T;
      if (drop(item)) continue;
      this.times[kept] = this.times[i];
      this.keys[kept] = this.keys[i];
      this.items[kept] = item;
      kept++;
    }
    for (let i = kept; i < this.count; i++) this.items[i] = undefined;
    this.count = kept;
    for (let i = (kept >> 2) + 1; i >= 0; i--) {
      if (i < kept) this.siftDown(i, this.times[i], this.keys[i], this.items[i] as T);
    }
    return removedBefore - kept;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const keys = new Float64Array(capacity);
    times.set(this.times);
    keys.set(this.keys);
    this.times = times;
    this.keys = keys;
    this.items.length = capacity;
  }

  private siftUp(pos: number, time: number, key: number, item: T): void {
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const pt = times[parent];
      if (pt < time || (pt === time && keys[parent] < key)) break;
      times[pos] = pt;
      keys[pos] = keys[parent];
      items[pos] = items[parent];
      pos = parent;
    }
    times[pos] = time;
    keys[pos] = key;
    items[pos] = item;
  }

  private siftDown(pos: number, time: number, key: number, item: T): void {
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    const n = this.count;
    for (;;) {
      const first = (pos << 2) + 1;
      if (first >= n) break;
      let best = first;
      let bt = times[first];
      let bk = keys[first];
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const ct = times[c];
        if (ct < bt || (ct === bt && keys[c] < bk)) {
          best = c;
          bt = ct;
          bk = keys[c];
        }
      }
      if (time < bt || (time === bt && key < bk)) break;
      times[pos] = bt;
      keys[pos] = bk;
      items[pos] = items[best];
      pos = best;
    }
    times[pos] = time;
    keys[pos] = key;
    items[pos] = item;
  }
}
