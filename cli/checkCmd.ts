// `faultline check FILE...`: linearizability of histories recorded elsewhere (a Jepsen
// history.edn or log, Porcupine's data sets, a JSON history), against a shipped model.
//
// Contract: every file is read and converted first (sim/check/historyFile); any bad file is
// exit 2 naming the file, the line and the fix, before anything is checked or printed.
// Then each history is checked with a step budget and a wall-clock limit per file; running
// out of either is INCONCLUSIVE, never a pass. Exit 0 every history is linearizable, 1 one
// is not, 3 none is not but one could not be decided (0 with --allow-inconclusive).
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkSegmented, type SegmentedResult } from '../sim/check/segmentedCheck.ts';
import { HISTORY_FORMATS, HISTORY_MODELS, HistoryFileError, modelFor, readHistoryText, type HistoryFormat, type HistoryModelName, type HistoryRead } from '../sim/check/historyFile/readHistory.ts';
import { formatCount } from '../sim/kernel/time.ts';
import { parseDuration } from '../sim/scenario/duration.ts';
import { parseJson } from '../sim/scenario/jsonText.ts';
import { parseFlags, UsageError } from './args.ts';
import type { Io } from './main.ts';
import { readUtf8File } from './scenarioRef.ts';
import { EXIT_FAIL, EXIT_INCONCLUSIVE, EXIT_PASS } from './verdictExit.ts';
import { wallNowMs } from './wallclock.ts';

/** A history file holds at most this much: Jepsen's longest histories are tens of megabytes. */
export const HISTORY_BYTES_MAX = 512 * 1024 * 1024;
/** Search steps one search may spend: a quiet-cut segment of a key, or a key's remainder. */
const STEPS_DEFAULT = 50_000_000;
const TIMEOUT_DEFAULT = '60s';

type FileVerdict = 'linearizable' | 'not-linearizable' | 'inconclusive';

