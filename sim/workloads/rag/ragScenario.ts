// The part of a scenario the rag workload reads: the common fields, the `raft:` section it
// shares with raft-kv and load-kv (the same schema object) and its own `rag:` section.
import { raftSection } from '../kvSections.ts';
import type { ScenarioOf } from '../workload.ts';
import { ragSection } from './ragSection.ts';

export const RAG_SECTIONS = { raft: raftSection, rag: ragSection };
export type RagScenario = ScenarioOf<typeof RAG_SECTIONS>;
