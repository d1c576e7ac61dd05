// Test helper: building single RawNodes and draining their Ready by hand, for unit-level
// protocol tests that need to see exact messages.
//
// Contract: newNode() boots a node with the given voters and optional log; drain() returns
// every message the node produced and advances it as if the host persisted everything.

import type { RaftConfig } from '../../../core/raft/config.ts';
import { RawNode } from '../../../core/raft/rawNode.ts';
import { seededRandom, testConfig } from './testNetwork.ts';
import type { Entry, Message, Ready } from '../../../core/raft/types.ts';

export interface UnitNodeOptions extends Partial<Omit<RaftConfig, 'id' | 'random'>> {
  voters?: number[];
  learners?: number[];
  entries?: Entry[];
  term?: number;
  vote?: number;
  commit?: number;
  seed?: number;
}

export function newNode(id: number, opts: UnitNodeOptions = {}): RawNode {
  const cfg = testConfig(id, opts, seededRandom(opts.seed ?? id));
  return new RawNode(cfg, {
    hardState: { term: opts.term ?? 0, vote: opts.vote ?? -1, commit: opts.commit ?? 0 },
    entries: opts.entries ?? [],
    conf: { voters: opts.voters ?? [1, 2, 3], learners: opts.learners ?? [] },
  });
}

/** Drains all Ready of `n`, returning the batches; messages are collected in order. */
export function drain(n: RawNode): { readies: Ready[]; messages: Message[] } {
  const readies: Ready[] = [];
  const messages: Message[] = [];
  for (let i = 0; i < 100 && n.hasReady(); i++) {
    const rd = n.ready();
    readies.push(rd);
    messages.push(...rd.messages);
    n.advance(rd);
  }
  return { readies, messages };
}

/** Ticks `n` until it is no longer a follower; returns the tick count (or -1 after `ticksMax`). */
export function ticksUntilCampaign(n: RawNode, ticksMax: number): number {
  for (let t = 1; t <= ticksMax; t++) {
    n.tick();
    if (n.status().role !== 'follower') return t;
  }
  return -1;
}

/**
 * Node 1, restored with `entries` (and the term of the last one), elected leader with node
 * 2's vote in the next term; its Ready is drained (its empty entry appended, a probe sent to
 * each follower).
 */
export function electedLeader(entries: Entry[], opts: UnitNodeOptions = {}): RawNode {
  const n = newNode(1, { entries, term: entries.at(-1)?.term ?? 0, ...opts });
  n.campaign();
  drain(n);
  n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: n.currentTerm() });
  drain(n);
  if (!n.isLeader()) throw new Error('electedLeader: node 1 did not become leader');
  return n;
}
