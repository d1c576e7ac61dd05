// Leader churn: a healthy cluster keeps its leader. In the fault-free stretches of a run
// (no fault active, and the cluster given time to settle after the last one), the number of
// new leaders must stay within a bound; a bug that makes leaders lose their followers, or
// followers time out while a leader is alive, elects many (one that multiplied elections
// eightfold passed every other check).
//
// Contract: the quiet windows come from the scenario's concrete fault list (swarm faults
// already drawn): the run minus each fault's [at, heal] stretch, each window starting
// `settleUs` after the preceding fault healed (or after boot): two election timeouts, plus
// the longest latency a link fault set, since messages it held back still arrive. An
// operator's accepted leadership transfer or membership removal ('kv.admin' telemetry)
// counts as an instant fault: it elects a new leader on purpose (a removed leader steps
// down; a removed follower may campaign before it is shut down), so the window after it
// also starts `settleUs` later. A window shorter than
// `settleUs` is not judged. Within each judged window at most CHURN_LEADERS_MAX new leaders
// (distinct terms with a leader) may be elected, plus one per CHURN_WINDOW_US of its
// length. The check is decided at the end of the run; a scenario with no judged window
// says so in the stats ("not applicable"), and when the link's own latency can exceed the
// election timeout a fault-free period is not healthy, so the check does not apply either.
import type { Micros } from '../../core/env.ts';
import { healUs } from '../faults/schedule.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import { formatMicros } from '../kernel/time.ts';
import { DEFAULT_LINK, type LinkProfile } from '../net/link.ts';
import type { Scenario } from '../scenario/schema.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import type { World } from '../world/world.ts';
import { notApplicable } from './verdict.ts';

/** New leaders a quiet window may see regardless of its length. */
export const CHURN_LEADERS_MAX = 2;
/** One more new leader is allowed per this much quiet time. */
export const CHURN_WINDOW_US = 5_000_000;

export interface ChurnSettings {
  faults: readonly FaultSpec[];
  durationUs: Micros;
  /** The longest election timeout (2 * electionTicks * tick). */
  electionTimeoutMaxUs: Micros;
  /** The link's worst one-way latency when no fault acts (undefined: unbounded). */
  latencyMaxUs: Micros | undefined;
}

/** The longest latency any link fault sets: messages it held back may still arrive after it heals. */
function faultLatencyMaxUs(faults: readonly FaultSpec[]): Micros {
  let us = 0;
  for (const f of faults) {
    if (f.kind !== 'link' || f.set.latency === undefined) continue;
    const l = f.set.latency;
    us = Math.max(us, l.kind === 'fixed' ? l.value : l.kind === 'normal' ? l.mean + 4 * l.sd : l.max);
  }
  return us;
}

/** The settings for a scenario's Raft servers and its base link (loss or a bandwidth cap make it unhealthy). */
export function churnSettings(faults: readonly FaultSpec[], durationUs: Micros, raft: { tick: Micros; electionTicks: number }, link: LinkProfile): ChurnSettings {
  const healthy = link.loss === 0 && link.bandwidthBytesPerS === 0 && link.corrupt === 0;
  return { faults, durationUs, electionTimeoutMaxUs: 2 * raft.electionTicks * raft.tick, latencyMaxUs: healthy ? latencyMaxUs(link) : undefined };
}

function latencyMaxUs(link: LinkProfile): Micros {
  const d = link.latency;
  const us = d.kind === 'fixed' ? d.us : d.kind === 'normal' ? d.meanUs + 4 * d.sdUs : d.maxUs;
  return us + link.extraUs;
}

export interface QuietWindow {
  fromUs: Micros;
  toUs: Micros;
}

/** The fault-free windows of a run, each starting once the cluster had time to settle. */
export function quietWindows(faults: readonly FaultSpec[], durationUs: Micros, settleUs: Micros, operatorUs: readonly Micros[] = []): QuietWindow[] {
  const busy = [...faults.map((f) => [f.at, Math.max(f.at, healUs(f))] as const), ...operatorUs.map((t) => [t, t] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: QuietWindow[] = [];
  let freeFrom = 0;
  for (const [at, heal] of busy) {
    if (at - (freeFrom + settleUs) >= settleUs) out.push({ fromUs: freeFrom + settleUs, toUs: at });
    freeFrom = Math.max(freeFrom, heal);
  }
  if (durationUs - (freeFrom + settleUs) >= settleUs) out.push({ fromUs: freeFrom + settleUs, toUs: durationUs });
  return out;
}

/** Accepted admin operations that elect a new leader on purpose (a transfer, a removal: the leader's own included). */
const LEADER_CHANGING_OPS = new Set(['transfer', 'remove']);

export class LeaderChurn {
  private readonly leaderTerms = new Map<number, Micros>();
  /** When an operator's transfer or removal was accepted: the cluster settles after each, as after a fault. */
  private readonly operatorUs: Micros[] = [];
  /** 'pass', 'fail' or why it does not apply; and the largest count seen in a window. */
  state = 'not run';
  worst = 0;

  constructor(private readonly world: World, private readonly settings: ChurnSettings) {
    world.onTelemetry((t, _node, name, f) => {
      if (name === 'raft.role' && f.role === 'leader' && !this.leaderTerms.has(f.term as number)) this.leaderTerms.set(f.term as number, t);
      else if (name === 'kv.admin' && f.ok === true && LEADER_CHANGING_OPS.has(f.op as string)) this.operatorUs.push(t);
    });
    world.onConclude(() => this.conclude());
  }

  /** Decides the check (once; the run's conclusion calls it too). */
  conclude(): void {
    if (this.state !== 'not run') return;
    const s = this.settings;
    const settleUs = 2 * s.electionTimeoutMaxUs + faultLatencyMaxUs(s.faults);
    if (s.latencyMaxUs === undefined || 4 * s.latencyMaxUs > s.electionTimeoutMaxUs / 2) {
      this.state = notApplicable('the link\'s own latency can reach the election timeout, so a fault-free cluster may rightly change leaders');
      return;
    }
    const windows = quietWindows(s.faults, Math.min(s.durationUs, this.world.nowUs), settleUs, this.operatorUs);
    if (windows.length === 0) {
      this.state = notApplicable(`the run has no fault-free stretch of at least ${formatMicros(2 * settleUs)}`);
      return;
    }
    this.state = 'pass';
    for (const w of windows) {
      const elected = [...this.leaderTerms.values()].filter((t) => t >= w.fromUs && t < w.toUs).length;
      this.worst = Math.max(this.worst, elected);
      const bound = CHURN_LEADERS_MAX + Math.floor((w.toUs - w.fromUs) / CHURN_WINDOW_US);
      if (elected > bound) {
        this.state = 'fail';
        this.world.violate('leader-churn', null, `${elected} new leaders were elected in the fault-free stretch ${formatMicros(w.fromUs)}..${formatMicros(w.toUs)}, more than the ${bound} a healthy cluster needs at most`);
      }
    }
  }
}

/** Installs the churn check for a scenario whose Raft servers use `raft` (its `raft:` section). */
export function installLeaderChurn(world: World, s: Scenario, raft: { tick: Micros; electionTicks: number }): LeaderChurn {
  return new LeaderChurn(world, churnSettings(s.faults, s.duration, raft, toLinkProfile(s.topology.link, DEFAULT_LINK)));
}
