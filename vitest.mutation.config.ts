// The tests Stryker runs against each mutant of core/raft and core/kv (`npm run mutation`,
// docs/mutation.md): the fast unit tests next to that code, plus, when core/kv/server.ts or
// client.ts is mutated (MUTATION_KV_SIM=1, set by scripts/mutation.mjs), the one fast
// simulation test that drives the KV server and client end to end (about 2 s of CPU) and
// the KV server's own tests, core/kv/server.test.ts (servers on a hand-driven queue, about
// 1.5 s); both reach nearly every Raft mutant, so other runs leave them out. Not the repo's
// whole vitest.config.ts: its browser, CLI and catalogue tests take minutes.
// core/raft/property.test.ts (150 generated schedules, ~8 s) covers nearly every Raft
// mutant, so perTest coverage would run it for each of them; it is opt-in:
// MUTATION_PROPERTY=1 (`npm run mutation -- --property`).
import { defineConfig } from 'vitest/config';

const withProperty = process.env.MUTATION_PROPERTY === '1';
const withKvSim = process.env.MUTATION_KV_SIM !== '0';

export default defineConfig({
  test: {
    include: ['core/raft/*.test.ts', 'core/kv/*.test.ts', ...(withKvSim ? ['test/sessions.test.ts'] : [])],
    exclude: [...(withProperty ? [] : ['core/raft/property.test.ts']), ...(withKvSim ? [] : ['core/kv/server.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
