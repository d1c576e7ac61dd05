#!/usr/bin/env node
// The faultline command. Runs the prepare-time build (dist/cli, scripts/buildCli.mjs) when it
// is there and no source it was built from is newer, so no TypeScript is compiled at start.
// Otherwise (see distCli.mjs) it registers tsx so the sources run with no build step, and
// the `faultline` resolver so a user's workload module imports this faultline.
import { fileURLToPath } from 'node:url';
import { builtCliUrl } from './distCli.mjs';

const built = builtCliUrl(fileURLToPath(new URL('..', import.meta.url)), process.argv.slice(2), process.env);
let mainAsync;
if (built !== null) {
  ({ mainAsync } = await import(built));
} else {
  const { registerLoaders } = await import('../sim/workloads/nodeLoaders.mjs');
  registerLoaders();
  ({ mainAsync } = await import('../cli/main.ts'));
}
const code = await mainAsync(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
