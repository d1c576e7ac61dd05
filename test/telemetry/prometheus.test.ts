// Goal: the metrics faultline writes are real Prometheus data. Method: run the telemetry
// fixture (test/telemetry/observed-cluster.yaml: a leader crash, a CPU sickness that opens
// breakers, a partition) with `faultline run --metrics-out`; Debian's promtool turns the
// OpenMetrics file into TSDB blocks; the real prometheus server loads them and answers
// PromQL, which must match the run's report (one leader per term, the final term, the
// crashes, the elections); and every expression of the Grafana dashboard must return data.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENMETRICS_EPOCH_S } from '../../sim/telemetry/openMetrics.ts';
import { cliAsync } from '../cliHarness.ts';
import { promtool, requireTools, startPrometheus, type PromServer } from '../support/prometheus.ts';

const FIXTURE = 'test/telemetry/observed-cluster.yaml';
const SCRAPE = '250ms';
/** What Grafana would put for its interval variables at this scrape interval. */
const GRAFANA_VARS: Record<string, string> = { $__rate_interval: '2s', $__interval: '1s', $__range: '11s' };

let dir: string;
let prom: PromServer;
let report: { traceHash: string; simulatedMs: number; stats: Record<string, number | string> };
let blocksOut: string;
let endS: number;

beforeAll(async () => {
  requireTools();
  dir = mkdtempSync(join(tmpdir(), 'faultline-promtest-'));
  const file = join(dir, 'metrics.om');
  const r = await cliAsync(process.cwd(), 'run', '--scenario', FIXTURE, '--seed', '1', '--metrics-out', file, '--scrape-interval', SCRAPE, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  report = JSON.parse(r.out);
  blocksOut = promtool(['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'data')]);
  endS = OPENMETRICS_EPOCH_S + report.simulatedMs / 1000;
  prom = await startPrometheus(join(dir, 'data'));
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function scalar(expr: string): Promise<number> {
  const v = await prom.query(expr, endS);
  expect(v, expr).toHaveLength(1);
  return Number(v[0].value[1]);
}

describe('a --metrics-out file in the real Prometheus', () => {
  it('promtool turns it into one block holding every scrape', () => {
    const lines = blocksOut.split('\n').filter((l) => /^[0-9A-Z]{26}\s/.test(l));
    expect(lines).toHaveLength(1);
    const [, minT, maxT] = lines[0].split(/\s+/);
    expect(Number(minT)).toBe((OPENMETRICS_EPOCH_S + 0.25) * 1000);
    expect(Number(maxT)).toBe(endS * 1000 + 1);
  });

  it('PromQL sees exactly one leader per term, one term per election of the report', async () => {
    const perTerm = await prom.query('count by (term) (max_over_time(count_values by (node) ("term", faultline_raft_leader_term > 0)[1h:250ms]))', endS);
    expect(perTerm.length).toBe(report.stats.elections);
    for (const r of perTerm) expect(r.value[1], `term ${r.metric.term}`).toBe('1');
    expect(await scalar('sum(faultline_raft_elections_won_total)')).toBe(report.stats.elections);
  });

  it('PromQL gives the final term and the number of crashes of the report', async () => {
    expect(await scalar('max(faultline_raft_term)')).toBe(report.stats.finalTerm);
    expect(await scalar('sum(faultline_node_crashes_total)')).toBe(report.stats.crashes);
    expect(report.stats.crashes).toBeGreaterThan(0);
  });

  it('every PromQL expression of the Grafana dashboard returns data', async () => {
    const dash = JSON.parse(readFileSync('docs/grafana/faultline-cluster.json', 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[]; annotations: { list: { name: string; expr: string }[] } };
    const exprs = [
      ...dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
      ...dash.annotations.list.map((a) => ({ where: `annotation ${a.name}`, expr: a.expr })),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    for (const { where, expr } of exprs) {
      const concrete = expr.replace(/\$__\w+/g, (v) => GRAFANA_VARS[v] ?? v);
      expect(concrete, `${where}: unknown Grafana variable`).not.toMatch(/\$/);
      const m = await prom.queryRange(concrete, OPENMETRICS_EPOCH_S, endS, 1);
      expect(m.length, `${where}: ${expr} returned no data`).toBeGreaterThan(0);
    }
  });
});
