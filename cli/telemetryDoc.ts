// `npm run docs:telemetry`: rewrites the generated tables of docs/telemetry.md from the
// taxonomy (sim/telemetry/taxonomyDoc.ts). With --check it only reports whether they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { regenerate } from '../sim/telemetry/taxonomyDoc.ts';
import { PACKAGE_ROOT } from './catalog.ts';

const file = join(PACKAGE_ROOT, 'docs', 'telemetry.md');
const before = readFileSync(file, 'utf8');
const after = regenerate(before);
if (process.argv.includes('--check')) {
  process.stdout.write(before === after ? 'docs/telemetry.md is up to date\n' : 'docs/telemetry.md differs from the taxonomy: run npm run docs:telemetry\n');
  process.exitCode = before === after ? 0 : 1;
} else if (before !== after) {
  writeFileSync(file, after);
  process.stdout.write('rewrote the generated tables of docs/telemetry.md\n');
}
