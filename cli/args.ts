// Command-line parsing: strict flags, clear messages naming the flag and the fix.
import { parseArgs } from 'node:util';
import type { LogLevel } from '../core/telemetry/events.ts';
import { parseDuration } from '../sim/scenario/duration.ts';

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
  /** With --workers: the kernel's thread runs the first group of nodes itself (N runners on N threads). */
  kernelHostsFirst: boolean;
  /** Exit 0 rather than 3 when no check failed but some could not decide. */
  allowInconclusive: boolean;
  /** The run's event limit (--events-max); undefined means the default. */
  eventsMax: number | undefined;
  /** A MAPE-K knowledge file to start the manager from, and one to save what it learned to. */
  knowledge: string | undefined;
  saveKnowledge: string | undefined;
  /** Users' workload modules to load first (--workload, as given). */
  workloads: string[];
  /** Telemetry files (OpenMetrics, OTLP/JSON, JSONL) and the scrape interval, µs. */
  metricsOut: string | undefined;
  tracesOut: string | undefined;
  logsOut: string | undefined;
  /** The client history as JSON Lines of operations (what `faultline check` reads). */
  historyOut: string | undefined;
  logLevel: LogLevel;
  scrapeIntervalUs: number;
  /** The run's wall-time limit, ms (--timeout); undefined: none. It never changes the run. */
  timeoutMs: number | undefined;
}

const LOG_LEVEL_NAMES: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function parseLogLevel(text: string): LogLevel {
  if (!(LOG_LEVEL_NAMES as readonly string[]).includes(text)) throw new UsageError(`--log-level: expected one of ${LOG_LEVEL_NAMES.join(', ')}, got "${text}"`);
  return text as LogLevel;
}

/** Default virtual time between two scrapes of --metrics-out and `serve`. */
export const SCRAPE_INTERVAL_DEFAULT = '1s';

/** A --scrape-interval value: a duration of at least 1 ms (OpenMetrics timestamps are ms). */
export function parseScrapeInterval(text: string): number {
  const us = parseDuration(text);
  if (us === null || us < 1000) throw new UsageError(`--scrape-interval: expected a duration of at least 1ms like "1s" or "250ms", got "${text}"`);
  return us;
}

/** The largest --events-max accepted (far beyond any run that fits in memory). */
export const EVENTS_MAX_FLAG_MAX = 1_000_000_000_000;

export function parseEventsMax(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseCount(text, '--events-max', EVENTS_MAX_FLAG_MAX);
}

/**
 * A path as a POSIX shell (and a report's replay command, read back by shellWords) takes it:
 * as it is when it holds only plain path characters, else in single quotes. A scenario at
 * "my runs/a.yaml" gave a replay command that neither a shell nor `faultline replay` could run.
 */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The words of a command as a POSIX shell splits them (quotes and backslashes), or null when a quote is not closed. */
export function shellWords(cmd: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) return null;
      word = (word ?? '') + cmd.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < cmd.length && cmd[i] !== '"'; i++) word += cmd[i] === '\\' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1]) ? cmd[++i] : cmd[i];
      if (i >= cmd.length) return null;
    } else if (c === '\\' && i + 1 < cmd.length) {
      word = (word ?? '') + cmd[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The replay command's tail for a non-default event limit. */
export function eventsMaxFlag(eventsMax: number | undefined): string {
  return eventsMax === undefined ? '' : ` --events-max ${eventsMax}`;
}

/** Worker threads a run may use at most (each node gets at most one). */
export const WORKERS_MAX = 64;

function kernelHostsFirstFlag(on: boolean, workers: number | undefined): boolean {
  if (on && (workers === undefined || workers < 2)) {
    throw new UsageError('--kernel-hosts-first: needs --workers 2 or more (the kernel\'s thread takes the first group of nodes, worker threads the rest); without --workers everything already runs in one thread');
  }
  return on;
}

/**
 * node:util parseArgs's message on one line, ending in one full stop, without its hint on
 * values that start with a dash ("--seed=-XYZ"), which no faultline flag takes.
 */
/**
 * `--seed -1` reaches parseArgs as a flag followed by what looks like another flag, and its
 * message ("did you forget to specify the option argument?") blames a value the user did
 * give. A negative number after a flag that takes a value is that flag's value: it is passed
 * on as `--seed=-1`, so the flag's own check names it ("expected a non-negative integer").
 */
function negativeValuesJoined(argv: readonly string[], options: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)$/.exec(t)?.[1];
    const short = /^-([a-zA-Z])$/.exec(t)?.[1];
    const name = long ?? (short === undefined ? undefined : Object.keys(options).find((k) => options[k].short === short));
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(t);
  }
  return out;
}

