// The metric store: every series of a run as plain numbers, written on the hot path and
// read by the prom-client views (registries.ts) at scrape time.
//
// Contract: a family holds one map of cells per registry slot (node ids, then one slot
// for the simulator); a cell is created on first use and never removed, so a series,
// once seen, stays (as Prometheus expects). Label values are bounded (labels.ts): an
// unknown value becomes `other`. Values live in one growable Float64Array: a counter or
// gauge takes one number, a histogram its finite buckets (not cumulative), sum and count.
// `capture()` copies the values so far; `view(capture)` makes readers see that moment
// again (used to render scrapes after the run, in order).
import { NODE_NAMES, OTHER, nodeName } from '../../core/telemetry/labels.ts';
import { METRICS, type MetricSpec } from '../../core/telemetry/metrics.ts';

export interface Cell {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly off: number;
}

/** The store's values at one moment: the first `used` numbers. */
export interface Capture {
  readonly used: number;
  readonly vals: Float64Array;
}

export class Family {
  readonly slots: Map<string, Cell>[];
  readonly labelNames: readonly string[];
  private readonly sets: (readonly string[])[];
  /** Numbers per cell. */
  readonly width: number;

  constructor(readonly spec: MetricSpec, private readonly store: MetricStore, slotCount: number) {
    this.slots = Array.from({ length: slotCount }, () => new Map<string, Cell>());
    this.labelNames = Object.keys(spec.labels);
    this.sets = this.labelNames.map((l) => {
      const set = spec.labels[l];
      return set === NODE_NAMES ? store.nodeNames : set;
    });
    this.width = spec.kind === 'histogram' ? (spec.buckets?.length ?? 0) + 2 : 1;
  }

  /** The cell of `slot` for a one-label family (the hot-path form of at()). */
  at1(slot: number, value: string): Cell {
    const c = this.slots[slot].get(value);
    return c !== undefined ? c : this.at(slot, value);
  }

  /** The cell of `slot` for these label values (in the spec's label order), created if new. */
  at(slot: number, ...values: string[]): Cell {
    const key = values.length === 0 ? '' : values.length === 1 ? values[0] : values.join('\u0001');
    const m = this.slots[slot];
    const c = m.get(key);
    if (c !== undefined) return c;
    return this.create(m, values, key);
  }

  private create(m: Map<string, Cell>, values: string[], key: string): Cell {
    if (values.length !== this.labelNames.length) throw new Error(`${this.spec.name}: expected labels ${this.labelNames.join(', ')}, got ${values.length} values`);
    const bounded = values.map((v, i) => (this.sets[i].includes(v) ? v : OTHER));
    const boundedKey = bounded.join('\u0001');
    if (boundedKey !== values.join('\u0001')) {
      // An unknown value: share the `other` cell, and remember the alias for next time.
      const c = this.at(this.slots.indexOf(m), ...bounded);
      m.set(key, c);
      return c;
    }
    const labels: Record<string, string> = {};
    this.labelNames.forEach((l, i) => (labels[l] = bounded[i]));
    const c: Cell = { key, labels, off: this.store.allocate(this.width) };
    m.set(key, c);
    return c;
  }

  /** Distinct cells of one slot (aliases of `other` counted once), in creation order. */
  cells(slot: number): Cell[] {
    const seen = new Set<number>();
    const out: Cell[] = [];
    for (const c of this.slots[slot].values()) {
      if (seen.has(c.off)) continue;
      seen.add(c.off);
      out.push(c);
    }
    return out;
  }
}

export class MetricStore {
  private vals = new Float64Array(4096);
  private used = 0;
  /** What readers see: the live values, or a capture being rendered. */
  private viewVals: Float64Array = this.vals;
  private viewUsed = 0;
  private viewing = false;
  readonly families: Family[];
  private readonly byName = new Map<string, Family>();
  readonly nodeNames: readonly string[];
  /** The slot of the simulator's registry (after the nodes). */
  readonly simSlot: number;

  constructor(readonly nodeCount: number) {
    this.nodeNames = Array.from({ length: nodeCount }, (_, i) => nodeName(i));
    this.simSlot = nodeCount;
    this.families = METRICS.map((spec) => new Family(spec, this, nodeCount + 1));
    for (const f of this.families) this.byName.set(f.spec.name, f);
  }

  family(name: string): Family {
    const f = this.byName.get(name);
    if (f === undefined) throw new Error(`telemetry: no metric ${name} in the taxonomy`);
    return f;
  }

  allocate(width: number): number {
    if (this.used + width > this.vals.length) {
      const bigger = new Float64Array(Math.max(this.vals.length * 2, this.used + width));
      bigger.set(this.vals);
      if (this.viewVals === this.vals) this.viewVals = bigger;
      this.vals = bigger;
    }
    const off = this.used;
    this.used += width;
    return off;
  }

  inc(c: Cell, by = 1): void {
    this.vals[c.off] += by;
  }

  set(c: Cell, v: number): void {
    this.vals[c.off] = v;
  }

  get(c: Cell): number {
    return this.vals[c.off];
  }

  /** Records one observation in a histogram cell of `f`. */
  observe(f: Family, c: Cell, v: number): void {
    const b = f.spec.buckets as readonly number[];
    const vals = this.vals;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    if (i < b.length) vals[c.off + i]++;
    vals[c.off + b.length] += v;
    vals[c.off + b.length + 1]++;
  }

  capture(): Capture {
    return { used: this.used, vals: this.vals.slice(0, this.used) };
  }

  /** Makes readers see `cap` (or the live values again, with null). */
  view(cap: Capture | null): void {
    this.viewing = cap !== null;
    this.viewVals = cap === null ? this.vals : cap.vals;
    this.viewUsed = cap === null ? 0 : cap.used;
  }

  /** Whether cell `c` existed in what readers see. */
  visible(c: Cell): boolean {
    return !this.viewing || c.off < this.viewUsed;
  }

  /** The value readers see at offset `off`. */
  read(off: number): number {
    return this.viewVals[off];
  }
}
