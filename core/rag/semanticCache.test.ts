// Goal: the semantic cache answers near-duplicate questions, stays bounded, forgets on time
// and drops exactly the answers a write could change. Method: small hand-made 3-d vectors
// whose cosines are known.
import { describe, expect, it } from 'vitest';
import { SemanticCache } from './semanticCache.ts';
import { normalised } from './vector.ts';

const v = (...x: number[]): Float32Array => normalised(x);
const answer = (labels: number[], distances: number[]) => ({ labels, distances, applied: 7, replica: 1 });

describe('SemanticCache', () => {
  it('hits at or above the threshold, misses below, and prefers the most similar entry', () => {
    const c = new SemanticCache({ capacity: 8, ttlUs: 1_000_000, threshold: 0.95 });
    c.store(0, v(1, 0, 0), 2, 50, answer([1, 2], [0.1, 0.2]));
    c.store(0, v(1, 0.2, 0), 2, 50, answer([3, 4], [0.1, 0.2]));
    expect(c.lookup(10, v(1, 0.19, 0), 2, 50)?.answer.labels).toEqual([3, 4]);
    expect(c.lookup(10, v(1, 0.02, 0), 2, 50)?.answer.labels).toEqual([1, 2]);
    expect(c.lookup(10, v(0, 1, 0), 2, 50)).toBeNull();
    expect([c.hits, c.misses]).toEqual([2, 1]);
  });

  it('serves a smaller k from a larger answer, never a larger k or a deeper ef', () => {
    const c = new SemanticCache({ capacity: 8, ttlUs: 1_000_000, threshold: 0.9 });
    c.store(0, v(1, 0, 0), 3, 50, answer([1, 2, 3], [0.1, 0.2, 0.3]));
    expect(c.lookup(1, v(1, 0, 0), 2, 50)?.answer).toMatchObject({ labels: [1, 2], distances: [0.1, 0.2] });
    expect(c.lookup(1, v(1, 0, 0), 4, 50)).toBeNull();
    expect(c.lookup(1, v(1, 0, 0), 2, 100)).toBeNull();
  });

  it('evicts the least recently used entry and expires entries after the TTL', () => {
    const c = new SemanticCache({ capacity: 2, ttlUs: 100, threshold: 0.99 });
    c.store(0, v(1, 0, 0), 1, 10, answer([1], [0]));
    c.store(1, v(0, 1, 0), 1, 10, answer([2], [0]));
    expect(c.lookup(2, v(1, 0, 0), 1, 10)).not.toBeNull();
    c.store(3, v(0, 0, 1), 1, 10, answer([3], [0]));
    expect(c.evictions).toBe(1);
    expect(c.lookup(4, v(0, 1, 0), 1, 10)).toBeNull();
    expect(c.lookup(4, v(1, 0, 0), 1, 10)).not.toBeNull();
    expect(c.lookup(103, v(0, 0, 1), 1, 10)).toBeNull();
    expect(c.expirations).toBe(2);
    expect(c.size).toBe(0);
  });

  it('a delete drops the answers holding the document', () => {
    const c = new SemanticCache({ capacity: 8, ttlUs: 1_000_000, threshold: 0.99 });
    c.store(0, v(1, 0, 0), 2, 10, answer([1, 2], [0.1, 0.2]));
    c.store(0, v(0, 1, 0), 2, 10, answer([3, 4], [0.1, 0.2]));
    c.invalidateDelete(2);
    expect(c.lookup(1, v(1, 0, 0), 2, 10)).toBeNull();
    expect(c.lookup(1, v(0, 1, 0), 2, 10)).not.toBeNull();
  });

  it('an insert drops the answers it would enter, and only those', () => {
    const c = new SemanticCache({ capacity: 8, ttlUs: 1_000_000, threshold: 0.99 });
    // Answer for (1,0,0): farthest neighbour at cosine distance 0.2.
    c.store(0, v(1, 0, 0), 2, 10, answer([1, 2], [0.05, 0.2]));
    c.invalidateInsert(9, v(0, 0, 1)); // distance 1: not in the top 2
    expect(c.size).toBe(1);
    c.invalidateInsert(9, v(1, 0.3, 0)); // distance about 0.04: enters
    expect(c.size).toBe(0);
    expect(c.invalidations).toBe(1);
  });

  it('peek answers like lookup but changes nothing', () => {
    const c = new SemanticCache({ capacity: 2, ttlUs: 100, threshold: 0.99 });
    c.store(0, v(1, 0, 0), 1, 10, answer([1], [0]));
    c.store(1, v(0, 1, 0), 1, 10, answer([2], [0]));
    expect(c.peek(5, v(1, 0, 0), 1, 10)?.answer.labels).toEqual([1]);
    expect(c.peek(5, v(0, 0, 1), 1, 10)).toBeNull();
    expect(c.peek(150, v(1, 0, 0), 1, 10)).toBeNull();
    expect([c.hits, c.misses, c.expirations, c.size]).toEqual([0, 0, 0, 2]);
    // Peeking did not make entry 1 recently used: it is still the one evicted.
    c.store(2, v(0, 0, 1), 1, 10, answer([3], [0]));
    expect(c.peek(3, v(1, 0, 0), 1, 10)).toBeNull();
  });

  it('refuses a bad configuration', () => {
    expect(() => new SemanticCache({ capacity: -1, ttlUs: 1, threshold: 0.9 })).toThrow(/capacity/);
    expect(() => new SemanticCache({ capacity: 1, ttlUs: 1, threshold: 0 })).toThrow(/threshold/);
  });
});
