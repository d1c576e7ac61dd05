// `faultline serve`: runs a scenario paced to wall time and serves its telemetry over
// HTTP: /metrics (every node's registry, node="nK"), /health, /health/ready and
// /health/detailed (the Snakepit endpoints).
//
// Contract: the run is the same run `faultline run` makes (same scenario, seed, hash);
// pacing only decides how far it has got when a request arrives. The server binds
// 127.0.0.1 unless --host says otherwise. Bad query strings and unknown paths get a 4xx
// JSON answer, never a crash; a port in use is a UsageError (exit 2). A run that has ended
// keeps serving its final state until the process is stopped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { materialize } from '../sim/faults/swarm.ts';
import { buildRun, EVENTS_MAX_DEFAULT, reportOf, type BuiltRun, type RunReport } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { detailedHealth, readiness } from '../sim/telemetry/health.ts';
import { CONTENT_TYPES, type ExpositionFormat } from '../sim/telemetry/registries.ts';
import { TelemetrySession } from '../sim/telemetry/session.ts';
import { parseCount, parseFlags, parsePort, parseSeed, UsageError } from './args.ts';
import { DEFAULT_SCENARIO } from './catalog.ts';
import type { Io } from './main.ts';
import { loadScenarioRef } from './scenarioRef.ts';
import { sleepMs, WallPacer } from './wallclock.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadPaths } from './workloadFlag.ts';
import { formatCount } from '../sim/kernel/time.ts';

export const SERVE_PORT_DEFAULT = 9464;
export const SPEED_MAX = 1_000_000;
/** Wall time between two steps of the paced run; requests are served in between. */
const TICK_MS = 20;
/** Events one step runs at most, so a slow simulation never starves the HTTP server. */
const STEP_EVENTS_MAX = 20_000;

/** A scenario run paced to wall time, with its telemetry. */
export class PacedRun {
  readonly built: BuiltRun;
  readonly session: TelemetrySession;
  report: RunReport | null = null;
  private stopped = false;

  constructor(readonly scenario: Scenario, readonly seed: number, private readonly speed: number) {
    const s = materialize(scenario, seed);
    this.built = buildRun(s, seed, false);
    this.session = TelemetrySession.attach(this.built.world, s, { seed });
    this.scenario = s;
  }

  get ended(): boolean {
    return this.report !== null;
  }

  /** Advances the run with wall time until it ends (or stop() is called). */
  async loop(onEnd: (r: RunReport) => void): Promise<void> {
    const pacer = new WallPacer(this.speed);
    const world = this.built.world;
    const duration = this.scenario.duration;
    while (!this.stopped && this.report === null) {
      const target = Math.min(duration, pacer.targetUs());
      if (target > world.nowUs || (target === duration && world.nowUs < duration)) {
        const reason = world.run({ timeUs: target, eventsMax: Math.min(EVENTS_MAX_DEFAULT, world.executed + STEP_EVENTS_MAX) });
        if (reason === 'events' && world.executed >= EVENTS_MAX_DEFAULT) {
          // As in run and sweep: a run stopped by its event limit could not be judged (inconclusive).
          world.halt(`stopped after ${formatCount(EVENTS_MAX_DEFAULT)} events, the run's event limit; shorten the scenario`);
          this.end(onEnd);
          break;
        }
      }
      if (world.nowUs >= duration) this.end(onEnd);
      else await sleepMs(TICK_MS);
    }
  }

  private end(onEnd: (r: RunReport) => void): void {
    const extra = this.built.finish();
    this.report = reportOf(this.scenario, this.seed, this.built.world, extra);
    this.session.scrape();
    onEnd(this.report);
  }

  stop(): void {
    this.stopped = true;
  }
}

interface Answer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

function json(status: number, value: unknown): Answer {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value, null, 2) + '\n' };
}

/** A 400 for any query parameter not in `allowed`, or one given twice (only one would be read). */
function unexpectedParams(url: URL, allowed: readonly string[]): Answer | null {
  const seen = new Set<string>();
  for (const k of url.searchParams.keys()) {
    if (!allowed.includes(k)) return json(400, { error: `unknown query parameter "${k}"`, allowed });
    if (seen.has(k)) return json(400, { error: `query parameter "${k}" is given twice (${url.searchParams.getAll(k).map((x) => JSON.stringify(x)).join(' and ')}); give it once` });
    seen.add(k);
  }
  return null;
}

type Route = (run: PacedRun, url: URL, req: IncomingMessage) => Answer | Promise<Answer>;

