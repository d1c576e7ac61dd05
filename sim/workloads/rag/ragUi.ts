// What the page shows for the rag workload: the applied index chart first, and colours for
// its roles and message types (Raft's own come from raftUi.ts).
import { RAFT_UI } from '../raftUi.ts';
import type { WorkloadUi } from '../workload.ts';

export const RAG_UI: WorkloadUi = {
  metric: 'applied',
  roleColors: {
    ...RAFT_UI.roleColors,
    frontend: '#0f8a8a',
    ingest: '#b05fb8',
    auditor: '#6b7f2a',
  },
  messageColors: {
    ...RAFT_UI.messageColors,
    'rag.query': '#d4612a',
    'rag.answer': '#f0ad7a',
    'rag.search': '#1f7a4d',
    'rag.results': '#7cbf9d',
    'rag.put': '#b05fb8',
    'rag.del': '#8a4fd1',
    'rag.ack': '#d7a6dc',
  },
  // The page's Retrieval tab (ui/panels: a question asked of the cache and every replica).
  panels: ['retrieval'],
};
