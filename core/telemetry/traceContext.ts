// W3C trace context for simulated requests: the `traceparent` a client puts in its
// request message and every hop passes on, derived from the request's identity.
//
// Contract: ids are a pure function of the request's identity (who sent it, its id, the
// sender's clock when it began) and of the parent's ids, never of a tracer or a random
// stream, so the same messages are sent whether telemetry is on or off (the trace hash
// does not depend on observing) and the observer (sim/telemetry) computes the same span
// ids the messages carry. The format is W3C's: `00-<32 hex trace id>-<16 hex parent id>-01`;
// an invalid value is ignored by the receiver, which then starts a trace of its own.

import { hex32 } from '../hash/digits.ts';
import { FNV_PRIME } from '../hash/fnv.ts';

export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: the span the receiver's span is a child of. */
  readonly spanId: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const BASES = [0x811c9dc5, 0x050c5d1f, 0x2f6a3c91, 0x6b43a9b5] as const;

// The lanes below are fnv1a32(text, BASES[i]) (core/hash/fnv.ts) computed in one pass over
// the text: the multiplies of different lanes do not depend on each other, so the CPU runs
// them side by side, and the text is read once instead of once per lane. Every client
// operation and every hop derives ids here (traceContext.test.ts holds them equal to
// fnv1a32 lane by lane). An id of all zeros (every lane 0) gets its last digit set to 1.

/**
 * The first `lanes` FNV-1a lanes of `text` (bases BASES[0..lanes)) as hex, 8 digits a lane;
 * an id of all zeros gets its last digit set to 1. The four lanes are computed side by side
 * either way (independent multiplies cost next to nothing beside the first).
 */
function idHex(text: string, lanes: 2 | 4): string {
  let a: number = BASES[0];
  let b: number = BASES[1];
  let c: number = BASES[2];
  let d: number = BASES[3];
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    a = Math.imul(a ^ u, FNV_PRIME);
    b = Math.imul(b ^ u, FNV_PRIME);
    c = Math.imul(c ^ u, FNV_PRIME);
    d = Math.imul(d ^ u, FNV_PRIME);
  }
  const id = lanes === 4 ? hex32(a) + hex32(b) + hex32(c) + hex32(d) : hex32(a) + hex32(b);
  const zero = lanes === 4 ? (a | b | c | d) === 0 : (a | b) === 0;
  return zero ? `${id.slice(0, -1)}1` : id;
}

/** The trace of a request that begins here: `parts` name it uniquely within the run. */
export function rootContext(...parts: (string | number)[]): TraceContext {
  const traceId = idHex(parts.join('/'), 4);
  return { traceId, spanId: childSpanId({ traceId, spanId: traceId.slice(0, 16) }, 'root', 0) };
}

/** The id of the span `name` (number `n`) that `parent`'s span starts. */
export function childSpanId(parent: TraceContext, name: string, n: number | string): string {
  return idHex(`${parent.traceId}/${parent.spanId}/${name}/${n}`, 2);
}

/** The child context: the same trace, with the child span as the parent of what follows. */
export function childContext(parent: TraceContext, name: string, n: number | string): TraceContext {
  return { traceId: parent.traceId, spanId: childSpanId(parent, name, n) };
}

export function traceparent(c: TraceContext): string {
  return `00-${c.traceId}-${c.spanId}-01`;
}

/** The context in a traceparent value, or null when it is absent or malformed. */
export function parseTraceparent(x: unknown): TraceContext | null {
  if (typeof x !== 'string') return null;
  const m = TRACEPARENT.exec(x);
  if (m === null || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return null;
  return { traceId: m[1], spanId: m[2] };
}
