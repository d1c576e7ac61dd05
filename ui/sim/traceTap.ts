// Observes every event a world's trace records, without changing what it records.
//
// Contract: the listener is called after the trace has hashed the event, with the same
// fields, in the same canonical order. The hash, the retained events and the run itself
// are untouched, so a tapped world and an untapped one give the same trace hash.
//
// Why it wraps the instance: Trace has no listener API yet (requested from the lead as
// `Trace.onRecord`). Until it lands, the UI wraps the two recording methods of its own
// world's trace object, which affects no other world and no code under sim/.
import type { Micros, NodeId } from '../../core/env.ts';
import type { Trace, TraceKind } from '../../sim/trace/trace.ts';

export type TraceListener = (t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string) => void;

export function tapTrace(trace: Trace, listener: TraceListener): void {
  const record = trace.record.bind(trace);
  const recordMessage = trace.recordMessage.bind(trace);
  trace.record = (t, node, kind, from, tag, data) => {
    record(t, node, kind, from, tag, data);
    listener(t, node, kind, from, tag);
  };
  trace.recordMessage = (t, node, kind, from, tag, d1, d2, msg) => {
    recordMessage(t, node, kind, from, tag, d1, d2, msg);
    listener(t, node, kind, from, tag);
  };
}
