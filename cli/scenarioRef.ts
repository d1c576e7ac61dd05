// Loading a scenario the user named (a catalogue name or a file) into a validated Scenario,
// keeping the text and the reference so that sweeps and replays can reproduce it later.
import { readFileSync, statSync } from 'node:fs';
import { formatCount } from '../sim/kernel/time.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import type { Problem } from '../sim/scenario/parse.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { eventsMaxFlag, shellWord, UsageError } from './args.ts';
import { utf8Text } from './utf8.ts';
import { locateScenario } from './catalog.ts';
import { missingFile } from './missingFile.ts';
import { workloadArgs } from './workloadFlag.ts';

export interface ScenarioRef {
  scenario: Scenario;
  /** How a replay command names it: the catalogue name, or the path as the user gave it. */
  ref: string;
  /** The file's text, so a result file can replay it even if the file changes or moves. */
  text: string;
  /** The name parsers use to pick YAML or JSON. */
  fileName: string;
  /** The users' workload modules it needs (--workload, as given), loaded before it was parsed. */
  workloads: string[];
}

/** The command that runs seed `seed` of a scenario again, modules, event limit and knowledge file included. */
export function runCommand(ref: { ref: string; workloads?: readonly string[] }, seed: number | string, run: { eventsMax?: number; knowledge?: string } = {}): string {
  return `npx faultline run${workloadArgs(ref.workloads ?? [])} --scenario ${shellWord(ref.ref)} --seed ${seed}${eventsMaxFlag(run.eventsMax)}${run.knowledge === undefined ? '' : ` --knowledge ${shellWord(run.knowledge)}`}`;
}

export function invalidMessage(what: string, problems: readonly Problem[]): string {
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
  return `scenario ${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/**
 * The most a scenario file may hold. The largest real scenario (FAULTS_MAX faults, as the
 * UI exports them) is well under 1 MiB; a 50 MB file took 37 s to be refused by the YAML
 * reader.
 */
export const SCENARIO_BYTES_MAX = 8 * 1024 * 1024;

/**
 * A scenario file's text, or a UsageError naming the flag, the file and the fix: too large,
 * unreadable, UTF-16 or binary (NUL bytes), or not UTF-8 (a Latin-1 file's bytes would
 * otherwise become U+FFFD silently).
 */
export function readScenarioFile(file: string, flag = '--scenario', shown = file): string {
  return readUtf8File(file, flag, { bytesMax: SCENARIO_BYTES_MAX, noun: 'a scenario', what: 'a YAML or JSON scenario', why: 'a scenario of the most faults allowed is under 1 MiB' });
}

/**
 * A user's text file (a scenario, a history), read whole and strictly: too large for what it
 * should be, unreadable, a directory, UTF-16 or binary, or not UTF-8 is a UsageError naming
 * `flag` (or the argument), the file and the fix.
 */
export function readUtf8File(file: string, flag: string, limit: { bytesMax: number; noun: string; what: string; why: string }, shown = file): string {
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${flag}: ${shown} is a directory; name a file`);
    // A FIFO or a device (/dev/zero) would be read until it ends, which may be never.
    if (!st.isFile()) throw new UsageError(`${flag}: ${shown} is not a regular file (a FIFO, a device or a socket); name a file`);
    if (st.size > limit.bytesMax) throw new UsageError(`${flag}: ${shown} is ${formatCount(st.size)} bytes; ${limit.noun} file holds at most ${formatCount(limit.bytesMax)} (${limit.why}): is it the right file?`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag}: cannot read ${shown}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' || code === 'ELOOP' ? missingFile(file) : (e as Error).message}`);
  }
  // A leading byte order mark is skipped, as TextDecoder does by default.
  return utf8Text(bytes, `${flag}: ${shown}`, limit.what).replace(/^\uFEFF/, '');
}

/** Resolves and validates `--scenario`; every problem is a UsageError (exit 2, nothing run). */
export function loadScenarioRef(nameOrFile: string, workloads: readonly string[] = [], flag = '--scenario'): ScenarioRef {
  const loc = locateScenario(nameOrFile, flag);
  if (!loc.ok) throw new UsageError(loc.message);
  // A file is named as the user gave it; a catalogue scenario by its path in the package.
  const text = readScenarioFile(loc.file, flag, loc.fromCatalog ? loc.file : nameOrFile);
  return fromText(text, loc.file, loc.fromCatalog ? undefined : nameOrFile, workloads);
}

/** Validates scenario text carried in a result file. */
export function fromText(text: string, fileName: string, ref: string | undefined, workloads: readonly string[] = []): ScenarioRef {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) throw new UsageError(invalidMessage(ref ?? fileName, parsed.problems));
  return { scenario: parsed.scenario, ref: ref ?? parsed.scenario.name, text, fileName, workloads: [...workloads] };
}
