// Observes every event a world's trace records, without changing what it records.
//
// Contract: the listener is called after the trace has hashed the event, with the same
// fields, in the same canonical order (Trace.onRecord). The hash, the retained events and
// the run itself are untouched, so a tapped world and an untapped one give the same trace
// hash.
import type { Trace, TraceListener } from '../../sim/trace/trace.ts';

export type { TraceListener } from '../../sim/trace/trace.ts';

export function tapTrace(trace: Trace, listener: TraceListener): void {
  trace.onRecord(listener);
}
