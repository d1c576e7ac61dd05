// Seed ranges and shards for sweeps.
//
// Contract: `--seeds A..B` is the inclusive range of integers from A to B (a single N is
// the range N..N). `--shard i/n` keeps the seeds whose position in the range, counted from
// 0, is i-1 modulo n: round-robin rather than contiguous blocks, so slow and fast seeds
// spread evenly over the shards. Shards 1/n..n/n partition the range exactly.
import { parseSeed, UsageError } from './args.ts';

export const SWEEP_SEEDS_MAX = 10_000_000;

export interface SeedRange {
  first: number;
  last: number;
}

export interface Shard {
  index: number;
  count: number;
}

export function parseSeedRange(text: string): SeedRange {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--seeds: expected a range like 1..1000 (or one seed), got "${text}"`);
  const first = parseSeed(m[1], '--seeds');
  const last = m[2] === undefined ? first : parseSeed(m[2], '--seeds');
  if (last < first) throw new UsageError(`--seeds: the range ${text} is empty (${last} < ${first}): write the smaller seed first, ${last}..${first}`);
  if (last - first + 1 > SWEEP_SEEDS_MAX) throw new UsageError(`--seeds: at most ${SWEEP_SEEDS_MAX} seeds per sweep; split the range or use --shard`);
  return { first, last };
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new UsageError(`--shard: expected i/n like 2/4, got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= 1000 && index >= 1 && index <= count)) throw new UsageError(`--shard: need 1 <= i <= n <= 1000, got ${text}`);
  return { index, count };
}

export function formatRange(r: SeedRange): string {
  return r.first === r.last ? String(r.first) : `${r.first}..${r.last}`;
}

/** The seeds of `range` that belong to `shard`, ascending. */
export function shardSeeds(range: SeedRange, shard: Shard | null): number[] {
  const out: number[] = [];
  const step = shard?.count ?? 1;
  const offset = shard === null ? 0 : shard.index - 1;
  for (let s = range.first + offset; s <= range.last; s += step) out.push(s);
  return out;
}
