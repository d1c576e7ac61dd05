// Goal: JSON logs follow the sanitisation rule of the Snakepit design and carry the
// taxonomy's names and levels. Method: the rule on field names directly, then a world
// whose process emits secret-looking fields, logged through a telemetry session.
import { describe, expect, it } from 'vitest';
import type { NodeContext, Process } from '../../core/env.ts';
import { World } from '../world/world.ts';
import { isoTimeOf, isSensitive, REDACTED, sanitize, STRING_LENGTH_MAX } from './logs.ts';
import { TelemetrySession } from './session.ts';
import type { Scenario } from '../scenario/schema.ts';

describe('the sanitisation rule', () => {
  it.each(['password', 'dbPassword', 'api_key', 'apiKey', 'authToken', 'Authorization', 'client-secret', 'privateKey', 'refresh_token', 'credentials', 'sessionCookie', 'key'])('%s is secret-looking', (name) => {
    expect(isSensitive(name)).toBe(true);
    expect(sanitize(name, 'hunter2')).toBe(REDACTED);
  });

  it.each(['term', 'role', 'clientId', 'rid', 'input', 'monkey', 'keystone', 'author', 'tokenize'])('%s is not', (name) => {
    expect(isSensitive(name)).toBe(false);
    expect(sanitize(name, 'x')).toBe('x');
  });

  it('cuts long strings and keeps numbers', () => {
    const long = 'v'.repeat(STRING_LENGTH_MAX + 500);
    expect(sanitize('data', long)).toBe(`${'v'.repeat(STRING_LENGTH_MAX)}... [truncated]`);
    expect(sanitize('index', 42)).toBe(42);
  });

  it('timestamps virtual time at the fixed epoch, in ISO 8601 UTC', () => {
    expect(isoTimeOf(0)).toBe('2023-11-14T22:13:20.000000Z');
    expect(isoTimeOf(1_500_001)).toBe('2023-11-14T22:13:21.500001Z');
    expect(isoTimeOf(366 * 86_400_000_000)).toBe('2024-11-14T22:13:20.000000Z');
  });
});

/** A process that reports a login with a password and a token (as a careless module might). */
class Careless implements Process {
  start(ctx: NodeContext): void {
    ctx.telemetry.emit('app.login', { user: 'ada', password: 'hunter2', apiToken: 'tk-123', attempt: 1 });
  }
  onMessage(): void {}
  onTimer(): void {}
}

describe('logs of a run', () => {
  it('redact secret-looking fields that a process emits and keep the rest', () => {
    const lines: string[] = [];
    const world = new World({ seed: 'logs', nodes: [{ role: 'server', factory: () => new Careless() }] });
    const scenario = { name: 'logs', faults: [] } as unknown as Scenario;
    TelemetrySession.attach(world, scenario, { logLine: (l) => lines.push(l) });
    world.boot();
    world.run({ timeUs: 10_000 });
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const login = records.find((r) => r.event === 'app.login');
    expect(login).toEqual({ ts: '2023-11-14T22:13:20.000000Z', t_us: 0, node: 'n0', level: 'info', event: 'app.login', user: 'ada', password: REDACTED, apiToken: REDACTED, attempt: 1 });
    expect(lines.join('')).not.toMatch(/hunter2|tk-123/);
    expect(records[0]).toMatchObject({ event: 'nemesis.action', action: 'boot 0', level: 'info' });
    for (const l of lines) expect(l.endsWith('\n')).toBe(true);
  });
});
