// A seeded Random for tests of core modules (seedrandom's alea, as the simulator uses).
import seedrandom from 'seedrandom';
import type { Random } from '../../core/env.ts';

export function seeded(seed: string): Random {
  const draw = seedrandom.alea(seed);
  return { next: () => draw(), int: (n: number) => Math.floor(draw() * n) };
}
