// The workloads faultline ships, in the order `faultline list` and the docs show them.
// A new built-in workload is one file beside this one and one entry in this list.
import { heartbeatWorkload } from './heartbeat.ts';
import { loadKvWorkload } from './loadKv.ts';
import { mapekWorkload } from './mapek.ts';
import { raftKvWorkload } from './raftKv.ts';
import { ragWorkload } from './rag/ragWorkload.ts';
import type { Workload } from './workload.ts';

export const BUILTIN_WORKLOADS: readonly Workload[] = [heartbeatWorkload, raftKvWorkload, loadKvWorkload, ragWorkload, mapekWorkload] as readonly Workload[];
