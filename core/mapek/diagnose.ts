// Diagnosis: from the raised symptoms and the cluster view to probable causes, each with a
// confidence and the symptoms it explains.
//
// Contract: a pure function. One diagnosis per (cause, target), ordered by target then
// cause. Node symptoms on a node the manager cannot reach are explained by the
// unreachability alone; a node the leader still hears from is not diagnosed as down (the
// manager's own link is at fault). Whether an unreachable node crashed, hangs or is cut
// off comes from the control plane's host state and the leader's report: a host down has
// crashed; a host paused hangs; a host up whose process the leader has lost touch with too
// runs cut off from the cluster (isolated); a host up with no leader to say more is only
// unresponsive. Without the host state the diagnosis stays at low confidence until the
// control plane answers. Service symptoms (latency, errors) are blamed on overload only
// when demand is up and no node explains them.
import type { Micros, NodeId } from '../env.ts';
import { quorum, healthyVoters, type ClusterView } from './clusterView.ts';
import { symptomKey, type Cause, type Diagnosis, type Symptom } from './types.ts';

/** Offered load this many times its baseline counts as a surge. */
export const DEMAND_SURGE_RATIO = 1.5;
/**
 * A slow follower costs little while it lasts, and its remedy (a replacement) costs a lot,
 * so it is only diagnosed once it has been slow this long; a slow leader is diagnosed at
 * once, as it slows every write and its remedy (a transfer) is cheap.
 */
export const SLOW_FOLLOWER_PATIENCE_US = 3_000_000;
/**
 * A node whose host is up but which does not answer may only be losing a few messages:
 * it is acted on (confidence above the planner's minimum) only once it has been silent
 * this long. A host the control plane reports down is a fact and needs no patience.
 */
export const UNRESPONSIVE_PATIENCE_US = 1_000_000;

/**
 * A node the manager does not hear whose host the control plane reports up (its process
 * runs), and which the leader has lost touch with too: its status says the leader has not
 * heard from it lately and its log lags (that is why it is not `healthy`; see
 * clusterView.ts). Two independent observers cannot reach a running process: it is cut off
 * at the network, or too slow to answer anyone, and a restart on the same host cures
 * neither. Without a leader's report there is no second observer, so no such conclusion.
 */
export function cutOff(view: ClusterView, n: NodeId): boolean {
  return view.leader >= 0 && view.leader !== n && view.progress.has(n) && !view.healthy.has(n);
}

export function diagnose(symptoms: readonly Symptom[], view: ClusterView, demandRatio: number, nowUs: Micros): Diagnosis[] {
  const out = new Map<string, Diagnosis>();
  const add = (cause: Cause, target: NodeId, confidence: number, s: Symptom): void => {
    const key = `${cause}:${target}`;
    const d = out.get(key);
    if (d === undefined) out.set(key, { cause, target, confidence, symptoms: [symptomKey(s)], sinceUs: s.sinceUs, value: s.value });
    else {
      d.confidence = Math.max(d.confidence, confidence);
      d.symptoms.push(symptomKey(s));
      d.sinceUs = Math.min(d.sinceUs, s.sinceUs);
    }
  };
  const members = new Set([...view.voters, ...view.learners]);
  const unreachable = new Set(symptoms.filter((s) => s.kind === 'unreachable').map((s) => s.target));
  const surge = demandRatio >= DEMAND_SURGE_RATIO;
  let nodeCauses = 0;
  for (const s of symptoms) {
    const n = s.target;
    if (n >= 0 && !members.has(n)) continue;
    switch (s.kind) {
      case 'unreachable': {
        if (view.healthy.has(n)) break;
        const h = view.hosts.get(n);
        if (h?.decommissioned) break;
        if (h?.quarantined) add('quarantined', n, 1, s);
        else if (h?.state === 'down') add('crashed', n, 0.95, s);
        else if (h?.state === 'paused') add('unresponsive', n, 0.85, s);
        else if (h?.state === 'up') {
          const patient = nowUs - s.sinceUs >= UNRESPONSIVE_PATIENCE_US;
          if (patient && cutOff(view, n)) add('isolated', n, 0.7, s);
          else add('unresponsive', n, patient ? 0.7 : 0.5, s);
        }
        else add('unresponsive', n, 0.5, s);
        nodeCauses++;
        break;
      }
      case 'slow-node':
        if (unreachable.has(n)) break;
        // A leader swamped by a surge of demand is overloaded, not broken.
        if (n === view.leader && surge) break;
        if (n === view.leader) add('slow-leader', n, 0.85, s);
        else if (nowUs - s.sinceUs >= SLOW_FOLLOWER_PATIENCE_US) add('slow-node', n, 0.6, s);
        else break;
        nodeCauses++;
        break;
      case 'disk-errors':
      case 'disk-nearly-full':
        if (unreachable.has(n)) break;
        add('disk-full', n, s.kind === 'disk-errors' ? 0.9 : 0.7, s);
        nodeCauses++;
        break;
      case 'memory-trend':
        if (unreachable.has(n)) break;
        add('memory-leak', n, 0.8, s);
        nodeCauses++;
        break;
      case 'rejected-peer': {
        const others = Math.max(1, view.voters.length - 1);
        add('byzantine', n, Math.min(1, 0.5 + (0.5 * (s.value - 1)) / others), s);
        nodeCauses++;
        break;
      }
      case 'clock-skew':
        if (unreachable.has(n)) break;
        add('clock-skew', n, 0.8, s);
        nodeCauses++;
        break;
      default:
        break;
    }
  }
  const service = symptoms.filter((s) => s.kind === 'latency-up' || s.kind === 'error-rate-up');
  if (service.length > 0 && nodeCauses === 0 && surge) {
    for (const s of service) add('overload', -1, demandRatio >= 2 * DEMAND_SURGE_RATIO ? 0.9 : 0.7, s);
  }
  const stalled = symptoms.filter((s) => s.kind === 'no-leader' || s.kind === 'commit-stall');
  if (stalled.length > 0 && healthyVoters(view).length < quorum(view.voters.length)) {
    for (const s of stalled) add('quorum-loss', -1, 0.9, s);
  }
  return [...out.values()].sort((a, b) => a.target - b.target || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0));
}

