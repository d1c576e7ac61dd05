// The kernel's hold model (bench/kernel.ts): each executed event schedules one more, keeping
// PENDING events queued, for OPS events. In its own module so that a worker thread can run
// it beside the main thread's scenario runs (holdWorker.ts).
import seedrandom from 'seedrandom';
import { cpuNowMs, wallNowMs } from '../../cli/wallclock.ts';
import { Kernel } from '../../sim/kernel/kernel.ts';

export const PENDING = 1_000_000;
export const OPS = 2_000_000;

export interface Rate {
  perWallS: number;
  perCpuS: number;
}

export function kernelHold(): Rate {
  const r = seedrandom.alea('hold');
  let k!: Kernel<number>;
  k = new Kernel<number>('bench', (node) => {
    k.schedule(k.nowUs + 1 + Math.floor(r() * 1_000_000), node, node, node);
  });
  for (let i = 0; i < PENDING; i++) k.schedule(Math.floor(r() * 1_000_000), i % 64, i % 64, i % 64);
  const t0 = wallNowMs();
  const c0 = cpuNowMs();
  k.run({ eventsMax: OPS });
  return { perWallS: OPS / ((wallNowMs() - t0) / 1000), perCpuS: OPS / ((cpuNowMs() - c0) / 1000) };
}
