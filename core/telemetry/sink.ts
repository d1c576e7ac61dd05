// The telemetry port: how a core module reports what it did, as data.
//
// Contract: a module emits an event name from the taxonomy (events.ts) with flat scalar
// fields. Emitting never changes the module's behaviour and never fails; what listens
// (metrics, traces, logs, checkers) lives outside core/, in sim/telemetry and sim/check.
// Keep each emit cheap: modules emit on rare transitions and per request, and aggregate
// per-message figures in plain counters that a periodic stats event carries.

/** A field value: only scalars, so an event crosses a worker boundary unchanged. */
export type TelemetryValue = string | number | boolean;

export type TelemetryFields = Readonly<Record<string, TelemetryValue>>;

/** Structured telemetry from a module: a name from the taxonomy plus flat fields. */
export interface TelemetrySink {
  emit(name: string, fields?: TelemetryFields): void;
}

/** A sink that drops everything (tests, tools that drive a module without a host). */
export const NULL_SINK: TelemetrySink = { emit() {} };
