import { buildRun } from './sim/run/runScenario.ts';
import { loadScenarioRef } from './cli/scenarioRef.ts';
for (const [name, seed, upto] of [['raft-kv-basic', 42, 6_000_000], ['net-leader-isolated', 1, 6_100_000], ['raft-figure8', 1, 5_000_000], ['raft-lease-reads', 1, 5_100_000], ['raft-snapshot', 1, 5_100_000]] as const) {
  const s = loadScenarioRef(name).scenario;
  const { world } = buildRun(s, seed, false);
  const out: string[] = [];
  world.onTelemetry((t, node, n, f) => { if (n === 'raft.role') out.push(`${(t / 1000).toFixed(3)}ms n${node} ${String(f.role)} term ${String(f.term)}`); });
  const last = new Map<string, number>();
  for (let t = 1000; t <= upto; t += 1000) {
    world.run({ timeUs: t, eventsMax: 1e9 });
    for (const h of world.hosts) {
      if (h.status === 'down' || !h.process?.inspect) continue;
      const d = h.process.inspect().details as any;
      if (!Array.isArray(d?.log)) continue;
      for (const e of d.log as { index: number; term: number }[]) {
        const k = `${h.id}:${e.index}`;
        const was = last.get(k);
        if (was !== undefined && was !== e.term) out.push(`${t / 1000}ms OVERWRITE n${h.id} index ${e.index} term ${was} -> ${e.term} commit ${d.commit}`);
        last.set(k, e.term);
      }
    }
  }
  console.log(`== ${name} ${seed}\n` + out.join('\n'));
}
