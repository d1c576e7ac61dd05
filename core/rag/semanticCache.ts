// A semantic cache for retrieval answers: a query whose embedding is within a cosine
// threshold of a cached query gets the cached answer.
//
// Contract: bounded (at most `capacity` entries, least recently used evicted first), entries
// expire `ttlUs` after they were stored, and a write that would change a cached answer
// invalidates it: deleting a document drops every entry whose answer holds it; inserting
// (or replacing) a document drops every entry whose query is nearer to the new vector than
// its answer's farthest neighbour (the new document would enter that top k), or whose
// answer holds the replaced document. Lookup scans the live entries (one cosine each) and
// takes the most similar one at or above the threshold; ties go to the most recently used.
// Pure and deterministic: time comes from the caller; iteration follows insertion order.
import type { Micros } from '../env.ts';
import { dot, normalised } from './vector.ts';

export interface SemanticCacheConfig {
  capacity: number;
  ttlUs: Micros;
  /** Cosine similarity at or above which two queries count as the same. */
  threshold: number;
}

export interface CachedAnswer {
  labels: readonly number[];
  /** Cosine distances (1 - similarity), nearest first. */
  distances: readonly number[];
  /** The replica's applied log index when it computed the answer. */
  applied: number;
  replica: number;
}

interface Entry {
  /** The question, unit length (so a cosine is one dot product). */
  query: Float32Array;
  k: number;
  ef: number;
  answer: CachedAnswer;
  storedUs: Micros;
}

export interface CacheHit {
  answer: CachedAnswer;
  similarity: number;
}

export class SemanticCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<number, Entry>();
  private idNext = 0;
  hits = 0;
  misses = 0;
  evictions = 0;
  expirations = 0;
  invalidations = 0;

  constructor(readonly config: SemanticCacheConfig) {
    if (!(Number.isInteger(config.capacity) && config.capacity >= 0)) throw new Error(`semantic cache: capacity must be an integer >= 0, got ${config.capacity}`);
    if (!(config.threshold > 0 && config.threshold <= 1)) throw new Error(`semantic cache: threshold must be in (0, 1], got ${config.threshold}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The best cached answer for a query of `k` neighbours at depth `ef` or deeper, or null. */
  lookup(nowUs: Micros, query: Float32Array, k: number, ef: number): CacheHit | null {
    this.expire(nowUs);
    const unit = normalised(query);
    let bestId = -1;
    let best = -Infinity;
    for (const [id, e] of this.entries) {
      if (e.k < k || e.ef < ef) continue;
      const sim = dot(unit, e.query);
      if (sim >= this.config.threshold && sim >= best) {
        best = sim;
        bestId = id;
      }
    }
    if (bestId < 0) {
      this.misses++;
      return null;
    }
    const e = this.entries.get(bestId) as Entry;
    this.entries.delete(bestId);
    this.entries.set(bestId, e);
    this.hits++;
    const answer = e.k === k ? e.answer : { ...e.answer, labels: e.answer.labels.slice(0, k), distances: e.answer.distances.slice(0, k) };
    return { answer, similarity: best };
  }

  /**
   * What `lookup` would answer now, without counting, reordering or expiring anything (for
   * observers such as the UI: looking must not change the run).
   */
  peek(nowUs: Micros, query: Float32Array, k: number, ef: number): CacheHit | null {
    const unit = normalised(query);
    let bestE: Entry | null = null;
    let best = -Infinity;
    for (const e of this.entries.values()) {
      if (e.k < k || e.ef < ef || nowUs - e.storedUs >= this.config.ttlUs) continue;
      const sim = dot(unit, e.query);
      if (sim >= this.config.threshold && sim >= best) {
        best = sim;
        bestE = e;
      }
    }
    if (bestE === null) return null;
    const a = bestE.answer;
    return { answer: bestE.k === k ? a : { ...a, labels: a.labels.slice(0, k), distances: a.distances.slice(0, k) }, similarity: best };
  }

  store(nowUs: Micros, query: Float32Array, k: number, ef: number, answer: CachedAnswer): void {
    if (this.config.capacity === 0) return;
    while (this.entries.size >= this.config.capacity) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      this.evictions++;
    }
    this.entries.set(this.idNext++, { query: normalised(query), k, ef, answer, storedUs: nowUs });
  }

  /** A document was deleted: answers holding it are wrong now. */
  invalidateDelete(label: number): void {
    this.dropWhere((e) => e.answer.labels.includes(label));
  }

  /** A document was inserted or replaced with `vector`. */
  invalidateInsert(label: number, vector: Float32Array): void {
    const unit = normalised(vector);
    this.dropWhere((e) => {
      if (e.answer.labels.includes(label)) return true;
      const d = 1 - dot(e.query, unit);
      const kth = e.answer.distances.length < e.k ? Infinity : e.answer.distances[e.answer.distances.length - 1];
      return d <= kth;
    });
  }

  /** Entries stored at or before `nowUs - ttlUs` are gone. */
  expire(nowUs: Micros): void {
    for (const [id, e] of this.entries) {
      if (nowUs - e.storedUs < this.config.ttlUs) continue;
      this.entries.delete(id);
      this.expirations++;
    }
  }

  private dropWhere(f: (e: Entry) => boolean): void {
    for (const [id, e] of this.entries) {
      if (!f(e)) continue;
      this.entries.delete(id);
      this.invalidations++;
    }
  }
}
