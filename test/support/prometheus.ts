// Debian's real Prometheus for the telemetry tests: promtool and a prometheus server on a
// free 127.0.0.1 port with its own temporary directory, stopped after the test.
//
// Contract: every helper is bounded in time (a hung tool fails the test, it never waits
// forever); a missing tool fails loudly with the command that installs it, never skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export function requireTools(): void {
  for (const tool of [PROMETHEUS, PROMTOOL]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing. Install Debian's Prometheus with: apt-get update && apt-get install -y prometheus`);
  }
}

/** Runs promtool with `args` (and `input` on stdin); throws with its output if it fails. */
export function promtool(args: string[], input?: string): string {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`promtool ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PromServer {
  url: string;
  /** An instant PromQL query at `timeS` (Unix seconds); the result vector. */
  query(expr: string, timeS: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** A range query; the result matrix. */
  queryRange(expr: string, startS: number, endS: number, stepS: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  stop(): Promise<void>;
}

async function waitReady(url: string, proc: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus was not ready within ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts prometheus on 127.0.0.1 with `dataDir` as its TSDB (blocks made by promtool, or
 * empty) and optional scrape targets. Stop it with stop(); its config lives in a temp dir.
 */
export async function startPrometheus(dataDir: string, scrapeTargets: string[] = [], scrapeInterval = '1s'): Promise<PromServer> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-prom-'));
  const cfg = join(dir, 'prometheus.yml');
  const jobs = scrapeTargets.length === 0 ? '' : `scrape_configs:\n  - job_name: faultline\n    scrape_interval: ${scrapeInterval}\n    static_configs:\n      - targets: [${scrapeTargets.map((t) => `'${t}'`).join(', ')}]\n`;
  writeFileSync(cfg, `global:\n  scrape_interval: ${scrapeInterval}\n  evaluation_interval: 1m\n${jobs}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const proc = spawn(PROMETHEUS, [`--config.file=${cfg}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=100y', '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(hard);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, proc, () => out, 20_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const api = async (path: string, params: Record<string, string>): Promise<unknown> => {
    const r = await fetch(`${url}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await r.json()) as { status: string; data: { result: unknown }; error?: string };
    if (body.status !== 'success') throw new Error(`PromQL ${params.query}: ${body.error ?? r.status}`);
    return body.data.result;
  };
  return {
    url,
    query: async (expr, timeS) => (await api('/api/v1/query', { query: expr, time: String(timeS) })) as { metric: Record<string, string>; value: [number, string] }[],
    queryRange: async (expr, startS, endS, stepS) => (await api('/api/v1/query_range', { query: expr, start: String(startS), end: String(endS), step: String(stepS) })) as { metric: Record<string, string>; values: [number, string][] }[],
    stop,
  };
}
