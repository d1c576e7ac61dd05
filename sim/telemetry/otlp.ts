// OTLP/JSON export of a run's spans through OpenTelemetry's own SDK and transformer: each
// recorded span is replayed into @opentelemetry/sdk-trace-web (one tracer provider, hence
// one resource, per node, plus one for the nemesis) with its virtual times and its ids,
// and the ended spans are serialised by @opentelemetry/otlp-transformer's
// JsonTraceSerializer, as the OTLP/HTTP JSON exporter would send them.
//
// Contract: the output depends only on the records (their order included), the scenario
// and the seed: ids come from the records through the IdGenerator, times are explicit,
// sampling is always on and every limit is explicit (no OTEL_* environment variable can
// change the result). Nothing global is registered.
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, WebTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-web';
import type { Micros } from '../../core/env.ts';
import { nodeName } from '../../core/telemetry/labels.ts';
import type { SpanKind as TaxonomySpanKind } from '../../core/telemetry/spans.ts';
import { OPENMETRICS_EPOCH_S } from './openMetrics.ts';
import { SpanRecorder, type SpanRec } from './spanRecorder.ts';

export const INSTRUMENTATION_SCOPE = 'faultline';
export const INSTRUMENTATION_VERSION = '0.1.0';

const KINDS: Record<TaxonomySpanKind, SpanKind> = { client: SpanKind.CLIENT, server: SpanKind.SERVER, internal: SpanKind.INTERNAL };

/** Limits spelled out, so no environment variable can change a run's export. */
const SPAN_LIMITS = {
  attributeCountLimit: 128, attributeValueLengthLimit: 4096, linkCountLimit: 128, eventCountLimit: 1024,
  attributePerEventCountLimit: 128, attributePerLinkCountLimit: 128,
};

/** OpenTelemetry HrTime of virtual time `tUs`: the metrics' fixed epoch plus virtual time. */
export function hrTimeOf(tUs: Micros): [number, number] {
  const s = Math.floor(tUs / 1_000_000);
  return [OPENMETRICS_EPOCH_S + s, (tUs - s * 1_000_000) * 1000];
}

/** Hands the tracer the ids of the span being replayed. */
class GivenIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

class Collect implements SpanProcessor {
  readonly ended: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ResourceInfo {
  scenario: string;
  seed: number;
  /** NodeSpec.role of each node. */
  roles: readonly string[];
}

/**
 * The OTLP/JSON ExportTraceServiceRequest of `spans` (all ended, ids assigned), as the UTF-8
 * bytes OpenTelemetry's serializer produces (a file writer takes them as they are; decode
 * them for text).
 */
export function otlpJsonOf(spans: readonly SpanRec[], info: ResourceInfo): Uint8Array {
  const ids = new GivenIds();
  const collect = new Collect();
  const tracers = new Map<number, ReturnType<WebTracerProvider['getTracer']>>();
  const tracerOf = (node: number): ReturnType<WebTracerProvider['getTracer']> => {
    let t = tracers.get(node);
    if (t === undefined) {
      const resource = resourceFromAttributes({
        'service.name': 'faultline', 'service.namespace': info.scenario, 'service.instance.id': node < 0 ? 'nemesis' : nodeName(node),
        'faultline.node.role': node < 0 ? 'nemesis' : info.roles[node], 'faultline.scenario': info.scenario, 'faultline.seed': info.seed,
      });
      const provider = new WebTracerProvider({ resource, idGenerator: ids, sampler: new AlwaysOnSampler(), spanLimits: SPAN_LIMITS, spanProcessors: [collect] });
      t = provider.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
      tracers.set(node, t);
    }
    return t;
  };
  for (const r of spans) {
    ids.traceId = r.traceId;
    ids.spanId = r.spanId;
    const parentId = SpanRecorder.parentIdOf(r);
    const ctx = parentId === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: r.traceId, spanId: parentId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const span = tracerOf(r.node).startSpan(r.name, { kind: KINDS[r.kind], startTime: hrTimeOf(r.startUs), attributes: r.attrs as Attributes }, ctx);
    for (const e of r.events ?? []) span.addEvent(e.name, e.attrs as Attributes, hrTimeOf(e.tUs));
    if (r.status === 2) span.setStatus({ code: 2 });
    span.end(hrTimeOf(r.endUs));
  }
  return JsonTraceSerializer.serializeRequest(collect.ended) ?? new Uint8Array(0);
}
