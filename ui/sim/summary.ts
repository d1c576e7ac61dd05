// The full run of a session, to its end: the trace hash the CLI prints, the checks'
// verdict, timeline markers and the series the charts draw.
//
// Contract: the world is built by buildRun and run to the scenario's duration with the
// same event bound and the same end-of-run `finish` as the CLI's runScenario, so the hash
// equals `faultline run --scenario <same file> --seed <same seed>`. Observing (trace tap,
// telemetry listener, the telemetry session's metric store, inspect() at bucket ends)
// never changes the run.
import type { Micros, NodeId } from '../../core/env.ts';
import { buildRun, EVENTS_MAX_DEFAULT, eventLimitReason } from '../../sim/run/runScenario.ts';
import type { World } from '../../sim/world/world.ts';
import { actionLabel, isHealAction, isHousekeepingAction } from '../lib/faultText.ts';
import { sessionScenario } from '../lib/sessionScenario.ts';
import type { Marker, Series, SessionSpec, Summary } from './protocol.ts';
import { TelemetrySession } from '../../sim/telemetry/session.ts';
import { tapTrace } from './traceTap.ts';

/** Buckets the charts get at most; a bucket is never shorter than this many µs. */
export const BUCKETS_MAX = 400;
export const BUCKET_US_MIN = 1_000;
/** Timeline markers kept at most; the rest are counted. */
export const MARKERS_MAX = 4_000;

const HOST_KINDS: Record<string, Marker['kind']> = { crash: 'crash', restart: 'restart', pause: 'pause', resume: 'resume', oom: 'oom' };

class MarkerSink {
  readonly markers: Marker[] = [];
  dropped = 0;

  add(m: Marker): void {
    if (this.markers.length < MARKERS_MAX) this.markers.push(m);
    else this.dropped++;
  }
}

function watchTelemetry(world: World, sink: MarkerSink): void {
  const roles = new Map<NodeId, string>();
  world.onTelemetry((t, node, name, fields) => {
    if (name === 'raft.role') {
      const role = String(fields.role);
      if (roles.get(node) === role) return;
      roles.set(node, role);
      sink.add({ t, kind: 'role', node, label: `n${node} → ${role} (term ${String(fields.term)})` });
    } else if (name === 'fd.suspect' || name === 'fd.trust') {
      sink.add({ t, kind: name === 'fd.suspect' ? 'suspect' : 'trust', node, label: `n${node} ${name === 'fd.suspect' ? 'suspects' : 'trusts'} n${String(fields.peer)}` });
    } else if (name === 'mapek.decision' || name === 'mapek.outcome') {
      // The self-healing manager's actions and how each one ended, on the events lane.
      const target = Number(fields.target);
      const on = target < 0 ? 'the service' : `n${target}`;
      const label = name === 'mapek.decision'
        ? `manager n${node}: ${String(fields.action)} ${on} (${String(fields.cause)})`
        : `manager n${node}: ${String(fields.action) || 'no action'} on ${on} → ${String(fields.outcome)} after ${(Number(fields.ttrUs) / 1000).toFixed(0)} ms`;
      sink.add({ t, kind: 'action', node: target < 0 ? null : target, label });
    }
  });
}

/** Numeric fields of each node's inspect() details (array fields as their length). */
function sampleMetrics(world: World, into: Record<string, (number | null)[][]>, bucket: number, buckets: number): void {
  const n = world.hosts.length;
  for (const h of world.hosts) {
    const d = h.status !== 'down' && h.process?.inspect !== undefined ? h.process.inspect().details ?? {} : {};
    for (const [k, v] of Object.entries(d)) {
      const x = typeof v === 'number' ? v : Array.isArray(v) ? v.length : null;
      if (x === null || !Number.isFinite(x)) continue;
      const name = Array.isArray(v) ? `#${k}` : k;
      const rows = (into[name] ??= Array.from({ length: n }, () => new Array<number | null>(buckets).fill(null)));
      rows[h.id][bucket] = x;
    }
  }
}

function emptySeries(bucketUs: Micros, buckets: number): Series {
  const z = (): number[] => new Array<number>(buckets).fill(0);
  return { bucketUs, messages: z(), drops: z(), events: z(), timers: z(), metrics: {} };
}

