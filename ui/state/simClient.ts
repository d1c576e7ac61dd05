// The page's handles on its two simulation workers: one for the live view, one for
// full-run summaries (so a long summary never stalls the animation).
//
// Contract: the workers are module workers built from ui/sim/worker.ts; calls go through
// comlink. Arguments must be plain data: callers pass $state.snapshot()s, never proxies.
import { wrap, type Remote } from 'comlink';
import type { SimApi } from '../sim/worker.ts';

export interface SimClient {
  live: Remote<SimApi>;
  summary: Remote<SimApi>;
}

function startWorker(name: string): Remote<SimApi> {
  const worker = new Worker(new URL('../sim/worker.ts', import.meta.url), { type: 'module', name });
  return wrap<SimApi>(worker);
}

export function startSimClient(): SimClient {
  return { live: startWorker('faultline-live'), summary: startWorker('faultline-summary') };
}
