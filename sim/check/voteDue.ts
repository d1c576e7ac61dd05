// The vote-due check: a voter free to vote grants an up-to-date candidate its vote (the
// liveness half of §5.4.1; vote-up-to-date in raftLogChecks.ts is the safety half).
//
// Contract: judged from the KV server's 'raft.refused' (an election vote request, not a
// pre-vote, that the node did not grant) and 'raft.granted'. A refusal is a violation when
// every one of these holds, each read from what the server saw, not from Raft's own state:
//   - the node took the request's term (`after` equals it): a request of an older term is
//     refused rightly, and one of a newer term the node did not adopt was ignored, which
//     CheckQuorum or a restart's lease guard may demand (leader-sticky judges those; an
//     ignore is never judged here, since the server's count of ticks since it heard its
//     leader and Raft's may differ by a tick);
//   - it had not voted for another node in that term (`voted` is nobody or the candidate);
//   - it had heard from no leader of that term (`led`): a node that knows the term's leader
//     may refuse everyone else (etcd does, and no second leader could win anyway);
//   - it is a voter of its configuration (`voter`);
//   - the candidate's last entry is at least as up-to-date as the node's own (§5.4.1): a
//     later last term, or the same last term and at least as long a log.
// A node that is down or paused steps nothing and reports nothing, and pre-votes are not
// judged. What it catches: an up-to-date test stricter than the paper's (it refuses a
// candidate with a newer last term and a shorter log, which is safe, so no safety check
// sees it), a vote kept from a candidate for a wrong reason. Memory: counters only.
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';
import { notApplicable } from './verdict.ts';

/** What a refusing node knew, from 'raft.refused'. */
export interface Refusal {
  candidate: NodeId;
  term: number;
  index: number;
  logTerm: number;
  ownIndex: number;
  ownTerm: number;
  after: number;
  voted: NodeId;
  led: boolean;
  voter: boolean;
}

/** Why a refusal was no obligation, or null when the vote was due (the order is the check's). */
export function refusalExcuse(r: Refusal): string | null {
  if (r.after > r.term) return 'stale';
  if (r.after < r.term) return 'ignored';
  if (r.voted !== -1 && r.voted !== r.candidate) return 'voted';
  if (r.led) return 'led';
  if (!r.voter) return 'not-voter';
  if (!(r.logTerm > r.ownTerm || (r.logTerm === r.ownTerm && r.index >= r.ownIndex))) return 'log';
  return null;
}

export class VoteDueCheck {
  /** Election votes granted (each a due vote or not: vote-up-to-date judges them). */
  granted = 0;
  /** Refusals by their excuse; 'due' counts the violations. */
  readonly refused: Record<string, number> = {};
  private reported = 0;

  constructor(private readonly world: World) {
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'raft.granted') this.granted++;
      else if (name === 'raft.refused') {
        this.judge(node, {
          candidate: f.to as number, term: f.term as number, index: f.index as number, logTerm: f.logTerm as number,
          ownIndex: f.ownIndex as number, ownTerm: f.ownTerm as number, after: f.after as number, voted: f.voted as number,
          led: f.led === true, voter: f.voter === true,
        });
      }
    });
  }

  private judge(node: NodeId, r: Refusal): void {
    const excuse = refusalExcuse(r) ?? 'due';
    this.refused[excuse] = (this.refused[excuse] ?? 0) + 1;
    if (excuse !== 'due' || this.reported++ >= VIOLATIONS_PER_CHECK_MAX) return;
    this.world.violate('vote-due', node, `node ${node} refused its vote in term ${r.term} to node ${r.candidate}, whose log ends at index ${r.index} of term ${r.logTerm}, while its own ends at index ${r.ownIndex} of term ${r.ownTerm}; it had taken that term, voted for nobody else in it and heard from no leader of it, and it is a voter: a candidate whose log is at least as up-to-date must get the vote (§5.4.1), or elections that should succeed fail`);
  }

  /** The stats line: what was judged. */
  state(): string {
    const refusals = Object.entries(this.refused).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const total = refusals.reduce((n, [, c]) => n + c, 0);
    if ((this.refused.due ?? 0) > 0) return `fail (${this.refused.due} votes refused though due)`;
    if (this.granted + total === 0) return notApplicable('no election vote request reached a server');
    const why = refusals.map(([k, c]) => `${k} ${c}`).join(', ');
    return `pass (${this.granted} votes granted, ${total} refused with a reason${total > 0 ? `: ${why}` : ''})`;
  }
}
