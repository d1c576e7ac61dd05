// Command-line parsing: strict flags, clear messages naming the flag and the fix.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const SEED_MAX = Number.MAX_SAFE_INTEGER;

export function parseSeed(text: string, flag = '--seed'): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a non-negative integer, got "${text}". Example: ${flag} 42`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag}: ${text} is too large; use an integer up to ${SEED_MAX}`);
  return n;
}

export interface RunArgs {
  scenario: string | undefined;
  seed: number;
  json: boolean;
  out: string | undefined;
  quiet: boolean;
  /** Worker threads for the nodes (lockstep); undefined runs everything in this thread. */
  workers: number | undefined;
  /** Users' workload modules to load first (--workload, as given). */
  workloads: string[];
}

/** Worker threads a run may use at most (each node gets at most one). */
export const WORKERS_MAX = 64;

export function parseRunArgs(argv: string[]): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', short: 's' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string', short: 'o' },
        quiet: { type: 'boolean', short: 'q', default: false },
        workers: { type: 'string', short: 'w' },
        workload: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}. See \`faultline run --help\`.`);
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequested('run');
  return {
    scenario: v.scenario,
    seed: v.seed === undefined ? 1 : parseSeed(v.seed),
    json: v.json ?? false,
    out: v.out,
    quiet: v.quiet ?? false,
    workers: v.workers === undefined ? undefined : parseCount(v.workers, '--workers', WORKERS_MAX),
    workloads: v.workload ?? [],
  };
}

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * Strict flag parsing for the subcommands: an unknown flag or a missing value is a
 * UsageError naming the command's help; `--help` raises HelpRequested for `topic`.
 */
export function parseFlags(argv: string[], topic: string, options: FlagSpec, positionalsMax = 0): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: positionalsMax > 0, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}. See \`faultline ${topic} --help\`.`);
  }
  if (parsed.values.help === true) throw new HelpRequested(topic);
  if (parsed.positionals.length > positionalsMax) throw new UsageError(`too many arguments: ${parsed.positionals.join(' ')}. See \`faultline ${topic} --help\`.`);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** A positive integer flag with an upper bound. */
export function parseCount(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`${flag}: expected an integer from 1 to ${max}, got "${text}"`);
  return Number(text);
}

export class HelpRequested extends Error {
  constructor(readonly topic: string) {
    super(topic);
  }
}
