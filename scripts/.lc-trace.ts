import { catalogScenario } from '../cli/catalog.ts';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
const [name, seed, lo, hi] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const keep = new Set(process.argv[6].split(','));
runScenario(materialize(catalogScenario(name), seed), seed, {
  observe: (w) => w.onTelemetry((t, node, ev, f) => {
    if (t >= lo && t <= hi && keep.has(ev)) console.log(t, node, ev, JSON.stringify(f));
  }),
});