/** The endpoints, by path (a new endpoint registers here). */
export const ROUTES: Readonly<Record<string, Route>> = {
  '/metrics': async (run, url, req) => {
    const bad = unexpectedParams(url, []);
    if (bad !== null) return bad;
    const format: ExpositionFormat = (req.headers.accept ?? '').includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
    return { status: 200, type: CONTENT_TYPES[format], body: await run.session.render(format) };
  },
  '/health': (run, url) => unexpectedParams(url, []) ?? json(200, { status: 'ok', simulatedMs: run.built.world.nowUs / 1000, ended: run.ended }),
  '/health/ready': (run, url) => {
    const bad = unexpectedParams(url, ['node']);
    if (bad !== null) return bad;
    const nodeText = url.searchParams.get('node');
    let only: number | null = null;
    if (nodeText !== null) {
      const m = /^n?(\d+)$/.exec(nodeText);
      only = m === null ? -1 : Number(m[1]);
      if (!(only >= 0 && only < run.built.world.nodeCount)) return json(400, { error: `node: expected a node name n0..n${run.built.world.nodeCount - 1}, got "${nodeText}"` });
    }
    const r = readiness(run.built.world, run.session.feeds.nodes, only);
    return json(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not_ready', ...r });
  },
  '/health/detailed': (run, url) => {
    const bad = unexpectedParams(url, []);
    if (bad !== null) return bad;
    const d = detailedHealth(run.built.world, run.session.feeds.nodes, run.session.faults);
    const r = run.report;
    return json(200, { scenario: run.scenario.name, seed: run.seed, ...d, ended: r !== null, ...(r === null ? {} : { verdict: r.violations.length === 0 ? 'pass' : 'fail', traceHash: r.traceHash }) });
  },
};

async function answer(run: PacedRun, req: IncomingMessage): Promise<Answer> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { ...json(405, { error: `method ${req.method ?? '?'} not allowed` }), headers: { allow: 'GET, HEAD' } };
  let url: URL;
  const target = req.url ?? '/';
  try {
    // The origin-form target (`/metrics?x`) is a path: parsed on its own, `//metrics` would
    // be read as a host named "metrics" and the path "/". An absolute-form target is a URL.
    url = target.startsWith('/') ? new URL(`http://faultline.invalid${target}`) : new URL(target);
  } catch {
    return json(400, { error: 'malformed request target' });
  }
  const route = Object.hasOwn(ROUTES, url.pathname) ? ROUTES[url.pathname] : undefined;
  if (route === undefined) return json(404, { error: `no endpoint ${url.pathname}`, endpoints: Object.keys(ROUTES) });
  return route(run, url, req);
}

function respond(res: ServerResponse, a: Answer, head: boolean): void {
  res.writeHead(a.status, { 'content-type': a.type, 'cache-control': 'no-store', ...a.headers });
  res.end(head ? undefined : a.body);
}

/** Listens on host:port; a port in use (or refused) is a UsageError. */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_FAIL') {
        reject(new UsageError(`--host: ${host} is not a host name or address this machine can resolve; use an address such as 127.0.0.1 or 0.0.0.0`));
        return;
      }
      const why = e.code === 'EADDRINUSE' ? 'is in use' : e.code === 'EACCES' ? 'needs privileges' : e.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : (e.message ?? String(e));
      reject(new UsageError(`--port: ${host}:${port} ${why}; choose another with --port (0 picks a free one)${e.code === 'EADDRNOTAVAIL' ? ' or fix --host' : ''}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function parseSpeed(text: string): number {
  const v = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(v > 0) || v > SPEED_MAX) throw new UsageError(`--speed: expected a positive number up to ${SPEED_MAX} (virtual seconds per wall second), got "${text}"`);
  return v;
}

export function cmdServe(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, 'serve', { scenario: { type: 'string', short: 's' }, seed: { type: 'string' }, speed: { type: 'string' }, port: { type: 'string', short: 'p' }, host: { type: 'string' }, ...WORKLOAD_FLAG });
  const workloads = workloadPaths(values.workload);
  return Promise.resolve(withWorkloads(workloads, io.cwd, () => serve(values, workloads, io)));
}

async function serve(values: Record<string, string | boolean | string[] | undefined>, workloads: string[], io: Io): Promise<number> {
  const seed = values.seed === undefined ? 1 : parseSeed(values.seed as string);
  const speed = values.speed === undefined ? 1 : parseSpeed(values.speed as string);
  const port = parsePort(values.port as string | undefined, SERVE_PORT_DEFAULT);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host: expected an address such as 127.0.0.1');
  const loaded = loadScenarioRef((values.scenario as string | undefined) ?? DEFAULT_SCENARIO, workloads);
  const run = new PacedRun(loaded.scenario, seed, speed);
  const server = createServer((req, res) => {
    answer(run, req).then(
      (a) => respond(res, a, req.method === 'HEAD'),
      (e: unknown) => respond(res, json(500, { error: e instanceof Error ? e.message : String(e) }), false),
    );
  });
  const addr = await listen(server, host, port);
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  io.out(`faultline serve: ${run.scenario.name} seed ${seed} at ${speed}x on http://${shown}:${addr.port}\n  endpoints: ${Object.keys(ROUTES).join(', ')}  (Ctrl-C to stop)\n`);
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      run.stop();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await run.loop((r) => io.out(`  run ended: ${r.violations.length === 0 ? 'PASS' : 'FAIL'} · ${formatCount(r.events)} events · trace ${r.traceHash}; serving its final state\n`));
  await stopped;
  return 0;
}
