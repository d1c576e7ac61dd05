// Goal: the spans of a run form the traces the taxonomy promises (core/telemetry/spans.ts)
// and the OTLP/JSON file is what OpenTelemetry's own types describe. Method: run the
// telemetry fixture (load clients -> gateway -> Raft cluster, with a leader crash, breakers
// and a partition) with traces on; decode the OTLP/JSON as otlp-transformer's
// IExportTraceServiceRequest and follow parent links across resources (nodes).
import type { IExportTraceServiceRequest, ISpan } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../../cli/scenarioRef.ts';
import { SPANS } from '../../core/telemetry/spans.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { TelemetrySession } from '../../sim/telemetry/session.ts';

interface Span extends ISpan {
  node: string;
  attrs: Record<string, unknown>;
}

let request: IExportTraceServiceRequest;
let spans: Span[];
let byId: Map<string, Span>;
let text: string;

function attrValue(v: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number }): unknown {
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue ?? v.doubleValue);
}

async function trace(scenarioRef: string, seed: number): Promise<string> {
  let session: TelemetrySession | null = null;
  runScenario(loadScenarioRef(scenarioRef).scenario, seed, { observe: (w, s) => (session = TelemetrySession.attach(w, s, { seed, traces: true })) });
  return (await (session as unknown as TelemetrySession).otlpJson()).text;
}

beforeAll(async () => {
  text = await trace('test/telemetry/observed-cluster.yaml', 1);
  request = JSON.parse(text) as IExportTraceServiceRequest;
  spans = [];
  for (const rs of request.resourceSpans ?? []) {
    const res = Object.fromEntries((rs.resource?.attributes ?? []).map((a) => [a.key, attrValue(a.value as never)]));
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans ?? []) spans.push({ ...s, node: String(res['service.instance.id']), attrs: Object.fromEntries(s.attributes.map((a) => [a.key, attrValue(a.value as never)])) });
    }
  }
  byId = new Map(spans.map((s) => [s.spanId as string, s]));
}, 60_000);

describe('OTLP/JSON traces of a run', () => {
  it('decode as an ExportTraceServiceRequest: one resource per node plus the nemesis', () => {
    const ids = (request.resourceSpans ?? []).map((rs) => rs.resource?.attributes.find((a) => a.key === 'service.instance.id')?.value.stringValue);
    expect(new Set(ids)).toEqual(new Set(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'nemesis']));
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(BigInt(s.endTimeUnixNano as string) >= BigInt(s.startTimeUnixNano as string)).toBe(true);
      expect(SPANS.map((x) => x.name)).toContain(s.name);
    }
    expect(byId.size).toBe(spans.length);
  });

  it('every parent link points at a span of the same trace that started no later', () => {
    let linked = 0;
    for (const s of spans) {
      if (s.parentSpanId === undefined || s.parentSpanId === '') continue;
      const p = byId.get(s.parentSpanId as string);
      expect(p, `${s.name} on ${s.node} has a missing parent`).toBeDefined();
      expect(p?.traceId).toBe(s.traceId);
      expect(BigInt(p?.startTimeUnixNano as string) <= BigInt(s.startTimeUnixNano as string)).toBe(true);
      linked++;
    }
    expect(linked).toBeGreaterThan(spans.length / 2);
  });

  it('a client write is one trace across at least three nodes: client, gateway attempts, leader, followers', () => {
    const write = spans.find((s) => s.name === 'raft.propose' && spans.filter((r) => r.name === 'raft.replicate' && r.parentSpanId === s.spanId).length >= 2);
    expect(write).toBeDefined();
    const inTrace = spans.filter((s) => s.traceId === write?.traceId);
    const chain: string[] = [];
    for (let s: Span | undefined = write; s !== undefined; s = s.parentSpanId ? byId.get(s.parentSpanId as string) : undefined) chain.unshift(`${s.name}@${s.node}`);
    expect(chain.map((c) => c.split('@')[0])).toEqual(['load.request', 'gw.request', 'gw.attempt', 'kv.request', 'raft.propose']);
    expect(new Set(inTrace.map((s) => s.node)).size).toBeGreaterThanOrEqual(3);
    const replicas = inTrace.filter((s) => s.name === 'raft.replicate');
    for (const r of replicas) {
      expect(r.parentSpanId).toBe(write?.spanId);
      expect(r.node).not.toBe(write?.node);
      expect(r.attrs['faultline.outcome']).toBe('applied');
    }
    expect(write?.events.map((e) => e.name)).toEqual(['committed']);
  });

  it('elections are campaign spans with votes as events, faults are nemesis spans', () => {
    const won = spans.filter((s) => s.name === 'raft.campaign' && s.attrs['faultline.outcome'] === 'won' && s.attrs['raft.campaign'] === 'election');
    expect(won.length).toBeGreaterThanOrEqual(2);
    for (const c of won) expect(c.events.filter((e) => e.name === 'vote').length).toBeGreaterThanOrEqual(1);
    const faults = spans.filter((s) => s.name === 'nemesis.fault');
    expect(faults.map((f) => f.attrs['faultline.fault.kind'])).toEqual(['leader', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle', 'partition']);
    expect(faults.every((f) => f.node === 'nemesis')).toBe(true);
    const snap = spans.filter((s) => s.name === 'raft.snapshot' && s.attrs['faultline.outcome'] === 'installed');
    expect(snap.length).toBeGreaterThan(0);
  });

  it('use the ids the messages carry: every kv.req and gw.req holds the traceparent of a recorded span', () => {
    const built = runScenario(loadScenarioRef('test/telemetry/observed-cluster.yaml').scenario, 1, { retainTrace: true }).world;
    const carried = new Set<string>();
    let requests = 0;
    for (const e of built.trace.events()) {
      if (e.kind !== 'msg' || (e.tag !== 'kv.req' && e.tag !== 'gw.req')) continue;
      requests++;
      const tp = (JSON.parse(e.data) as { tp?: string }).tp ?? '';
      expect(tp, e.data).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      carried.add(tp);
    }
    expect(requests).toBeGreaterThan(1000);
    const attempts = new Set(spans.filter((s) => s.name === 'gw.attempt' || s.name === 'load.request').map((s) => `00-${s.traceId as string}-${s.spanId as string}-01`));
    for (const tp of carried) expect(attempts.has(tp), `${tp} names no recorded span`).toBe(true);
    // A server's request span is a child of the attempt its message named.
    for (const s of spans.filter((x) => x.name === 'kv.request')) expect(carried.has(`00-${s.traceId as string}-${s.parentSpanId as string}-01`)).toBe(true);
  });

  it('are the same bytes for the same scenario and seed', async () => {
    expect((await trace('test/telemetry/observed-cluster.yaml', 1)) === text).toBe(true);
  });
});
