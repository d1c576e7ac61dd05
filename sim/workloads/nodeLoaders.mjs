// Node's module hooks for running faultline from source: tsx (TypeScript with no build
// step) and the `faultline` resolver (resolveFaultline.mjs). Every thread that may load a
// user's workload module registers them first: the CLI's entry, sweep worker threads and
// lockstep worker threads (Node 20 applies hooks to the thread that registers them only).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

export function registerLoaders() {
  registerTsx();
  register('./resolveFaultline.mjs', import.meta.url);
}