function parseArgsMessage(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s*To specify an option argument starting with a dash.*$/s, '').replace(/\s*\n\s*/g, ' ').trim();
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

/**
 * A flag given twice (not one that collects a list, like --workload) or given an empty
 * value is refused: parseArgs would keep the last value and drop the other silently, and
 * an empty path or number is never what was meant.
 */
function refuseRepeatsAndEmpty(tokens: readonly { kind: string; name?: string; rawName?: string; value?: string }[], options: FlagSpec, topic: string): void {
  const seen = new Map<string, string | undefined>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    const spec = options[t.name];
    if (spec === undefined || spec.type !== 'string') continue;
    if (t.value === '') throw new UsageError(`--${t.name}: expected a value, got an empty string. See \`faultline ${topic} --help\`.`);
    if (spec.multiple === true) continue;
    if (seen.has(t.name)) {
      const before = seen.get(t.name);
      throw new UsageError(`--${t.name}: given twice (${JSON.stringify(before)} and ${JSON.stringify(t.value)}); give it once. See \`faultline ${topic} --help\`.`);
    }
    seen.set(t.name, t.value);
  }
}

/** "a control character (U+000A at character 3)" for the first one in `text`; null when it has none. */
export function controlCharacter(text: string): string | null {
  const at = text.search(/[\u0000-\u001f\u007f-\u009f]/);
  return at < 0 ? null : `a control character (U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at character ${at + 1})`;
}

/** Flags whose value is text of its own (JSON), where a line break is just white space. */
const TEXT_FLAGS: ReadonlySet<string> = new Set(['initial']);

/**
 * A flag value or argument holding a control character (a line break, an escape, a NUL...)
 * is refused: these are paths and numbers, and such a character would be printed raw into
 * messages, summaries and replay commands, where a line break starts what reads as another
 * line and an escape sequence rewrites the terminal.
 */
function refuseControlCharacters(tokens: readonly { kind: string; name?: string; value?: string }[], topic: string): void {
  for (const t of tokens) {
    const text = t.value;
    if (text === undefined || (t.kind === 'option' && TEXT_FLAGS.has(t.name ?? ''))) continue;
    const c = controlCharacter(text);
    if (c === null) continue;
    const what = t.kind === 'option' ? `--${t.name}` : 'an argument';
    throw new UsageError(`${what}: ${JSON.stringify(text)} holds ${c}; it would print raw into messages and replay commands (a line break reads as another line, an escape rewrites the terminal): rename the file or directory, or give another value. See \`faultline ${topic} --help\`.`);
  }
}

/**
 * "-" is standard input or output by the Unix convention, but faultline reads and writes
 * named files only: --metrics-out - wrote a file called "-" in the working directory (and
 * said "wrote -"), and check - or --knowledge - said "no such file". No flag takes "-" as a
 * value of its own, so it is refused wherever it is given.
 */
function refuseDash(tokens: readonly { kind: string; name?: string; value?: string }[], topic: string): void {
  for (const t of tokens) {
    if (t.value !== '-') continue;
    const what = t.kind === 'option' ? `--${t.name}` : 'an argument';
    throw new UsageError(`${what}: "-" is not standard input or output here: faultline reads and writes named files only, so it would name a file called "-"; give a file name (./- for a file of that name). See \`faultline ${topic} --help\`.`);
  }
}

