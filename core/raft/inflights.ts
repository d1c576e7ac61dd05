// A bounded ring of the last indices of MsgApp sent to one follower and not yet acknowledged.
//
// Contract: at most `capacity` entries; add() on a full ring is a bug and throws. Indices are
// added in increasing order, so freeLE() releases a prefix.

export class Inflights {
  private readonly buf: number[];
  private start = 0;
  count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new Error(`inflights: capacity must be a positive integer, got ${capacity}`);
    }
    this.buf = new Array<number>(capacity).fill(0);
  }

  full(): boolean {
    return this.count === this.capacity;
  }

  add(index: number): void {
    if (this.full()) throw new Error('inflights: add on a full ring');
    this.buf[(this.start + this.count) % this.capacity] = index;
    this.count++;
  }

  /** Releases every in-flight message whose last index is <= `index`. */
  freeLE(index: number): void {
    while (this.count > 0 && this.buf[this.start] <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }

  /** Releases the oldest in-flight message, so a lost one cannot stall the stream forever. */
  freeFirstOne(): void {
    if (this.count === 0) return;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}
