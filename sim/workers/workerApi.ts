// The API a worker exposes over comlink: one WindowRunner, created by `init`.
//
// Contract: every method is a batch (a whole window, or one action's commands), because a
// comlink round trip costs about 100 µs; where memory can be shared, `serve` carries the
// same batches through sharedChannel.ts instead (about 10 µs a round trip). A failure
// inside a runner rejects the call with a message naming the node and the event (see
// windowRunner.ts).
import type { Micros, NodeId } from '../../core/env.ts';
import type { NodeCommand } from '../host/runtime.ts';
import type { NetOp } from '../net/network.ts';
import { prepareScenario } from '../workloads/registry.ts';
import { loadWorkloadModules } from '../workloads/userWorkload.ts';
import { OP_COMMANDS, OP_WINDOW, serveChannel, type ChannelMemory } from './sharedChannel.ts';
import { WindowRunner, type Shipped, type WindowResult, type WorkerInit } from './windowRunner.ts';

export interface WorkerApi {
  /** Loads the users' workload modules and the workload's resources, then builds this worker's nodes. */
  init(init: WorkerInit): Promise<void>;
  runWindow(endUs: Micros, endKey: number, incoming: Shipped[], netFrom: number, netOps: readonly NetOp[]): WindowResult;
  commands(cmds: { node: NodeId; cmd: NodeCommand }[], t: Micros, key: number, netFrom: number, netOps: readonly NetOp[]): WindowResult;
  inspect(): { node: NodeId; status: string; view: unknown }[];
  /**
   * Serves windows and commands through shared memory (sharedChannel.ts) until the kernel's
   * side stops it; the thread does nothing else meanwhile.
   */
  serve(mem: ChannelMemory): 'stopped' | 'exiting';
}

/** `onExitDue` ends the thread when the 'exit' test hook fires (the entry decides how). */
export function createWorkerApi(onExitDue: () => void = () => {}): WorkerApi {
  let runner: WindowRunner | null = null;
  const get = (): WindowRunner => {
    if (runner === null) throw new Error('worker used before init');
    return runner;
  };
  return {
    async init(init) {
      await loadWorkloadModules(init.workloadModules);
      await prepareScenario(init.scenario);
      runner = new WindowRunner(init);
    },
    runWindow: (endUs, endKey, incoming, netFrom, netOps) => {
      const r = get().runWindow(endUs, endKey, incoming, netFrom, netOps);
      if (get().exitDue()) onExitDue();
      return r;
    },
    commands: (cmds, t, key, netFrom, netOps) => get().commands(cmds, t, key, netFrom, netOps),
    inspect: () => get().inspect(),
    serve(mem) {
      const r = get();
      const how = serveChannel(
        mem,
        (op, args) => {
          if (op === OP_WINDOW) {
            const [endUs, endKey, incoming, netFrom, netOps] = args as Parameters<WindowRunner['runWindow']>;
            return r.runWindow(endUs, endKey, incoming, netFrom, netOps);
          }
          if (op === OP_COMMANDS) {
            const [cmds, t, key, netFrom, netOps] = args as Parameters<WindowRunner['commands']>;
            return r.commands(cmds, t, key, netFrom, netOps);
          }
          throw new Error(`lockstep channel: unknown op ${op}`);
        },
        () => r.exitDue(),
      );
      if (how === 'exiting') onExitDue();
      return how;
    },
  };
}
