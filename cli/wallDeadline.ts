// A wall-time limit on what this thread runs: one `run --timeout`, or each seed a sweep runs
// on its own thread. Code that never returns (a user's workload hook in a loop that never
// ends) ends the command with a message saying where it was, instead of holding it for good.
//
// Contract: startWallDeadline(limitMs, fired) returns a deadline that is idle until arm();
// while armed for longer than limitMs (each arm() starts the clock again), the command ends:
// fired() is called on this thread and returns the message (printed after "faultline: ") and
// the exit code, after undoing what it must. disarm() stops the clock, stop() ends it. A
// thread can be held in two ways (as cli/importWatchdog.ts, which guards module loading):
// - busy: JavaScript that never returns. No timer on this thread can fire, so a watchdog
//   worker thread waits on a shared word and, past the limit, stops the JavaScript running
//   here through the inspector (Runtime.terminateExecution; no port is opened). The stack
//   unwinds without running any finally; what is left of the event loop then runs, and the
//   process ends. Whichever comes first reports: a timer here, or the exit handler.
// - idle: awaiting something that never comes (a worker that never answers). A timer here
//   fires, reports and exits.
// Nothing of the run reads the deadline: it acts only from outside the run, so a run's
// trace is the same with or without it. Wall-clock timers are the CLI's alone (never in
// core/ or sim/).
import { isMainThread, Worker } from 'node:worker_threads';
import { exitNow } from './deliberateExit.ts';

/**
 * The shared word: even while idle, odd while armed (each arm a new value), and the ends:
 * fired (by this thread's timer, or by the worker, which then stops this thread's
 * JavaScript and disconnects: Node would wait for a session still connected at exit), or
 * stopped.
 */
const FIRED = -1;
const STOPPED = -2;
const WORKER_DONE = -3;
/** How much longer the worker waits than this thread's timer, so an idle thread's own timer acts first. */
const BUSY_GRACE_MS = 1_000;
/** How often this thread looks at the word once its JavaScript may have been stopped. */
const POLL_MS = 100;

// CommonJS, run with eval: it loads nothing of faultline, so it starts in a few milliseconds.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const word = new Int32Array(workerData.word);
for (;;) {
  const v = Atomics.load(word, 0);
  if (v < 0) break;
  if (v % 2 === 0) { Atomics.wait(word, 0, v); continue; }
  if (Atomics.wait(word, 0, v, workerData.ms) !== 'timed-out') continue;
  if (Atomics.compareExchange(word, 0, v, ${FIRED}) !== v) continue;
  const done = () => { Atomics.store(word, 0, ${WORKER_DONE}); Atomics.notify(word, 0); };
  try {
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.terminateExecution', () => { session.disconnect(); done(); });
  } catch {
    // No inspector in this Node build: a busy thread goes on as it would without the limit.
    done();
  }
  break;
}
`;

export interface WallDeadline {
  /** Starts (or starts again) the clock. */
  arm(): void;
  /** Stops the clock until the next arm(). */
  disarm(): void;
  /** Ends the deadline for good. */
  stop(): void;
}

export interface DeadlineEnd {
  message: string;
  code: number;
}

export function startWallDeadline(limitMs: number, fired: () => DeadlineEnd): WallDeadline {
  const word = new Int32Array(new SharedArrayBuffer(4));
  let reported = false;
  const report = (exit: boolean): void => {
    if (reported) return;
    reported = true;
    const end = fired();
    process.stderr.write(`faultline: ${end.message}\n`);
    process.exitCode = end.code;
    if (exit) exitNow(end.code);
  };
  if (isMainThread) {
    try {
      const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { word: word.buffer, ms: limitMs + BUSY_GRACE_MS } });
      worker.unref();
      worker.on('error', () => {});
    } catch {
      // No worker threads here: the limit still holds for an idle thread.
    }
  }
  // After the worker stopped this thread's JavaScript, whatever the event loop still holds
  // runs: this poll reports then. With nothing left, the exit handler does.
  const poll = setInterval(() => {
    if (Atomics.load(word, 0) === WORKER_DONE) report(true);
  }, POLL_MS);
  poll.unref();
  const onExit = (): void => {
    const v = Atomics.load(word, 0);
    if (v === FIRED || v === WORKER_DONE) report(false);
  };
  process.on('exit', onExit);
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Moves the word from its present value to `next(v)`, unless it has fired or stopped. */
  const move = (next: (v: number) => number): void => {
    for (;;) {
      const v = Atomics.load(word, 0);
      if (v < 0) return;
      if (Atomics.compareExchange(word, 0, v, next(v)) === v) break;
    }
    Atomics.notify(word, 0);
  };
  const clear = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return {
    arm() {
      move((v) => (v % 2 === 0 ? v + 1 : v + 2));
      clear();
      const armed = Atomics.load(word, 0);
      timer = setTimeout(() => {
        if (Atomics.compareExchange(word, 0, armed, FIRED) !== armed) return;
        Atomics.notify(word, 0);
        report(true);
      }, limitMs);
      timer.unref();
    },
    disarm() {
      clear();
      move((v) => (v % 2 === 0 ? v : v + 1));
    },
    stop() {
      clear();
      clearInterval(poll);
      for (;;) {
        const v = Atomics.load(word, 0);
        if (v === FIRED || v === WORKER_DONE) return; // It fired: its reports stay.
        if (Atomics.compareExchange(word, 0, v, STOPPED) === v) break;
      }
      Atomics.notify(word, 0);
      process.off('exit', onExit);
    },
  };
}
