import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../hash/fnv.ts';
import { childContext, childSpanId, parseTraceparent, rootContext, traceparent, type TraceContext } from './traceContext.ts';

// The definition the one-pass lanes must keep: each id is the FNV-1a lanes of the text from
// fixed bases, as hex, with an all-zero id's last digit set to 1. Every trace id in every
// run's messages comes from here, so a change of value would change trace hashes.
const BASES = [0x811c9dc5, 0x050c5d1f, 0x2f6a3c91, 0x6b43a9b5];
const hex32 = (n: number): string => n.toString(16).padStart(8, '0');
const nonZero = (id: string): string => (/^0+$/.test(id) ? `${id.slice(0, -1)}1` : id);
function referenceChild(parent: TraceContext, name: string, n: number | string): string {
  const text = `${parent.traceId}/${parent.spanId}/${name}/${n}`;
  return nonZero(hex32(fnv1a32(text, BASES[0])) + hex32(fnv1a32(text, BASES[1])));
}
function referenceRoot(...parts: (string | number)[]): TraceContext {
  const text = parts.join('/');
  const traceId = nonZero(BASES.map((b) => hex32(fnv1a32(text, b))).join(''));
  return { traceId, spanId: referenceChild({ traceId, spanId: traceId.slice(0, 16) }, 'root', 0) };
}

describe('trace context ids', () => {
  it('keeps the values ids had before the one-pass lanes (a fixed example)', () => {
    const root = rootContext('kv', 3, 1, 7, 123456789);
    expect(root).toEqual({ traceId: 'd9551ae8d685990ab80125f4fea04c38', spanId: '78c679fcad5ab586' });
    expect(childSpanId(root, 'attempt', 2)).toBe('04579ac6f65dd3f8');
    expect(traceparent(childContext(root, 'gw.request', 5))).toBe('00-d9551ae8d685990ab80125f4fea04c38-ff1552af550d2c5d-01');
  });

  it('equals FNV-1a lane by lane for any parts, names and numbers (unicode and lone surrogates included)', () => {
    const part = fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double({ noNaN: false }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.string({ unit: 'binary' }), fc.oneof(fc.integer(), fc.string()), (parts, name, n) => {
        const root = rootContext(...parts);
        expect(root).toEqual(referenceRoot(...parts));
        expect(childSpanId(root, name, n)).toBe(referenceChild(root, name, n));
      }),
      { numRuns: 500 },
    );
  });

  it('gives ids that parse back as W3C trace context', () => {
    const root = rootContext('gw', 12, 4, 99);
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTraceparent(traceparent(root))).toEqual(root);
  });
});
