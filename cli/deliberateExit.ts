// Exits the process on purpose, so that an exit no faultline code asked for can be told apart.
//
// Contract: faultline's own early exits (a wall-time limit that fired, a module that never
// finished loading) go through exitNow(); any other process.exit() while a command runs
// came from a user's code (a --workload module), and withWorkloads (workloadFlag.ts)
// reports it instead of letting its exit code stand for a verdict. Before it does, it runs
// the cleanups commands registered with onStrayExit (latest first), so such an exit leaves
// no output behind that a finished command would not have written.

let deliberate = false;
const cleanups: (() => void)[] = [];

/** Ends the process with `code`, as faultline decided. */
export function exitNow(code: number): never {
  deliberate = true;
  process.exit(code);
}

/** Whether the process is ending through exitNow(). */
export function exitingDeliberately(): boolean {
  return deliberate;
}

/** Registers `f` to run if the process ends by an exit faultline did not ask for; returns its removal. */
export function onStrayExit(f: () => void): () => void {
  cleanups.push(f);
  return () => {
    const i = cleanups.lastIndexOf(f);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Runs the registered cleanups, latest first; one that fails does not stop the others. */
export function cleanUpStrayExit(): void {
  while (cleanups.length > 0) {
    const f = cleanups.pop() as () => void;
    try {
      f();
    } catch {
      // The process is ending; what could not be removed stays.
    }
  }
}

/** Forgets the cleanups of a command that settled (main does, whichever way it ended). */
export function forgetStrayExitCleanups(): void {
  cleanups.length = 0;
}
