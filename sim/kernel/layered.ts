// A setting that faults change: a base value with the layers of the active faults over it.
//
// Contract: `value` is the fold of `combine` over the active layers in the order they were
// added, starting from `base`; with no layer active it is `base` itself. A fault adds its
// layer when it starts and removes it, by id, when it heals, so overlapping faults heal in
// any order and the last heal always leaves the base. (Restoring a value saved when a fault
// started, as earlier versions did, left a throttle of 10 or 50% corruption in place for
// good when faults overlapped.) Each setting fixes its combination rule once: the latest
// layer wins, or max, min, sum, any; see docs/faults.md for the rule of each setting.
// Adding an id twice or removing an id that is not active is a bug in the caller: it throws.

/** How a layer combines with the value below it. */
export type Combine<T, L> = (below: T, layer: L) => T;

/** The latest-added layer wins (the default for settings without a natural order). */
export function latestWins<T>(_below: T, layer: T): T {
  return layer;
}

/** The largest value wins (a CPU throttle: the slowest factor applies). */
export function largest(below: number, layer: number): number {
  return layer > below ? layer : below;
}

/** The smallest value wins (a disk capacity cap: the tightest one applies). */
export function smallest(below: number, layer: number): number {
  return layer < below ? layer : below;
}

/** Layers add up (memory ballast). */
export function sum(below: number, layer: number): number {
  return below + layer;
}

/** True while any layer says true (a lying fsync). */
export function any(below: boolean, layer: boolean): boolean {
  return below || layer;
}

/** A partial change overlays the fields it names; later layers win field by field. */
export function overlay<T extends object>(below: T, layer: Partial<T>): T {
  return { ...below, ...layer };
}

/** Layers active on one setting at once, at most (every fault is bounded; so is this). */
export const LAYERS_MAX = 10_000;

export class Layered<T, L = T> {
  private readonly layers: { id: number; layer: L }[] = [];
  private current: T;

  constructor(
    readonly base: T,
    private readonly combine: Combine<T, L>,
  ) {
    this.current = base;
  }

  get value(): T {
    return this.current;
  }

  /** Layers active now. */
  get depth(): number {
    return this.layers.length;
  }

  /** Puts a layer on top and returns the new value. */
  add(id: number, layer: L): T {
    if (this.layers.some((l) => l.id === id)) throw new Error(`Layered: layer ${id} is already active`);
    if (this.layers.length >= LAYERS_MAX) throw new Error(`Layered: more than ${LAYERS_MAX} layers on one setting`);
    this.layers.push({ id, layer });
    this.current = this.combine(this.current, layer);
    return this.current;
  }

  /** Takes a layer away, wherever it is in the stack, and returns the new value. */
  remove(id: number): T {
    const i = this.layers.findIndex((l) => l.id === id);
    if (i < 0) throw new Error(`Layered: layer ${id} is not active`);
    this.layers.splice(i, 1);
    let v = this.base;
    for (const l of this.layers) v = this.combine(v, l.layer);
    this.current = v;
    return v;
  }
}
