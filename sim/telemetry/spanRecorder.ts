// Span records: the spans of a run as plain data, written as the run goes and turned into
// OpenTelemetry spans only when exported (otlp.ts), so tracing costs an object per span
// on the hot path and nothing of the SDK.
//
// Contract: a span has explicit virtual start and end times, a node (its resource), ids
// that are either given (derived from a request's identity, the same ids the messages
// carry) or drawn from a seeded stream of the run, and a parent in the same trace. Drawn
// ids are assigned in record order when first asked for (ids()), not on the hot path;
// a parent is always recorded before its children, so the order is that of the run.
// Spans still open when the run ends are closed at its end and marked unfinished. At most
// SPANS_MAX spans are kept; later ones are counted in `dropped`, never silently lost.
import alea from 'seedrandom/lib/alea.js';
import type { Micros, NodeId } from '../../core/env.ts';
import { hex32 } from '../../core/hash/digits.ts';
import type { SpanKind } from '../../core/telemetry/spans.ts';
import type { TelemetryValue } from '../../core/telemetry/sink.ts';

/** Spans kept at most per run (about 100 MB); a longer run keeps its first ones. */
export const SPANS_MAX = 250_000;

export type Attrs = Record<string, TelemetryValue>;

export interface SpanEventRec {
  name: string;
  tUs: Micros;
  attrs: Attrs;
}

export interface SpanRec {
  readonly name: string;
  readonly kind: SpanKind;
  /** The resource: a node id, or -1 for the nemesis. */
  readonly node: NodeId;
  /** '' until assigned (given at start, or drawn by SpanRecorder.ids()). */
  traceId: string;
  spanId: string;
  /** The parent span recorded in this run, or null. */
  readonly parent: SpanRec | null;
  /** A parent known only by its ids (from a traceparent), when `parent` is null. */
  readonly remoteParent: SpanRef | null;
  readonly startUs: Micros;
  /** -1 while open. */
  endUs: Micros;
  readonly attrs: Attrs;
  events: SpanEventRec[] | null;
  /** 0 unset, 2 error (OpenTelemetry's status codes). */
  status: 0 | 2;
}

/** The context a child needs from its parent. */
export interface SpanRef {
  readonly traceId: string;
  readonly spanId: string;
}

export class SpanRecorder {
  readonly spans: SpanRec[] = [];
  dropped = 0;
  private readonly draw: () => number;

  constructor(seedText: string) {
    // A stream of its own, so tracing never shifts the numbers the simulation draws.
    this.draw = alea(`${seedText}/telemetry/span-ids`);
  }

  private hex8(): string {
    return hex32(Math.floor(this.draw() * 0x1_0000_0000));
  }

  /** A fresh span id (16 hex digits, never all zero). */
  spanId(): string {
    const id = this.hex8() + this.hex8();
    return id === '0000000000000000' ? '0000000000000001' : id;
  }

  traceId(): string {
    return this.spanId() + this.spanId();
  }

  /**
   * Opens a span. With a parent (a span of this run, or ids from a traceparent) it joins
   * the parent's trace; without one it starts a trace (with `ids.traceId` if given).
   * `ids.spanId` fixes the span's own id.
   */
  start(name: string, kind: SpanKind, node: NodeId, tUs: Micros, parent: SpanRec | SpanRef | null, attrs: Attrs, ids: Partial<SpanRef> | null = null): SpanRec {
    const local = parent !== null && 'startUs' in parent ? parent : null;
    const remote = parent !== null && local === null ? (parent as SpanRef) : null;
    const rec: SpanRec = {
      name, kind, node, attrs, startUs: tUs, endUs: -1, events: null, status: 0, parent: local, remoteParent: remote,
      traceId: remote?.traceId ?? ids?.traceId ?? '',
      spanId: ids?.spanId ?? '',
    };
    if (this.spans.length < SPANS_MAX) this.spans.push(rec);
    else this.dropped++;
    return rec;
  }

  /** Ends `s` at `tUs` with its outcome (the faultline.outcome attribute), if still open. */
  end(s: SpanRec, tUs: Micros, outcome: string | null = null, error = false): void {
    if (s.endUs >= 0) return;
    s.endUs = Math.max(tUs, s.startUs);
    if (outcome !== null) s.attrs['faultline.outcome'] = outcome;
    if (error) s.status = 2;
  }

  event(s: SpanRec, name: string, tUs: Micros, attrs: Attrs = {}): void {
    if (s.endUs >= 0) return;
    (s.events ??= []).push({ name, tUs, attrs });
  }

  /** Assigns the ids not given, in record order (parents first); returns every span. */
  ids(): readonly SpanRec[] {
    for (const s of this.spans) {
      if (s.parent !== null) s.traceId = s.parent.traceId;
      else if (s.traceId === '') s.traceId = this.traceId();
      if (s.spanId === '') s.spanId = this.spanId();
    }
    return this.spans;
  }

  /** The id of a span's parent, or null for a root. */
  static parentIdOf(s: SpanRec): string | null {
    return s.parent?.spanId ?? s.remoteParent?.spanId ?? null;
  }

  /** Closes every open span at `tUs` (the end of the run), marked unfinished. */
  closeAll(tUs: Micros): void {
    for (const s of this.spans) {
      if (s.endUs >= 0) continue;
      s.attrs['faultline.unfinished'] = true;
      this.end(s, tUs);
    }
  }
}
