// A time limit on loading users' workload modules (--workload): a module whose import never
// finishes ends the command with a message naming it and exit code 2, instead of a hang.
//
// Contract: start() before the first import and stop() after the last; past the limit
// (FAULTLINE_WORKLOAD_IMPORT_TIMEOUT_MS, default 30 s, 0 for none) the message `describe()`
// returns is printed and the process exits 2. Nothing has run by then, so nothing is left
// half written. A module can hold this thread in two ways:
// - idle: a top-level await of something that never comes (a timer, a socket). A timer on
//   this thread fires, prints the message and exits.
// - busy: a loop that never ends. No timer on this thread can fire, so a watchdog worker
//   thread waits the limit plus BUSY_GRACE_MS and then stops the JavaScript running here
//   through the inspector (Runtime.terminateExecution: the one way in Node for one thread
//   to interrupt another's JavaScript; no port is opened). The import then never settles,
//   Node ends the process as for an unsettled top-level await (code 13), and the exit
//   handler here prints the message and makes the code 2.
// Whichever acts first claims the one shared state word, so only one of them acts. The
// cost is one idle worker thread while modules load (it starts in a few milliseconds on
// this thread and takes no time from the run); a command without --workload starts none,
// and a run is never touched once its modules are loaded. Wall-clock timers are the CLI's
// business only: nothing here reaches core/ or sim/.
import { isMainThread, Worker } from 'node:worker_threads';
import { UsageError } from './args.ts';
import { exitNow } from './deliberateExit.ts';

export const IMPORT_TIMEOUT_ENV = 'FAULTLINE_WORKLOAD_IMPORT_TIMEOUT_MS';
export const IMPORT_TIMEOUT_MS_DEFAULT = 30_000;
/** The longest limit a timer takes (2^31 - 1 ms, about 24.8 days). */
const IMPORT_TIMEOUT_MS_MAX = 2_147_483_647;
/** How much longer the worker waits than this thread's timer, so an idle thread's own timer acts first. */
const BUSY_GRACE_MS = 1_000;

const LOADING = 0;
const WORKER_FIRED = 1;
const DONE = 2;
const TIMER_FIRED = 3;

// CommonJS, run with eval: it loads nothing of faultline, so it starts in a few milliseconds.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
if (Atomics.wait(state, 0, ${LOADING}, workerData.ms) === 'timed-out' && Atomics.compareExchange(state, 0, ${LOADING}, ${WORKER_FIRED}) === ${LOADING}) {
  try {
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.terminateExecution', () => session.disconnect());
  } catch {
    // No inspector in this Node build: the command hangs as it would without the watchdog.
  }
}
`;

/** The limit from the environment: a whole number of milliseconds, 0 for none. */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[IMPORT_TIMEOUT_ENV];
  if (text === undefined || text === '') return IMPORT_TIMEOUT_MS_DEFAULT;
  if (!/^\d+$/.test(text) || Number(text) > IMPORT_TIMEOUT_MS_MAX) {
    throw new UsageError(`${IMPORT_TIMEOUT_ENV}: expected a whole number of milliseconds from 0 (no limit) to ${IMPORT_TIMEOUT_MS_MAX}, got "${text}"`);
  }
  return Number(text);
}

export interface ImportWatchdog {
  /** The modules are loaded: the limit no longer applies. */
  stop(): void;
  /** The limit passed and the worker stopped this thread's JavaScript (the exit handler reports it). */
  fired(): boolean;
}

const NONE: ImportWatchdog = { stop: () => {}, fired: () => false };

/** Starts the limit; `describe` says which module was loading and what to do. */
export function startImportWatchdog(limitMs: number, describe: () => string): ImportWatchdog {
  // Only the process's own thread can be held up for good; a worker thread has a parent to end it.
  if (limitMs === 0 || !isMainThread) return NONE;
  const state = new Int32Array(new SharedArrayBuffer(4));
  const say = (): void => {
    process.stderr.write(`faultline: ${describe()}\n`);
  };
  try {
    const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { state: state.buffer, ms: limitMs + BUSY_GRACE_MS } });
    worker.unref();
    worker.on('error', () => {});
  } catch {
    // No worker threads here: the limit still holds for an idle thread.
  }
  const timer = setTimeout(() => {
    if (Atomics.compareExchange(state, 0, LOADING, TIMER_FIRED) !== LOADING) return;
    Atomics.notify(state, 0);
    say();
    exitNow(2);
  }, limitMs);
  timer.unref();
  const onExit = (): void => {
    if (Atomics.load(state, 0) !== WORKER_FIRED) return;
    say();
    process.exitCode = 2;
  };
  process.on('exit', onExit);
  return {
    stop: () => {
      clearTimeout(timer);
      if (Atomics.compareExchange(state, 0, LOADING, DONE) !== LOADING) return; // Fired: its exit handler stays.
      Atomics.notify(state, 0);
      process.off('exit', onExit);
    },
    fired: () => Atomics.load(state, 0) === WORKER_FIRED,
  };
}