const RUN_OPTIONS = {
  scenario: { type: 'string', short: 's' },
  seed: { type: 'string' },
  json: { type: 'boolean', default: false },
  out: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q', default: false },
  workers: { type: 'string', short: 'w' },
  'kernel-hosts-first': { type: 'boolean', default: false },
  'allow-inconclusive': { type: 'boolean', default: false },
  'events-max': { type: 'string' },
  knowledge: { type: 'string' },
  'save-knowledge': { type: 'string' },
  workload: { type: 'string', multiple: true },
  'metrics-out': { type: 'string' },
  'traces-out': { type: 'string' },
  'logs-out': { type: 'string' },
  'history-out': { type: 'string' },
  'scrape-interval': { type: 'string' },
  'log-level': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The longest wall-time limit a flag takes: a day. */
const WALL_LIMIT_S_MAX = 86_400;

/**
 * A wall-time limit given to `flag`: seconds (`600`) or a duration (`90s`, `10m`), from 1 s
 * to a day, whole milliseconds; `what` says what it limits. Returns milliseconds.
 */
export function parseWallLimit(text: string, flag: string, what: string): number {
  const bare = /^\d+$/.test(text.trim());
  const us = bare ? Number(text.trim()) * 1_000_000 : parseDuration(text);
  if (us === null || !Number.isSafeInteger(us) || us < 1_000_000 || us > WALL_LIMIT_S_MAX * 1_000_000 || us % 1000 !== 0) {
    throw new UsageError(`${flag}: expected ${what} from 1s to ${WALL_LIMIT_S_MAX}s (a day), in seconds like 600 or as a duration like 90s or 10m, got "${text}"`);
  }
  return us / 1000;
}

export function parseRunArgs(argv: string[]): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: negativeValuesJoined(argv, RUN_OPTIONS),
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: RUN_OPTIONS,
    });
  } catch (e) {
    throw new UsageError(`${parseArgsMessage(e)} See \`faultline run --help\`.`);
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequested('run');
  refuseRepeatsAndEmpty(parsed.tokens, RUN_OPTIONS, 'run');
  refuseControlCharacters(parsed.tokens, 'run');
  refuseDash(parsed.tokens, 'run');
  if (v['log-level'] !== undefined && v['logs-out'] === undefined) throw new UsageError('--log-level: sets the level of --logs-out FILE, which is not given; add --logs-out FILE or drop --log-level');
  if (v['scrape-interval'] !== undefined && v['metrics-out'] === undefined) throw new UsageError('--scrape-interval: sets how often --metrics-out FILE is scraped, which is not given; add --metrics-out FILE or drop --scrape-interval');
  const workers = v.workers === undefined ? undefined : parseCount(v.workers, '--workers', WORKERS_MAX);
  return {
    scenario: v.scenario,
    seed: v.seed === undefined ? 1 : parseSeed(v.seed),
    json: v.json ?? false,
    out: v.out,
    quiet: v.quiet ?? false,
    workers,
    kernelHostsFirst: kernelHostsFirstFlag(v['kernel-hosts-first'] ?? false, workers),
    allowInconclusive: v['allow-inconclusive'] ?? false,
    eventsMax: parseEventsMax(v['events-max']),
    knowledge: v.knowledge,
    saveKnowledge: v['save-knowledge'],
    workloads: v.workload ?? [],
    metricsOut: v['metrics-out'],
    tracesOut: v['traces-out'],
    logsOut: v['logs-out'],
    historyOut: v['history-out'],
    logLevel: parseLogLevel(v['log-level'] ?? 'info'),
    scrapeIntervalUs: parseScrapeInterval(v['scrape-interval'] ?? SCRAPE_INTERVAL_DEFAULT),
    timeoutMs: v.timeout === undefined ? undefined : parseWallLimit(v.timeout, '--timeout', 'the run\'s wall-time limit'),
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
    parsed = parseArgs({ args: negativeValuesJoined(argv, options), strict: true, allowPositionals: positionalsMax > 0, tokens: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`${parseArgsMessage(e)} See \`faultline ${topic} --help\`.`);
  }
  if (parsed.values.help === true) throw new HelpRequested(topic);
  refuseRepeatsAndEmpty(parsed.tokens, options, topic);
  refuseControlCharacters(parsed.tokens, topic);
  refuseDash(parsed.tokens, topic);
  if (parsed.positionals.length > positionalsMax) throw new UsageError(`too many arguments: ${parsed.positionals.join(' ')}. See \`faultline ${topic} --help\`.`);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** A positive integer flag with an upper bound. */
export function parseCount(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`${flag}: expected an integer from 1 to ${max}, got "${text}"`);
  return Number(text);
}

/** `--port`: 0 for any free port the system picks, or a port from 1 to 65535 (no sign, no leading zeros). */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^(0|[1-9]\d*)$/.test(text) || Number(text) > 65535) throw new UsageError(`--port: expected 0 (any free port) or a port number from 1 to 65535, got "${text}"`);
  return Number(text);
}

export class HelpRequested extends Error {
  constructor(readonly topic: string) {
    super(topic);
  }
}
