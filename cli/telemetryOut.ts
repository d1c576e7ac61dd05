// `faultline run --metrics-out / --traces-out / --logs-out`: attaches a telemetry session
// to the run and writes its files when the run is over.
//
// Contract: every path is checked (a temporary file opened beside it) before the run
// starts, so a bad path exits 2 at once; files appear whole at the end (rename) or not at
// all. The session observes only: the trace hash is the same with or without these flags.
import type { Micros } from '../core/env.ts';
import type { LogLevel } from '../core/telemetry/events.ts';
import { HOST_STATS_US } from '../sim/host/runtime.ts';
import type { RunOptions } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { TelemetrySession } from '../sim/telemetry/session.ts';
import type { World } from '../sim/world/world.ts';
import { PendingFile } from './pendingFile.ts';

export interface TelemetryFlags {
  metricsOut: string | undefined;
  tracesOut: string | undefined;
  logsOut: string | undefined;
  logLevel: LogLevel;
  scrapeIntervalUs: Micros;
}

export class TelemetryOutputs {
  session: TelemetrySession | null = null;

  private constructor(
    private readonly flags: TelemetryFlags,
    private readonly files: { metrics: PendingFile | null; traces: PendingFile | null; logs: PendingFile | null },
    private readonly seed: number,
  ) {}

  /** Null when no telemetry file was asked for; otherwise every path is open (or a UsageError). */
  static open(flags: TelemetryFlags, seed: number, cwd: string): TelemetryOutputs | null {
    if (flags.metricsOut === undefined && flags.tracesOut === undefined && flags.logsOut === undefined) return null;
    const opened: PendingFile[] = [];
    const open = (flag: string, path: string | undefined): PendingFile | null => {
      if (path === undefined) return null;
      const f = PendingFile.open(flag, path, cwd);
      opened.push(f);
      return f;
    };
    try {
      return new TelemetryOutputs(flags, { metrics: open('--metrics-out', flags.metricsOut), traces: open('--traces-out', flags.tracesOut), logs: open('--logs-out', flags.logsOut) }, seed);
    } catch (e) {
      for (const f of opened) f.discard();
      throw e;
    }
  }

  private attach(world: World, scenario: Scenario): void {
    const logs = this.files.logs;
    this.session = TelemetrySession.attach(world, scenario, {
      seed: this.seed,
      recordScrapes: this.files.metrics !== null,
      traces: this.files.traces !== null,
      ...(logs === null ? {} : { logLine: (line: string) => logs.append(line), logLevel: this.flags.logLevel }),
    });
  }

  /** `base` plus what the session needs: the observe hook, scrapes at each interval, host stats. */
  runOptions<O extends RunOptions>(base: O): O & { hostStatsUs: Micros } {
    const progress = base.onProgress;
    return {
      ...base,
      progressStepUs: this.flags.scrapeIntervalUs,
      observe: (world: World, scenario: Scenario) => this.attach(world, scenario),
      onProgress: (simUs: Micros, totalUs: Micros, events: number) => {
        this.session?.scrape();
        progress?.(simUs, totalUs, events);
      },
      hostStatsUs: HOST_STATS_US,
    };
  }

  /** Writes every file; returns what was written, for the report. */
  async write(): Promise<string[]> {
    const s = this.session;
    if (s === null) throw new Error('telemetry: the run never attached its session');
    const wrote: string[] = [];
    const { metrics, traces, logs } = this.files;
    if (metrics !== null) {
      metrics.commit(await s.openMetrics());
      wrote.push(`${metrics.path} (${s.scrapeCount} scrapes)`);
    }
    if (traces !== null) {
      const otlp = await s.otlpJson();
      traces.commit(otlp.bytes);
      wrote.push(`${traces.path} (${otlp.spans} spans)`);
    }
    if (logs !== null) {
      s.flushLogs();
      logs.commit();
      wrote.push(`${logs.path} (${s.logCount} records)`);
    }
    return wrote;
  }

  /** Removes whatever was not written (after a failure). */
  discard(): void {
    for (const f of Object.values(this.files)) f?.discard();
  }
}
