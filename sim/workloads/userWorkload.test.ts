// Goal: a workload registered from a user's module keeps every hook it defines: the
// wrapper that attributes the user's exceptions to them passed on nodes, install, validate,
// leader and ui, and silently dropped drawSettings and prepare (kvHistory is kept too), so a module's drawn
// settings were never drawn and its prepare never awaited. Method: register a small
// definition through registerWorkloadModule, as --workload does, and call the hooks of
// what the registry holds.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { NodeContext, Process } from '../../core/env.ts';
import { Stream } from '../kernel/random.ts';
import { validateScenario } from '../scenario/parse.ts';
import type { Scenario } from '../scenario/schema.ts';
import { findWorkload } from './registry.ts';
import { registerWorkloadModule, WorkloadError } from './userWorkload.ts';
import { defineWorkload } from './workload.ts';

class Idle implements Process {
  start(ctx: NodeContext): void {
    ctx.setTimer(10_000, 'tick');
  }
  onMessage(): void {}
  onTimer(): void {}
}

const calls: string[] = [];
const section = z.object({ level: z.number().default(1), swarm: z.boolean().optional(), fail: z.enum(['no', 'prepare', 'draw', 'history']).default('no') }).strict();

const definition = defineWorkload({
  name: 'hooks-kept',
  description: 'Draws a level from the seed and prepares before it runs.',
  sections: { hooks: section.default({ level: 1, fail: 'no' }) },
  async prepare(s) {
    calls.push(`prepare ${s.name}`);
    if (s.hooks.fail === 'prepare') throw new Error('no data to prepare');
  },
  drawSettings(s, random) {
    if (s.hooks.fail === 'draw') return { scenario: s, drawn: { level: { deep: 1 } } } as never;
    if (s.hooks.swarm !== true) return null;
    const level = 1 + random.int(9);
    return { scenario: { ...s, hooks: { ...s.hooks, level, swarm: undefined } }, drawn: { 'hooks.level': level } };
  },
  kvHistory(s) {
    if (s.hooks.fail === 'history') return 42 as never;
    return s.hooks.level > 5 ? null : 'a level of 5 or less has no clients';
  },
  nodes: (s) => Array.from({ length: s.topology.nodes }, () => ({ role: 'idle', factory: () => new Idle() })),
  install: () => ({}),
});

registerWorkloadModule('file:///user/hooksKept.ts', { default: definition });

function scenario(hooks: Record<string, unknown>): Scenario {
  const r = validateScenario({ name: 'hooks', description: 'x', workload: 'hooks-kept', topology: { nodes: 2 }, duration: '3s', hooks });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

describe('registerWorkloadModule keeps every hook', () => {
  it('drawSettings is the user\'s, and what it returns is checked', () => {
    const w = findWorkload('hooks-kept');
    expect(w?.drawSettings).toBeTypeOf('function');
    const drawn = w?.drawSettings?.(scenario({ swarm: true }) as never, new Stream('seed', 'settings'));
    expect(drawn?.drawn['hooks.level']).toBeGreaterThanOrEqual(1);
    expect(w?.drawSettings?.(scenario({}) as never, new Stream('seed', 'settings'))).toBeNull();
    expect(() => w?.drawSettings?.(scenario({ fail: 'draw' }) as never, new Stream('seed', 'settings'))).toThrow(/^workload hooks-kept: drawSettings\(\) returned drawn values whose level is an object with deep: expected null \(the scenario asks for no drawing\) or \{ scenario, drawn \}/);
  });

  it('kvHistory is the user\'s, and what it returns is checked', () => {
    const w = findWorkload('hooks-kept');
    expect(w?.kvHistory?.(scenario({ level: 9 }) as never)).toBeNull();
    expect(w?.kvHistory?.(scenario({ level: 2 }) as never)).toBe('a level of 5 or less has no clients');
    expect(() => w?.kvHistory?.(scenario({ fail: 'history' }) as never)).toThrow(/^workload hooks-kept: kvHistory\(\) returned 42: expected null \(the run records a key-value history\) or a sentence saying why it records none/);
  });

  it('prepare is the user\'s, awaited, and its exception is theirs', async () => {
    const w = findWorkload('hooks-kept');
    expect(w?.prepare).toBeTypeOf('function');
    await w?.prepare?.(scenario({}) as never);
    expect(calls).toContain('prepare hooks');
    const failed = w?.prepare?.(scenario({ fail: 'prepare' }) as never);
    await expect(failed).rejects.toBeInstanceOf(WorkloadError);
    await expect(failed).rejects.toThrow(/workload hooks-kept threw in prepare\(\): no data to prepare/);
  });
});
