// The tests Stryker runs against each mutant of core/raft and core/kv (`npm run mutation`,
// docs/mutation.md): the fast unit tests next to that code, plus the one fast simulation
// test that drives the KV server, client and sessions end to end. Not the repo's whole
// vitest.config.ts: its browser, CLI and catalogue tests take minutes and mutate nothing here.
// core/raft/property.test.ts (150 generated schedules, ~8 s) covers nearly every Raft
// mutant, so perTest coverage would run it for each of them; it is opt-in:
// MUTATION_PROPERTY=1 (`npm run mutation -- --property`).
import { defineConfig } from 'vitest/config';

const withProperty = process.env.MUTATION_PROPERTY === '1';

export default defineConfig({
  test: {
    include: ['core/raft/*.test.ts', 'core/kv/*.test.ts', 'test/sessions.test.ts'],
    exclude: withProperty ? [] : ['core/raft/property.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
