// The scenario catalogue on disk: scenarios/*.yaml|json beside the package root.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenarioText, type ParseResult } from '../sim/scenario/parse.ts';
import { brokenLink } from './missingFile.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCENARIO_DIR = join(PACKAGE_ROOT, 'scenarios');
export { DEFAULT_SCENARIO } from '../sim/scenario/defaultScenario.ts';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export function catalogFiles(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR).filter((f) => EXTENSIONS.some((e) => f.endsWith(e))).sort().map((f) => join(SCENARIO_DIR, f));
}

export function scenarioNameOf(file: string): string {
  const b = basename(file);
  return b.slice(0, b.lastIndexOf('.'));
}

export type Located = { ok: true; file: string; fromCatalog: boolean } | { ok: false; message: string };

/** Resolves `--scenario` as a catalogue name first, then as a file path. */
export function locateScenario(nameOrFile: string, flag = '--scenario'): Located {
  const byName = catalogFiles().find((f) => scenarioNameOf(f) === nameOrFile);
  if (byName !== undefined) return { ok: true, file: byName, fromCatalog: true };
  if (existsSync(nameOrFile) && statSync(nameOrFile).isFile()) return { ok: true, file: resolve(nameOrFile), fromCatalog: false };
  // A path that exists but is no file (a directory, a device) is named for what it is.
  if (existsSync(nameOrFile)) {
    const dir = statSync(nameOrFile).isDirectory();
    return { ok: false, message: `${flag}: ${nameOrFile} is ${dir ? 'a directory' : 'not a regular file (a device, a FIFO or a socket)'}; name a scenario file${dir ? ' in it' : ''} (YAML or JSON) or a catalogue scenario (see \`faultline list\`).` };
  }
  const link = brokenLink(nameOrFile);
  if (link !== null) return { ok: false, message: `${flag}: ${nameOrFile} is a symbolic link ${link}; point it at a scenario file, or name the file itself.` };
  const names = catalogFiles().map(scenarioNameOf);
  return { ok: false, message: `${flag}: "${nameOrFile}" is neither a catalogue scenario nor a file. Known scenarios: ${names.join(', ')} (see \`faultline list\`).` };
}

export function loadScenarioFile(file: string): ParseResult {
  return parseScenarioText(readFileSync(file, 'utf8'), file);
}

/** A catalogue scenario by name, validated; throws when it is missing or invalid (tests, benchmarks). */
export function catalogScenario(name: string): Scenario {
  const loc = locateScenario(name);
  if (!loc.ok) throw new Error(loc.message);
  const p = loadScenarioFile(loc.file);
  if (!p.ok) throw new Error(`${name} is invalid: ${p.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
  return p.scenario;
}

