// This faultline's version, as its package.json says ("0.1.0"): recorded in the files a
// sweep writes, so merge and replay can tell results another version made (a trace hash
// holds only within one version). The CLI runs from its sources (cli/) or from the build
// (dist/cli/), so the package file is looked for upward from this module.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'faultline' && typeof pkg.version === 'string') return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error(`faultline: no package.json of faultline above ${fileURLToPath(import.meta.url)}`);
}

export const FAULTLINE_VERSION = packageVersion();
