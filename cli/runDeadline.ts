// `run --timeout D` (and `replay --timeout D`): the run's wall-time limit (cli/wallDeadline.ts), and where a run that
// reached it was: still being built (the workload's validate(), nodes(), install() or a
// process factory), in an event of which node at what simulated time, or past its last
// event (finish() and the end-of-run checks).
//
// Contract: watchRun(limitMs, context) arms the limit at once (before the scenario is
// loaded: a workload's validate() and nodes() run then), and the command fills in the
// context as it learns it; wrap() gives run options whose
// observe and onProgress also note how far the run got (they only read the world: the run
// and its trace are the same with or without them); stop() ends the limit once the run has
// returned. Past the limit, `undo` removes what the command prepared (the --out directory,
// telemetry files not yet in place), the message names the flag, the seed, where the run
// was and the fix, and the command ends with exit code 2 (the user's code never returned,
// or the limit was too short for the run: either way nothing was decided).
import type { RunOptions } from '../sim/run/runScenario.ts';
import type { World } from '../sim/world/world.ts';
import { KERNEL_ORIGIN } from '../sim/kernel/kernel.ts';
import { NODE_COUNT_MAX, ORIGIN_SEQ_MAX } from '../sim/kernel/eventQueue.ts';
import { formatCount, formatMicros } from '../sim/kernel/time.ts';
import { startWallDeadline } from './wallDeadline.ts';

export const RUN_TIMEOUT_EXIT = 2;

export interface RunWatch {
  wrap<T extends RunOptions>(opts: T): T;
  stop(): void;
}

/** Where the run was, from what the world shows (a tie key's high part is the node the event runs on). */
function whereRunWas(world: World | null, ended: boolean, workers: number | undefined): string {
  if (world === null) return 'before its first event, while the scenario was checked and the run built (in the workload\'s validate(), nodes(), install() or a process factory)';
  const at = `${formatMicros(world.nowUs)} simulated, ${formatCount(world.executed)} events run`;
  if (ended || world.haltedBy !== null) return `past its last event (${at}: in the workload's finish() or the end-of-run checks)`;
  if (workers !== undefined) return `at ${at}, with the nodes in ${workers} worker thread${workers === 1 ? '' : 's'} (in a node's start, onMessage or onTimer there, or a scenario action)`;
  const node = Math.floor(world.kernel.currentKey / (NODE_COUNT_MAX * ORIGIN_SEQ_MAX));
  const what = node === KERNEL_ORIGIN ? 'a scenario action (a fault, or an action the workload scheduled with world.at)' : `an event of node ${node} (its process's start, onMessage or onTimer)`;
  return `in ${what} at ${at}`;
}

/** What the command knows by the time the limit is reached: filled in as it gets there. */
export interface RunWatchContext {
  /** The seed, once known (a replay learns it from the file it reads). */
  seed?: number;
  /** The replay command, once the scenario is loaded. */
  replay?: string;
  /** Removes what the command prepared for its outputs. */
  undo?: () => void;
  /** run --workers N: the nodes run in worker threads, so this thread's kernel cannot say which event holds the run. */
  workers?: number;
}

export function watchRun(limitMs: number, context: RunWatchContext): RunWatch {
  let world: World | null = null;
  let ended = false;
  const deadline = startWallDeadline(limitMs, () => {
    context.undo?.();
    const replay = context.replay === undefined ? '' : ` (replay: ${context.replay})`;
    return {
      code: RUN_TIMEOUT_EXIT,
      message: `--timeout: the run${context.seed === undefined ? '' : ` of seed ${context.seed}`} was still going after ${limitMs / 1000} s of wall time, ${whereRunWas(world, ended, context.workers)}; a loop that never ends in the workload's code? Nothing was decided and nothing written: find the loop, or give the run longer with --timeout${replay}`,
    };
  });
  deadline.arm();
  return {
    wrap(opts) {
      const { observe, onProgress } = opts;
      return {
        ...opts,
        observe: (w: World, s: Parameters<NonNullable<RunOptions['observe']>>[1]) => {
          world = w;
          observe?.(w, s);
        },
        onProgress: (simUs: number, totalUs: number, events: number) => {
          if (simUs >= totalUs) ended = true;
          onProgress?.(simUs, totalUs, events);
        },
      };
    },
    stop: () => deadline.stop(),
  };
}

export interface CommandWatchContext {
  /** How far the command got ("after 37 runs"), asked when the limit is reached. */
  progress: () => string;
  /** The flag that bounds the command's work instead ("--tests-max", "--runs"). */
  bound: string;
  /** Takes back what the command prepared or wrote (no partial output). */
  undo?: () => void;
}

/**
 * `shrink --timeout D` and `explore --timeout D`: a wall-time limit on the whole command, its
 * many runs together (cli/wallDeadline.ts; a run that never returns is stopped too). Past it
 * the command ends with exit 2 (RUN_TIMEOUT_EXIT): what it prepared or wrote is taken back,
 * and the message names the flag, how far it got and the fix. Armed at once; stop() ends it.
 */
export function watchCommand(limitMs: number, command: string, context: CommandWatchContext): { stop(): void } {
  const deadline = startWallDeadline(limitMs, () => {
    context.undo?.();
    return {
      code: RUN_TIMEOUT_EXIT,
      message: `--timeout: ${command} was still going after ${limitMs / 1000} s of wall time, ${context.progress()}; it stopped part way, so nothing was decided and nothing written: give it longer with --timeout, or less to do with ${context.bound}`,
    };
  });
  deadline.arm();
  return { stop: () => deadline.stop() };
}
