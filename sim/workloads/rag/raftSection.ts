// The `raft:` section the rag workload shares with raft-kv (the same schema object).
import type { z } from 'zod';
import { raftSchema } from '../../scenario/schema.ts';

export { raftSchema };
export type RaftSection = z.output<typeof raftSchema>;
