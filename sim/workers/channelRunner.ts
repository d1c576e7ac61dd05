// A lockstep Runner over a shared-memory channel (sharedChannel.ts), for a worker set up
// through comlink: Node's worker threads, and Web Workers on a cross-origin isolated page.
//
// Contract: `startChannel` starts the worker's serve loop and returns a Runner whose calls
// hand the work over at once and return a function that waits for the answer, so the
// lockstep driver runs every worker's window in parallel; `stop` ends the serve loop (the
// pool then terminates the thread). A worker's failure rejects the answer with its message.
import type { Remote } from 'comlink';
import type { Runner } from './lockstep.ts';
import { channelMemory, ChannelClient, OP_COMMANDS, OP_STOP, OP_WINDOW } from './sharedChannel.ts';
import type { WindowResult } from './windowRunner.ts';
import type { WorkerApi } from './workerApi.ts';

export interface ChannelRunner {
  runner: Runner;
  /** Asks the worker to leave its serve loop (no answer awaited). */
  stop(): void;
}

/**
 * `canBlock`: this thread may Atomics.wait (Node's main thread; never a browser page).
 * `spin`: poll before blocking, on both sides (sharedChannel.ts; only when each thread has a core),
 * once `spinAfter` requests have gone by (default SPIN_AFTER_REQUESTS).
 */
export function startChannel(api: Remote<WorkerApi>, failed: Promise<never>, canBlock: boolean, spin = false, spinAfter?: number): ChannelRunner {
  const mem = channelMemory(spin, spinAfter);
  const client = new ChannelClient(mem, canBlock, failed);
  // The call answers only when the loop ends; a failure meanwhile surfaces through `failed`.
  api.serve(mem).catch(() => {});
  const reply = (): WindowResult | Promise<WindowResult> => client.reply() as WindowResult | Promise<WindowResult>;
  return {
    runner: {
      runWindow(endUs, endKey, incoming, netFrom, netOps) {
        client.post(OP_WINDOW, [endUs, endKey, incoming, netFrom, netOps]);
        return reply;
      },
      commands(cmds, t, key, netFrom, netOps) {
        client.post(OP_COMMANDS, [cmds, t, key, netFrom, netOps]);
        return reply;
      },
    },
    stop: () => client.post(OP_STOP, null),
  };
}
