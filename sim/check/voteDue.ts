// The vote-due check: a voter free to vote grants an up-to-date candidate its vote (the
// liveness half of §5.4.1; vote-up-to-date in raftLogChecks.ts is the safety half).
//
// Contract: judged from the KV server's 'raft.refused' (an election vote request the node did
// not grant, or a pre-vote request Raft answered with a refusal; one it ignored without an
// answer is not reported) and 'raft.granted'. A refusal is a violation when every one of
// these holds, each read from what the server saw, not from Raft's own state:
//   - the request is not stale (the node's term after it is not above the request's);
//   - an election's term was taken (`after` equals it): one of a newer term the node did
//     not adopt was ignored, which CheckQuorum or a restart's lease guard may demand
//     (leader-sticky judges those; an ignore is never judged here, since the server's count
//     of ticks since it heard its leader and Raft's may differ by a tick); a pre-vote asks
//     about a term the node has not reached, so it stays in its own;
//   - the server's own count did not say CheckQuorum bound the node to ignore it (`sticky`);
//   - for a pre-vote: the node had heard from no leader for two election timeouts (PreVote,
//     thesis §9.6, lets a node that hears its leader say no; doubled for the count's slack);
//   - it had not voted for another node in that term (`voted` is nobody or the candidate);
//   - it had heard from no leader of that term (`led`): a node that knows the term's leader
//     may refuse everyone else (etcd does, and no second leader could win anyway);
//   - it is a voter of its configuration (`voter`);
//   - the candidate's last entry is at least as up-to-date as the node's own (§5.4.1): a
//     later last term, or the same last term and at least as long a log.
// A node that is down or paused steps nothing and reports nothing. What it catches: an
// up-to-date test stricter than the paper's (it refuses a candidate with a newer last term
// and a shorter log, which is safe, so no safety check sees it), a vote kept from a
// candidate for a wrong reason. Memory: counters only.
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
  /** Whether the server's own count said CheckQuorum bound the node to ignore the request. */
  sticky: boolean;
  /** A pre-vote request (judged only when Raft answered it with a refusal). */
  pre: boolean;
  /** Ticks since the node last heard from a leader (-1: never), and its election timeout in ticks. */
  heardTicks: number;
  electionTicks: number;
}

/** Why a refusal was no obligation, or null when the vote was due (the order is the check's). */
export function refusalExcuse(r: Refusal): string | null {
  if (r.after > r.term) return 'stale';
  // A pre-vote asks about a term the node has not reached; an election must have been taken.
  if (!r.pre && r.after < r.term) return 'ignored';
  if (r.sticky) return 'sticky';
  // PreVote (thesis §9.6): a node that heard from a leader within an election timeout may say
  // no (doubled: the server's count of ticks and Raft's may differ).
  if (r.pre && r.heardTicks !== -1 && r.heardTicks < 2 * r.electionTicks) return 'heard-leader';
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
      if (name === 'raft.granted') this.granted += f.pre === true ? 0 : 1;
      else if (name === 'raft.refused') {
        this.judge(node, {
          candidate: f.to as number, term: f.term as number, index: f.index as number, logTerm: f.logTerm as number,
          ownIndex: f.ownIndex as number, ownTerm: f.ownTerm as number, after: f.after as number, voted: f.voted as number,
          led: f.led === true, voter: f.voter === true, sticky: f.sticky === true, pre: f.pre === true,
          heardTicks: typeof f.heardTicks === 'number' ? f.heardTicks : -1, electionTicks: typeof f.electionTicks === 'number' ? f.electionTicks : 0,
        });
      }
    });
  }

  private judge(node: NodeId, r: Refusal): void {
    const excuse = refusalExcuse(r) ?? 'due';
    this.refused[excuse] = (this.refused[excuse] ?? 0) + 1;
    if (excuse !== 'due' || this.reported++ >= VIOLATIONS_PER_CHECK_MAX) return;
    const what = r.pre ? `its pre-vote for term ${r.term}` : `its vote in term ${r.term}`;
    const free = r.pre ? `it had heard from no leader for ${r.heardTicks === -1 ? 'ever' : `${r.heardTicks} ticks (election timeout ${r.electionTicks})`}` : 'it had taken that term, voted for nobody else in it and heard from no leader of it';
    this.world.violate('vote-due', node, `node ${node} refused ${what} to node ${r.candidate}, whose log ends at index ${r.index} of term ${r.logTerm}, while its own ends at index ${r.ownIndex} of term ${r.ownTerm}; ${free}, and it is a voter: a candidate whose log is at least as up-to-date must get the vote (§5.4.1; PreVote asks the same, thesis §9.6), or elections that should succeed fail`);
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
