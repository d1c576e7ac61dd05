// The part of a scenario the rag workload reads: the common fields, the shared `raft:`
// section and its own `rag:` section.
import type { Micros } from '../../../core/env.ts';
import type { RaftSection } from './raftSection.ts';
import type { RagSection } from './ragSection.ts';

export interface RagScenario {
  name: string;
  topology: { nodes: number };
  duration: Micros;
  liveness: { within: Micros };
  raft: RaftSection;
  rag: RagSection;
}