interface FileResult {
  file: string;
  read: HistoryRead;
  result: SegmentedResult<unknown, unknown>;
  verdict: FileVerdict;
  reason?: string;
  wallMs: number;
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function parseSteps(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new UsageError(`--steps: expected a positive integer (search steps one search may spend), got "${text}". Example: --steps 100000000`);
  return Number(text);
}

function parseTimeout(text: string): number {
  const us = parseDuration(text);
  if (us === null || us < 1000) throw new UsageError(`--timeout: expected a duration of at least 1ms like "60s" or "5m", got "${text}"`);
  return us / 1000;
}

function parseInitial(text: string): string | number | null {
  // The history's own reader (exact integers): an --initial the file's values cannot equal exactly is refused.
  const r = parseJson(text, { exactIntegers: true });
  if (!r.ok && /too large to compare exactly/.test(r.reason)) throw new UsageError(`--initial: ${r.reason}`);
  if (!r.ok) throw new UsageError(`--initial: expected a JSON value (a string, a number or null), got ${text}; for an empty string write --initial '""'`);
  const v = r.value;
  if (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new UsageError(`--initial: expected a string, a number or null, got ${text}`);
}

function oneOf<T extends string>(text: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

/** "1 operation", "2 operations". */
function count(n: number, noun: string): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`;
}

function steps(n: number): string {
  return count(n, 'search step');
}

function countsLine(r: HistoryRead): string {
  const c = r.counts;
  const parts = [count(c.operations, 'operation')];
  if (c.unknownOutcome > 0) parts.push(`${formatCount(c.unknownOutcome)} with unknown outcome`);
  if (c.failed > 0) parts.push(`${formatCount(c.failed)} failed (left out: no effect)`);
  if (c.nonClientEvents > 0) parts.push(`${count(c.nonClientEvents, 'non-client event')} skipped`);
  if (c.otherLines > 0) parts.push(`${count(c.otherLines, 'other log line')} skipped`);
  return `${r.format}, model ${r.model}${r.modelFrom === 'given' ? '' : ` (${r.modelFrom})`}: ${parts.join(', ')}`;
}

/** Whether a read in the history observed "": the sign of a system whose missing values read as empty. */
function readsEmptyString(r: HistoryRead): boolean {
  if (r.model !== 'kv' && r.model !== 'register') return false;
  return r.ops.some((o) => {
    const out = o.output as { ok?: boolean; value?: unknown } | null;
    return out !== null && out.ok === true && out.value === '' && ['get', 'read'].includes((o.input as { op: string }).op);
  });
}

export function cmdCheck(argv: string[], io: Io): number {
  const { values: v, positionals } = parseFlags(
    argv,
    'check',
    {
      model: { type: 'string', short: 'm' },
      format: { type: 'string' },
      initial: { type: 'string' },
      'cas-fail': { type: 'string' },
      independent: { type: 'boolean' },
      'nil-reads': { type: 'string' },
      steps: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      'allow-inconclusive': { type: 'boolean' },
    },
    100_000,
  );
  if (positionals.length === 0) throw new UsageError('check: name at least one history file (Jepsen history.edn or log, or JSON). See `faultline check --help`.');
  const model = oneOf<HistoryModelName>(v.model as string | undefined, '--model', HISTORY_MODELS);
  const format = oneOf<HistoryFormat>(v.format as string | undefined, '--format', HISTORY_FORMATS);
  const nilReads = oneOf(v['nil-reads'] as string | undefined, '--nil-reads', ['value', 'unseen'] as const);
  const casFail = oneOf(v['cas-fail'] as string | undefined, '--cas-fail', ['mismatch', 'refused'] as const);
  const initial = typeof v.initial === 'string' ? parseInitial(v.initial) : null;
  const maxSteps = typeof v.steps === 'string' ? parseSteps(v.steps) : STEPS_DEFAULT;
  const timeoutMs = parseTimeout(typeof v.timeout === 'string' ? v.timeout : TIMEOUT_DEFAULT);
  const allowInconclusive = v['allow-inconclusive'] === true;
  // --json prints every file in one object and no progress: --quiet would leave out nothing.
  if (v.json === true && v.quiet === true) throw new UsageError('--quiet: leaves the linearizable histories out of the text output, and --json prints every history in one object; give one or the other');
  // One file named twice (`h.edn ./h.edn`, or through a link) would be checked and counted twice.
  const seen = new Map<string, string>();
  for (const p of positionals) {
    const real = realPathOf(resolve(io.cwd, p));
    const before = seen.get(real);
    if (before !== undefined) throw new UsageError(before === p ? `check: ${p} is named twice; name each history once` : `check: ${before} and ${p} are the same file (${real}); name each history once`);
    seen.set(real, p);
  }

  // Read and convert every file before checking any: a bad file is exit 2 with no verdicts printed.
  const reads = positionals.map((file) => {
    const text = readUtf8File(file, file, { bytesMax: HISTORY_BYTES_MAX, noun: 'a history', what: 'a history (EDN, a log or JSON)', why: 'split a larger history into parts' });
    try {
      const read = readHistoryText(text, { format, model, casFail, initial, independent: v.independent === true, nilReads });
      return { file, read, checkModel: modelFor(read.model, initial) };
    } catch (e) {
      if (e instanceof HistoryFileError) throw new UsageError(`${file}: ${e.message}`);
      throw e;
    }
  });

  const results: FileResult[] = [];
  for (const { file, read, checkModel } of reads) {
    const t0 = wallNowMs();
    const deadlineAt = t0 + timeoutMs;
    // Each key's history is cut where it goes quiet and checked segment by segment, so a long
    // history costs memory for its busiest stretch, not for its length (same verdict as one search).
    const result = checkSegmented(checkModel, read.ops, { segmentSteps: maxSteps, deadline: () => wallNowMs() > deadlineAt });
    const wallMs = Math.round((wallNowMs() - t0) * 10) / 10;
    const verdict: FileVerdict = result.verdict === 'ok' ? 'linearizable' : result.verdict === 'illegal' ? 'not-linearizable' : 'inconclusive';
    if (read.ops.length === 0) {
      results.push({ file, read, result, verdict: 'inconclusive', reason: `the history holds no client operation to check (${countsLine(read)}); nothing was decided`, wallMs });
      continue;
    }
    const reason = verdict !== 'inconclusive' ? undefined : wallMs >= timeoutMs ? `out of time (--timeout ${timeoutMs / 1000}s) after ${steps(result.steps)}: ${result.reason ?? ''}` : `${result.reason ?? 'undecided'} (--steps ${formatCount(maxSteps)} per search)`;
    results.push({ file, read, result, verdict, reason, wallMs });
    if (v.json !== true && v.quiet !== true && positionals.length > 1) io.err(`  ${file}: ${verdict.replace('-', ' ').toUpperCase()} (${wallMs} ms)\n`);
  }

  const failed = results.filter((r) => r.verdict === 'not-linearizable').length;
  const inconclusive = results.filter((r) => r.verdict === 'inconclusive').length;
  if (v.json === true) {
    io.out(
      JSON.stringify(
        {
          verdict: failed > 0 ? 'fail' : inconclusive > 0 ? 'inconclusive' : 'pass',
          files: results.map((r) => ({
            file: r.file,
            format: r.read.format,
            model: r.read.model,
            modelFrom: r.read.modelFrom,
            ...r.read.counts,
            verdict: r.verdict,
            ...(r.reason === undefined ? {} : { reason: r.reason }),
            partitions: r.result.partitions,
            segments: r.result.segments,
            steps: r.result.steps,
            wallMs: r.wallMs,
            ...(r.result.illegal === undefined ? {} : { illegal: { key: r.result.illegal.key, opIds: r.result.illegal.ops.map((o) => o.opId), explanation: r.result.illegal.explanation } }),
          })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const r of results) {
      if (v.quiet === true && r.verdict === 'linearizable') continue;
      io.out(`faultline check ${r.file}\n  ${countsLine(r.read)}\n`);
      if (r.verdict === 'linearizable') io.out(`  LINEARIZABLE: ${count(r.result.partitions, 'partition')} in ${count(r.result.segments, 'segment')}, ${steps(r.result.steps)}, ${r.wallMs} ms\n`);
      else if (r.verdict === 'inconclusive') io.out(`  INCONCLUSIVE: ${r.reason}${r.read.ops.length === 0 ? '' : '; give it more with --steps or --timeout'}\n`);
      else {
        const ill = r.result.illegal;
        io.out(`  NOT LINEARIZABLE${ill === undefined || ill.key === '' ? '' : ` (${r.read.model === 'kv' ? 'key' : 'partition'} ${JSON.stringify(ill.key)})`}: ${steps(r.result.steps)}, ${r.wallMs} ms\n`);
        if (ill !== undefined) io.out(ill.explanation.replace(/^/gm, '    ') + '\n');
        io.out(`  (times are the events' positions in the file; opIds count the file's operations from 0)\n`);
        if (initial === null && readsEmptyString(r.read)) io.out(`  hint: a read returned "" while every ${r.read.model === 'kv' ? 'key' : 'register'} starts as null; if a missing ${r.read.model === 'kv' ? 'key' : 'value'} reads as "" in this system (Porcupine's kv data does), check again with --initial '""'\n`);
      }
    }
    if (results.length > 1) io.out(`${formatCount(results.length)} histories: ${formatCount(results.length - failed - inconclusive)} linearizable, ${formatCount(failed)} not, ${formatCount(inconclusive)} inconclusive\n`);
  }
  if (failed > 0) return EXIT_FAIL;
  if (inconclusive > 0) return allowInconclusive ? EXIT_PASS : EXIT_INCONCLUSIVE;
  return EXIT_PASS;
}
