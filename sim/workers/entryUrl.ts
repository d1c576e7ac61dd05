// Where a worker thread starts: the build's own entry, or the sources'.
//
// Contract: in the prepare-time build (scripts/buildCli.mjs) every worker entry is bundled
// beside the CLI (dist/cli/NAME.mjs) and loads no TypeScript; esbuild defines
// FAULTLINE_BUNDLE_URL there as the URL of the bundle file this code sits in, which is in
// that same directory. A user's workload module imports faultline's sources, so a worker
// that loads one starts from the source entry (which registers tsx), as do all workers
// when the sources run.

/** The bundle's own URL in the build; undeclared when the sources run. */
declare const FAULTLINE_BUNDLE_URL: string | undefined;

/** The entry `fileName` of the build when this is the build and no workload module needs tsx, else `sourceEntry`. */
export function workerEntryUrl(fileName: string, sourceEntry: URL, workloadModules: readonly string[]): URL {
  if (typeof FAULTLINE_BUNDLE_URL !== 'undefined' && workloadModules.length === 0) return new URL(`./${fileName}`, FAULTLINE_BUNDLE_URL);
  return sourceEntry;
}
