// Goal: the registry holds the built-ins, refuses malformed or clashing definitions with
// every problem named by field, and a workload registered through it runs like a built-in
// (its section validated by path, its nodes, checks and stats in the report, the same
// hash twice). Method: define small workloads inline, register them, parse and run
// scenarios that name them.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { NodeContext, NodeId, Process } from '../../core/env.ts';
import { runScenario } from '../run/runScenario.ts';
import { validateScenario } from '../scenario/parse.ts';
import { duration } from '../scenario/schema.ts';
import { raftSection } from './kvSections.ts';
import { findWorkload, registeredWorkloads, registerWorkload, WorkloadDefinitionError } from './registry.ts';
import { defineWorkload, type Workload } from './workload.ts';

/** Node 0 pings every other node each interval; a ping is answered with a pong. */
class Pinger implements Process {
  private ctx!: NodeContext;
  constructor(private readonly peers: NodeId[], private readonly intervalUs: number) {}
  start(ctx: NodeContext): void {
    this.ctx = ctx;
    if (this.peers.length > 0) ctx.setTimer(this.intervalUs, 'ping');
  }
  onMessage(from: NodeId, msg: unknown): void {
    const m = msg as { type?: string };
    if (m.type === 'ping') this.ctx.send(from, { type: 'pong' });
    else if (m.type === 'pong') this.ctx.telemetry.emit('pong', { from });
  }
  onTimer(): void {
    for (const p of this.peers) this.ctx.send(p, { type: 'ping' });
    this.ctx.setTimer(this.intervalUs, 'ping');
  }
}

const pingSection = z.object({ interval: duration.default(100_000), pongsMin: z.number().int().min(0) }).strict();

const pingWorkload = defineWorkload({
  name: 'ping-test',
  description: 'Node 0 pings the others; at the end it must have heard pongsMin pongs.',
  sections: { ping: pingSection },
  nodes: (s) => Array.from({ length: s.topology.nodes }, (_, id) => ({
    role: 'server',
    factory: () => new Pinger(id === 0 ? Array.from({ length: s.topology.nodes - 1 }, (_, i) => i + 1) : [], s.ping.interval),
  })),
  install(world, s) {
    let pongs = 0;
    world.onTelemetry((_t, _node, name) => {
      if (name === 'pong') pongs++;
    });
    return {
      finish() {
        if (pongs < s.ping.pongsMin) world.violate('pongs', null, `heard ${pongs} pongs, expected at least ${s.ping.pongsMin}`);
        return { pongs };
      },
    };
  },
});

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof WorkloadDefinitionError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

const SCENARIO = { name: 'pings', description: 'x', workload: 'ping-test', topology: { nodes: 3 }, duration: '2s' };

describe('the workload registry', () => {
  it('holds the built-ins, in order', () => {
    expect(registeredWorkloads().map((w) => w.name).slice(0, 3)).toEqual(['heartbeat', 'raft-kv', 'load-kv']);
  });

  it('lists every problem of a malformed definition by field', () => {
    const problems = problemsOf(() => registerWorkload({ name: 'Bad Name', sections: { raft2: { parse: () => 1 }, name: z.object({}) }, nodes: 3, instal: () => ({}) }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^instal: unknown field/),
      expect.stringMatching(/^name: expected lowercase letters/),
      expect.stringMatching(/^description: expected a sentence/),
      expect.stringMatching(/^sections\.raft2: expected a zod 4 schema/),
      expect.stringMatching(/^sections\.name: "name" is a field every scenario has/),
      expect.stringMatching(/^nodes: expected a function/),
      expect.stringMatching(/^install: expected a function/),
    ]));
    expect(problemsOf(() => registerWorkload(null))).toEqual([expect.stringMatching(/^\(workload\): expected a workload object/)]);
  });

  it('refuses a taken name and a section key declared with another schema, but shares one declared with the same schema', () => {
    const base = { description: 'x', nodes: () => [], install: () => ({}) };
    expect(problemsOf(() => registerWorkload({ ...base, name: 'raft-kv', sections: {} }))).toEqual([expect.stringMatching(/^name: "raft-kv" is already taken by the built-in workload raft-kv/)]);
    expect(problemsOf(() => registerWorkload({ ...base, name: 'raft-other', sections: { raft: z.object({}) } }))).toEqual([
      expect.stringMatching(/^sections\.raft: the "raft" section is already declared with another schema by the built-in workload raft-kv/),
    ]);
    const sharing = { ...base, name: 'raft-sharing', sections: { raft: raftSection } } as Workload;
    expect(registerWorkload(sharing, { kind: 'module', url: 'file:///x.ts' })).toBe(sharing);
    expect(registerWorkload(sharing, { kind: 'module', url: 'file:///x.ts' })).toBe(sharing);
    expect(problemsOf(() => registerWorkload(sharing, { kind: 'module', url: 'file:///y.ts' }))).toEqual([expect.stringMatching(/already taken by the workload from file:\/\/\/x\.ts/)]);
  });

  it('runs a registered workload: its section is checked by path, its checks and stats reach the report', () => {
    registerWorkload(pingWorkload, { kind: 'module', url: 'file:///ping.ts' });
    expect(findWorkload('ping-test')).toBe(pingWorkload);
    const missing = validateScenario(SCENARIO);
    expect(missing.ok ? [] : missing.problems).toEqual([{ path: 'ping.pongsMin', message: expect.stringMatching(/number/) }]);
    const ok = validateScenario({ ...SCENARIO, ping: { interval: '200ms', pongsMin: 10 } });
    if (!ok.ok) throw new Error(JSON.stringify(ok.problems));
    const a = runScenario(ok.scenario, 1).report;
    expect(a.stats.pongs).toBe(18);
    expect(a.violations).toEqual([]);
    expect(runScenario(ok.scenario, 1).report.traceHash).toBe(a.traceHash);
    const strict = validateScenario({ ...SCENARIO, ping: { pongsMin: 100 } });
    if (!strict.ok) throw new Error(JSON.stringify(strict.problems));
    expect(runScenario(strict.scenario, 1).report.violations.map((v) => v.message)).toEqual(['heard 38 pongs, expected at least 100']);
  });
});
