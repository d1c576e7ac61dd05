// The worker thread's first module. From the sources it registers tsx so the TypeScript
// worker code loads without a build step, and the `faultline` resolver for users' workload
// modules (Node 20 applies --import hooks to the main thread only). The prepare-time build
// (scripts/buildCli.mjs) bundles this same file with FAULTLINE_BUILT defined: there the
// worker code is already JavaScript, shares the CLI's chunks, and tsx is never loaded.
if (typeof FAULTLINE_BUILT === 'undefined') {
  const { registerLoaders } = await import('../workloads/nodeLoaders.mjs');
  registerLoaders();
}
await import('./nodeWorker.ts');
