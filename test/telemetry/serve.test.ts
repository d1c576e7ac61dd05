// Goal: `faultline serve` is a well-behaved metrics and health server. Method: spawn the
// real CLI on a free 127.0.0.1 port at --speed 20; check /metrics with Debian's promtool
// and by letting the real prometheus scrape it; check the three health endpoints, the
// 4xx answers to bad requests, and that a second server on the same port exits 2.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promtool, requireTools, startPrometheus } from '../support/prometheus.ts';

let proc: ChildProcess;
let base: string;
let port: number;

function startServe(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['bin/faultline.mjs', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ proc: p, port: Number(m[1]) });
      }
    };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

async function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(`${base}${path}`, { headers, method, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

beforeAll(async () => {
  requireTools();
  ({ proc, port } = await startServe(['--speed', '20', '--port', '0']));
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(() => {
  proc?.kill('SIGTERM');
});

describe('faultline serve', () => {
  it('/metrics passes promtool check metrics, with every node labelled', async () => {
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain; version=0.0.4');
    expect(promtool(['check', 'metrics'], m.body)).toBe('');
    for (let n = 0; n < 8; n++) expect(m.body).toContain(`node="n${n}"`);
    expect(m.body).toMatch(/^faultline_sim_events_total \d+$/m);
  });

  it('/metrics speaks OpenMetrics when asked, and the real prometheus scrapes it', async () => {
    const om = await get('/metrics', { accept: 'application/openmetrics-text; version=1.0.0' });
    expect(om.type).toContain('application/openmetrics-text');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    const data = mkdtempSync(join(tmpdir(), 'faultline-scrape-'));
    const prom = await startPrometheus(data, [`127.0.0.1:${port}`], '250ms');
    try {
      let up: { value: [number, string] }[] = [];
      for (let i = 0; i < 50 && up.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        up = await prom.query('up{job="faultline"} == 1 and on() count(faultline_raft_term) == 5', Date.now() / 1000);
      }
      expect(up).toHaveLength(1);
    } finally {
      await prom.stop();
      rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);

  it('the health endpoints report liveness, readiness and each node', async () => {
    let detailed: { ended: boolean; nodes: { node: string; role: string; term: number | null; commitIndex: number | null; lastContactMs: number | null }[]; verdict?: string; leader: string | null };
    for (let i = 0; ; i++) {
      detailed = JSON.parse((await get('/health/detailed')).body);
      if (detailed.ended || i > 100) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(detailed.ended).toBe(true);
    expect(detailed.verdict).toBe('pass');
    expect(detailed.nodes).toHaveLength(8);
    const servers = detailed.nodes.filter((n) => n.role === 'server');
    expect(servers).toHaveLength(5);
    for (const s of servers) expect(s.term).toBeGreaterThan(0);
    expect(servers.some((s) => (s.commitIndex ?? 0) > 100)).toBe(true);
    const live = await get('/health');
    expect(live.status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', leader: detailed.leader });
    expect((await get(`/health/ready?node=${detailed.leader}`)).status).toBe(200);
  }, 40_000);

  it('answers bad requests with 4xx and keeps serving', async () => {
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics?format=json')).status).toBe(400);
    expect((await get('/health/ready?node=n99')).status).toBe(400);
    expect((await get('/health/ready?node=%zz')).status).toBe(400);
    expect((await get('/health/detailed?verbose')).status).toBe(400);
    expect((await get('/metrics', {}, 'POST')).status).toBe(405);
    // A parameter given twice was answered from the first, the second silently ignored.
    const twice = await get('/health/ready?node=n1&node=n2');
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toEqual({ error: 'query parameter "node" is given twice ("n1" and "n2"); give it once' });
    // `//metrics` was parsed as a host named metrics: "no endpoint /".
    const slashes = await get('//metrics');
    expect(slashes.status).toBe(404);
    expect(JSON.parse(slashes.body)).toMatchObject({ error: 'no endpoint //metrics' });
    expect((await get('/health')).status).toBe(200);
  });

  it('a port in use is a clear error with exit code 2', () => {
    const r = spawnSync(process.execPath, ['bin/faultline.mjs', 'serve', '--port', String(port)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`127.0.0.1:${port} is in use`);
  }, 40_000);
});
