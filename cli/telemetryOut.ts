// `faultline run --metrics-out / --traces-out / --logs-out / --history-out`: attaches a
// telemetry session (and, for --history-out, a recorder of the clients' kv.invoke and
// kv.complete telemetry) to the run and writes its files when the run is over.
//
// Contract: every path is checked (a temporary file opened beside it) before the run
// starts, so a bad path exits 2 at once; files appear whole at the end (rename) or not at
// all. The session observes only: the trace hash is the same with or without these flags.
import type { Micros } from '../core/env.ts';
import type { LogLevel } from '../core/telemetry/events.ts';
import { HOST_STATS_US } from '../sim/host/runtime.ts';
import type { RunOptions } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { HistoryRecorder } from '../sim/check/historyRecorder.ts';
import { TelemetrySession } from '../sim/telemetry/session.ts';
import type { World } from '../sim/world/world.ts';
import { formatCount, formatMicros } from '../sim/kernel/time.ts';
import { UsageError } from './args.ts';
import { PendingFile } from './pendingFile.ts';

export interface TelemetryFlags {
  metricsOut: string | undefined;
  tracesOut: string | undefined;
  logsOut: string | undefined;
  historyOut: string | undefined;
  logLevel: LogLevel;
  scrapeIntervalUs: Micros;
}

/**
 * The most node scrapes (scrapes times nodes) --metrics-out records. Each is kept in memory
 * until the run ends and is 4-8 KB of OpenMetrics text; at this limit the file is about
 * 400 MB. The default interval gives the longest catalogue run (load-hour: 10 nodes, 3602 s)
 * 36,030. A 60 s run scraped every 1ms (300,000) ran for 6 minutes, grew to 3.8 GB and then
 * failed to write the file (a string longer than V8 allows).
 */
export const NODE_SCRAPES_MAX = 50_000;

/**
 * Refuses a --scrape-interval that would record more than NODE_SCRAPES_MAX node scrapes
 * over a run of `durationUs` with `nodes` nodes, naming the shortest interval that fits.
 */
export function checkScrapeCount(flags: Pick<TelemetryFlags, 'metricsOut' | 'scrapeIntervalUs'>, durationUs: Micros, nodes: number): void {
  if (flags.metricsOut === undefined) return;
  const scrapes = Math.floor(durationUs / flags.scrapeIntervalUs) + 1;
  if (scrapes * nodes <= NODE_SCRAPES_MAX) return;
  const shortestMs = Math.ceil(durationUs / (Math.floor(NODE_SCRAPES_MAX / nodes) - 1) / 1000);
  throw new UsageError(`--scrape-interval: every ${formatMicros(flags.scrapeIntervalUs)} over this ${formatMicros(durationUs)} run is ${formatCount(scrapes)} scrapes of ${nodes} nodes (${formatCount(scrapes * nodes)} node scrapes); --metrics-out records at most ${formatCount(NODE_SCRAPES_MAX)} (about 400 MB): use --scrape-interval ${shortestMs}ms or longer`);
}

export class TelemetryOutputs {
  session: TelemetrySession | null = null;
  private history: HistoryRecorder | null = null;

  private constructor(
    private readonly flags: TelemetryFlags,
    private readonly files: { metrics: PendingFile | null; traces: PendingFile | null; logs: PendingFile | null; history: PendingFile | null },
    private readonly seed: number,
  ) {}

  /** Null when no telemetry file was asked for; otherwise every path is open (or a UsageError). */
  static open(flags: TelemetryFlags, seed: number, cwd: string): TelemetryOutputs | null {
    if (flags.metricsOut === undefined && flags.tracesOut === undefined && flags.logsOut === undefined && flags.historyOut === undefined) return null;
    const opened: PendingFile[] = [];
    const open = (flag: string, path: string | undefined): PendingFile | null => {
      if (path === undefined) return null;
      const f = PendingFile.open(flag, path, cwd);
      opened.push(f);
      return f;
    };
    try {
      return new TelemetryOutputs(flags, { metrics: open('--metrics-out', flags.metricsOut), traces: open('--traces-out', flags.tracesOut), logs: open('--logs-out', flags.logsOut), history: open('--history-out', flags.historyOut) }, seed);
    } catch (e) {
      for (const f of opened) f.discard();
      throw e;
    }
  }

  private attach(world: World, scenario: Scenario): void {
    if (this.files.history !== null) this.history = new HistoryRecorder(world);
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
    const history = this.files.history;
    if (history !== null) {
      const r = this.history;
      if (r === null) throw new Error('telemetry: the run never attached its history recorder');
      let n = 0;
      const { length, op } = r.source();
      for (let id = 0; id < length; id++) {
        const o = op(id);
        if (o === null) continue;
        history.append(JSON.stringify({ clientId: o.clientId, opId: o.opId, input: o.input, call: o.call, return: o.return === Infinity ? null : o.return, output: o.output }) + '\n');
        n++;
      }
      history.commit();
      if (n === 0) wrote.push(`${history.path} (0 operations: no client reported kv.invoke; this workload records no key-value history)`);
      else wrote.push(`${history.path} (${n} operations${r.overflow ? `, cut at ${r.opsMax} recorded: the rest of the run is not in it` : ''}; check it with \`faultline check ${history.path} --model kv\`)`);
    }
    return wrote;
  }

  /** Removes whatever was not written (after a failure). */
  discard(): void {
    for (const f of Object.values(this.files)) f?.discard();
  }
}
