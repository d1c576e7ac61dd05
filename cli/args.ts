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
}

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
  };
}

export class HelpRequested extends Error {
  constructor(readonly topic: string) {
    super(topic);
  }
}
