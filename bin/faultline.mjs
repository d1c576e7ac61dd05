#!/usr/bin/env node
// The faultline command. Registers tsx so the TypeScript sources run with no build step,
// and the `faultline` resolver so a user's workload module imports this faultline.
import { registerLoaders } from '../sim/workloads/nodeLoaders.mjs';

registerLoaders();
const { mainAsync } = await import('../cli/main.ts');
const code = await mainAsync(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
