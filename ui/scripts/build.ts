// Builds the browser UI into dist/ui (what `faultline ui` and `npm start` serve). `npm
// install` runs it as the `prepare` script; it skips the build when dist/ui is already
// from the current sources. `--force` builds anyway.
//
// Run: npx tsx ui/scripts/build.ts [--force]
import { ensureUiBuild, UI_OUT_DIR } from '../../cli/uiBuild.ts';

const t0 = performance.now();
const built = await ensureUiBuild((s) => process.stdout.write(s), process.argv.includes('--force'));
process.stdout.write(built ? `built the UI into ${UI_OUT_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n` : `the UI in ${UI_OUT_DIR} is up to date\n`);
