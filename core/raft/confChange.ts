// Single-server membership changes (Raft thesis §4.1) and their encoding in conf entries.
//
// Contract: applyConfChange returns the new ConfState or a reason string when the change is
// not allowed (adding an existing member, demoting a voter, removing the last voter). It
// never mutates its input. Voter and learner lists are kept sorted so iteration is
// deterministic.

import type { ConfState } from './types.ts';

export interface ConfChange {
  type: 'addVoter' | 'addLearner' | 'removeNode';
  node: number;
}

const CHANGE_TYPES = new Set(['addVoter', 'addLearner', 'removeNode']);

function sorted(ids: readonly number[]): number[] {
  return [...ids].sort((a, b) => a - b);
}

export function normalizeConf(conf: ConfState): ConfState {
  if (conf.votersOutgoing !== undefined && conf.votersOutgoing.length > 0) {
    throw new Error('raft conf: joint consensus (votersOutgoing) is not supported');
  }
  const voters = sorted([...new Set(conf.voters)]);
  // A node is either a voter or a learner; a voter listed twice stays a voter.
  const learners = sorted([...new Set(conf.learners)].filter((id) => !voters.includes(id)));
  return { voters, learners };
}

export function applyConfChange(conf: ConfState, cc: ConfChange): ConfState | string {
  const isVoter = conf.voters.includes(cc.node);
  const isLearner = conf.learners.includes(cc.node);
  switch (cc.type) {
    case 'addVoter':
      if (isVoter) return `node ${cc.node} is already a voter`;
      return {
        voters: sorted([...conf.voters, cc.node]),
        learners: conf.learners.filter((id) => id !== cc.node),
      };
    case 'addLearner':
      if (isLearner) return `node ${cc.node} is already a learner`;
      if (isVoter) return `node ${cc.node} is a voter; demotion is not supported`;
      return { voters: [...conf.voters], learners: sorted([...conf.learners, cc.node]) };
    case 'removeNode':
      if (!isVoter && !isLearner) return `node ${cc.node} is not a member`;
      if (isVoter && conf.voters.length === 1) return 'cannot remove the last voter';
      return {
        voters: conf.voters.filter((id) => id !== cc.node),
        learners: conf.learners.filter((id) => id !== cc.node),
      };
  }
}

export function encodeConfChange(cc: ConfChange): string {
  return JSON.stringify({ type: cc.type, node: cc.node });
}

/** Parses a conf entry's data; a malformed entry decodes to null and is applied as a no-op. */
export function decodeConfChange(data: string): ConfChange | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.type !== 'string' || !CHANGE_TYPES.has(o.type)) return null;
  if (typeof o.node !== 'number' || !Number.isSafeInteger(o.node) || o.node < 0) return null;
  return { type: o.type as ConfChange['type'], node: o.node };
}
