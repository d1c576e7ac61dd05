// A telemetry session: everything that observes one run (metrics now; traces and logs
// when asked) attached to its world, and the exporters that turn it into files or an
// HTTP exposition.
//
// Contract: attaching adds listeners only (telemetry, trace, send tap) and turns on the
// runtime's host stats, which are telemetry too; the trace hash is the same with or
// without a session (test/telemetry/observerEffect.test.ts). `scrape()` is called by the
// run loop at each scrape boundary of virtual time; it is synchronous and copies the
// store, so rendering (prom-client is asynchronous) happens after the run, in order.
import type { Micros } from '../../core/env.ts';
import { HOST_STATS_US } from '../host/runtime.ts';
import type { FaultSpec, Scenario } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import type { TraceKind } from '../trace/trace.ts';
import { seedText } from '../run/runScenario.ts';
import type { LogLevel } from '../../core/telemetry/events.ts';
import { JsonLogger } from './logs.ts';
import { SPAN_FEEDS, SpanFeeds } from './spanFeeds.ts';
import { MetricFeeds, EVENT_FEEDS } from './metricFeeds.ts';
import { OpenMetricsRecorder } from './openMetrics.ts';
import { Registries, type ExpositionFormat } from './registries.ts';
import { MetricStore, type Capture } from './store.ts';

export const SCRAPE_INTERVAL_DEFAULT_US = 1_000_000;

export interface TelemetryOptions {
  /** The run's seed (ids of spans that do not come from a request's identity). */
  seed?: number;
  /** Keep a copy of the metrics at every scrape() for openMetrics(). */
  recordScrapes?: boolean;
  /** Record OpenTelemetry spans for otlpJson(). */
  traces?: boolean;
  /** Where JSON log lines go (each ends with a newline); absent: no logs. */
  logLine?: (line: string) => void;
  /** The lowest level logged (default info: debug adds every request, entry and stats event). */
  logLevel?: LogLevel;
}

/** A run's spans as an OTLP/JSON ExportTraceServiceRequest. */
export interface OtlpJson {
  /** UTF-8, as OpenTelemetry's serializer wrote it (what a file gets). */
  readonly bytes: Uint8Array;
  /** The same, decoded (on first read). */
  readonly text: string;
  readonly spans: number;
  readonly dropped: number;
}

/** What a trace record of these kinds is called in the logs. */
const NODE_EVENTS: Partial<Record<TraceKind, string>> = { crash: 'node.crash', oom: 'node.oom', restart: 'node.restart', pause: 'node.pause', resume: 'node.resume' };

export class TelemetrySession {
  readonly store: MetricStore;
  readonly feeds: MetricFeeds;
  private registriesMade: Registries | null = null;
  readonly faults: readonly FaultSpec[];
  private readonly captures: { tUs: Micros; cap: Capture }[] = [];
  private readonly logger: JsonLogger | null;
  private readonly spans: SpanFeeds | null;
  private violationsLogged = 0;

  private constructor(readonly world: World, readonly scenario: Scenario, private readonly opts: TelemetryOptions) {
    const roles = world.config.nodes.map((n) => n.role);
    this.store = new MetricStore(world.nodeCount);
    this.feeds = new MetricFeeds(this.store, roles);
    this.faults = scenario.faults;
    this.logger = opts.logLine === undefined ? null : new JsonLogger(opts.logLine, opts.logLevel ?? 'info');
    this.spans = opts.traces === true ? new SpanFeeds(seedText(scenario, opts.seed ?? 0)) : null;
  }

