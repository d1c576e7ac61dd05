// Goal: a node's CPU charges the service time its profile gives each event kind and message
// type, whatever the type's name. Method: ask a Cpu for service times directly, including
// message types that collide with Object.prototype's members.
import { describe, expect, it } from 'vitest';
import { Cpu, DEFAULT_CPU } from './cpu.ts';

describe('Cpu', () => {
  it('charges messageUs for message types with no override, even ones named like Object members', () => {
    const cpu = new Cpu({ ...DEFAULT_CPU, byTypeUs: { append: 70 } });
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'unknown']) {
      expect(cpu.serviceUs('msg', type, 0)).toBe(DEFAULT_CPU.messageUs);
    }
    expect(cpu.serviceUs('msg', 'append', 0)).toBe(70);
  });

  it('honours an override for a type named constructor', () => {
    const byTypeUs = JSON.parse('{"constructor": 9, "__proto__": 11}') as Record<string, number>;
    const cpu = new Cpu({ ...DEFAULT_CPU, byTypeUs });
    expect(cpu.serviceUs('msg', 'constructor', 0)).toBe(9);
    expect(cpu.serviceUs('msg', '__proto__', 0)).toBe(11);
  });

  it('scales with throttle and adds fsync time', () => {
    const cpu = new Cpu({ ...DEFAULT_CPU, byTypeUs: {} });
    cpu.throttle = 4;
    expect(cpu.serviceUs('timer', undefined, 1)).toBe((DEFAULT_CPU.timerUs + DEFAULT_CPU.fsyncUs) * 4);
  });
});