export function summarize(spec: SessionSpec, wallNowMs: () => number): Summary {
  const t0 = wallNowMs();
  const s = sessionScenario(spec.scenario, spec.seed, spec.interventions);
  const { world, finish } = buildRun(s, spec.seed, false);
  const sink = new MarkerSink();
  const bucketUs = Math.max(BUCKET_US_MIN, Math.ceil(s.duration / BUCKETS_MAX));
  const buckets = Math.max(1, Math.ceil(s.duration / bucketUs));
  const series = emptySeries(bucketUs, buckets);
  let traced = 0;
  tapTrace(world.trace, (t, node, kind, from, tag) => {
    traced++;
    const b = Math.min(buckets - 1, Math.floor(t / bucketUs));
    if (kind === 'msg') series.messages[b]++;
    else if (kind === 'drop') series.drops[b]++;
    else if (kind === 'timer') series.timers[b]++;
    else if (kind === 'fault' && !isHousekeepingAction(tag)) sink.add({ t, kind: isHealAction(tag) ? 'heal' : 'fault', node: null, label: actionLabel(tag) });
    else if (HOST_KINDS[kind] !== undefined) sink.add({ t, kind: HOST_KINDS[kind], node, label: `n${node} ${kind}${from >= 0 ? ` (from n${from})` : ''}` });
  });
  watchTelemetry(world, sink);
  const telemetry = TelemetrySession.attach(world, s, { seed: spec.seed });
  runBuckets(world, s.duration, bucketUs, buckets, series, (b) => sampleRegistries(telemetry, series.metrics, b, buckets));
  const stats = finish();
  world.concludeChecks();
  for (const v of world.violations) sink.add({ t: v.t, kind: 'violation', node: v.node, label: `${v.check}: ${v.message.split('\n')[0]}` });
  return {
    scenario: s.name, seed: spec.seed, traceHash: world.trace.digest(), events: world.kernel.executed, traced,
    simulatedUs: world.nowUs, violations: world.violations, inconclusive: world.inconclusive, stats, markers: sink.markers.sort((a, b) => a.t - b.t),
    markersDropped: sink.dropped, series, wallMs: wallNowMs() - t0,
  };
}

/**
 * The charts' Prometheus series: every node's unlabelled gauges and counters, read from the
 * metric store the session's prom-client registries expose (sim/telemetry), under their
 * metric names, at the end of each bucket.
 */
function sampleRegistries(telemetry: TelemetrySession, into: Record<string, (number | null)[][]>, bucket: number, buckets: number): void {
  const store = telemetry.store;
  for (const fam of store.families) {
    if (fam.spec.scope !== 'node' || fam.spec.kind === 'histogram' || fam.labelNames.length > 0) continue;
    for (let node = 0; node < store.nodeCount; node++) {
      const cells = fam.cells(node);
      if (cells.length === 0) continue;
      const rows = (into[fam.spec.name] ??= Array.from({ length: store.nodeCount }, () => new Array<number | null>(buckets).fill(null)));
      rows[node][bucket] = store.read(cells[0].off);
    }
  }
}

/** The run loop of runScenario, one chunk per chart bucket, sampling metrics at each end. */
function runBuckets(world: World, durationUs: Micros, bucketUs: Micros, buckets: number, series: Series, sample: (bucket: number) => void): void {
  let executed = 0;
  for (let b = 0, t = 0; t < durationUs; b++) {
    t = Math.min(durationUs, t + bucketUs);
    const reason = world.run({ timeUs: t, eventsMax: EVENTS_MAX_DEFAULT });
    series.events[Math.min(b, buckets - 1)] += world.kernel.executed - executed;
    executed = world.kernel.executed;
    sampleMetrics(world, series.metrics, Math.min(b, buckets - 1), buckets);
    sample(Math.min(b, buckets - 1));
    if (reason === 'events') world.halt(eventLimitReason(EVENTS_MAX_DEFAULT, world.nowUs, durationUs));
    if (world.haltedBy !== null) break;
  }
}
