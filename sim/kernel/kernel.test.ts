// Goal: the kernel refuses an event in the past with the times in its words, and keeps
// running what was scheduled correctly. Method: run a kernel whose handler schedules into
// the past once.
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.ts';

describe('Kernel.schedule', () => {
  it('refuses a time before now, naming both times', () => {
    const ran: number[] = [];
    const k = new Kernel<number>('t', (ev, now) => ran.push(now + ev));
    k.schedule(3_000_000_000, 0, 0, 0);
    k.run({});
    expect(ran).toEqual([3_000_000_000]);
    expect(() => k.schedule(2_999_999_999, 0, 0, 0)).toThrow('Kernel.schedule: time 2999999999 is in the past (now 3000000000)');
    k.schedule(3_000_000_000, 0, 0, 1);
    k.run({});
    expect(ran).toEqual([3_000_000_000, 3_000_000_001]);
  });
});