  /**
   * Observes `world` (built, not yet run) for `scenario` as run (swarm faults drawn). With
   * nodes in workers, pass HOST_STATS_US to the lockstep runners as well (runScenarioLockstep's
   * hostStatsUs): this turns host stats on only for in-process runtimes.
   */
  static attach(world: World, scenario: Scenario, opts: TelemetryOptions = {}): TelemetrySession {
    const s = new TelemetrySession(world, scenario, opts);
    const { feeds, spans, logger } = s;
    // One listener of each kind does everything, so an event costs one dispatch.
    world.onTelemetry((t, node, name, fields) => {
      if (node < 0) return;
      const feed = EVENT_FEEDS[name];
      if (feed !== undefined) feed(feeds, t, node, fields);
      if (spans !== null) {
        const sf = SPAN_FEEDS[name];
        if (sf !== undefined) sf(spans, t, node, fields);
      }
      if (logger !== null) {
        s.logViolations();
        logger.log(t, node, name, fields);
      }
    });
    world.trace.onRecord((t, node, kind, from, tag) => {
      feeds.onTrace(t, node, kind, from, tag);
      spans?.onTrace(t, node, kind, from, tag);
      if (logger !== null && kind !== 'msg' && kind !== 'drop' && kind !== 'timer') {
        s.logViolations();
        const event = NODE_EVENTS[kind];
        if (event !== undefined) logger.log(t, node, event, {});
        else if (kind === 'fault') logger.log(t, node, 'nemesis.action', { action: tag });
      }
    });
    world.onSend((from, _to, msg, sizeBytes) => feeds.onSend(from, msg, sizeBytes));
    if (world.runtime !== null) world.runtime.hostStatsUs = HOST_STATS_US;
    return s;
  }

  /**
   * The run's spans as OTLP/JSON (call once, after the run). Asynchronous because the
   * OpenTelemetry SDK it replays the spans through is loaded only here: it is ~480 KB of the
   * CLI's bundle, which every `faultline` start would otherwise parse (docs/performance.md).
   */
  async otlpJson(): Promise<OtlpJson> {
    const spans = this.spans;
    if (spans === null) throw new Error('telemetry: traces were not recorded (TelemetryOptions.traces)');
    const { otlpJsonOf } = await import('./otlp.ts');
    spans.finish(this.faults, this.world.nowUs);
    const roles = this.world.config.nodes.map((n) => n.role);
    const bytes = otlpJsonOf(spans.rec.ids(), { scenario: this.scenario.name, seed: this.opts.seed ?? 0, roles });
    let text: string | null = null;
    return {
      bytes,
      get text(): string {
        text ??= new TextDecoder().decode(bytes);
        return text;
      },
      spans: spans.rec.spans.length,
      dropped: spans.rec.dropped,
    };
  }

  /** Logs violations reported since the last look (checks report them outside any listener). */
  private logViolations(): void {
    if (this.violationsLogged === this.world.violations.length) return;
    const vs = this.world.violations;
    for (; this.violationsLogged < vs.length; this.violationsLogged++) {
      const v = vs[this.violationsLogged];
      this.logger?.log(v.t, v.node ?? -1, 'check.violation', { check: v.check, message: v.message });
    }
  }

  /** Logs what is still pending at the end of the run (violations found by end-of-run checks). */
  flushLogs(): void {
    this.logViolations();
  }

  get logCount(): number {
    return this.logger?.count ?? 0;
  }

  /** A scrape boundary: refreshes the simulator's metrics and, if recording, copies the store. */
  scrape(): void {
    this.feeds.sampleSim(this.world, this.faults);
    if (this.opts.recordScrapes === true) this.captures.push({ tUs: this.world.nowUs, cap: this.store.capture() });
  }

  /** The prom-client registries over the store, built on first use (nothing on the hot path needs them). */
  get registries(): Registries {
    return (this.registriesMade ??= new Registries(this.store, this.world.config.nodes.map((n) => n.role)));
  }

  /** The current exposition of every registry (for /metrics). */
  async render(format: ExpositionFormat): Promise<string> {
    this.feeds.sampleSim(this.world, this.faults);
    return this.registries.render(format);
  }

  /** Every recorded scrape as one OpenMetrics text (timestamps: fixed epoch + virtual time). */
  async openMetrics(): Promise<string> {
    const rec = new OpenMetricsRecorder();
    try {
      for (const { tUs, cap } of this.captures) {
        this.store.view(cap);
        rec.add(await this.registries.render('openmetrics'), tUs);
      }
    } finally {
      this.store.view(null);
    }
    return rec.toString();
  }

  get scrapeCount(): number {
    return this.captures.length;
  }
}
