// Execute: carries out each decided action as a runbook of steps through the operator
// port, one step at a time, checking the cluster view between steps.
//
// Contract: a step is an operator call, a wait for a condition on the cluster view, or a
// safety re-check; each has `stepTimeoutUs`. A call refused for a passing reason (no
// leader, not the leader, a membership change still pending, a timeout) is retried at the
// next round until its step times out; a step whose effect is already visible is skipped,
// so retries and a takeover by the other manager instance are harmless. A disruptive
// action aimed at the leader first moves leadership away. A replace that fails after
// bringing its spare in rolls back: the learner is removed and the spare stopped again.
// The action ends (Plan.done) when its last step succeeds or any step fails.
import type { Micros, NodeId } from '../env.ts';
import type { AdminOpName } from '../kv/admin.ts';
import { healthyVoters, type ClusterView } from './clusterView.ts';
import type { ManagerConfig } from './config.ts';
import type { ControlOp } from './controlProtocol.ts';
import type { OperatorPort } from './operator.ts';
import type { Decision } from './plan.ts';
import type { ActionRecord } from './types.ts';

/** Followers within this many entries of the commit index count as caught up. */
export const CATCH_UP_LAG = 20;
/** An accepted call whose effect has not shown up after this long is made again. */
export const REISSUE_US = 1_000_000;
/** A restarted node that is not back and caught up within this long did not come back. */
export const RESTART_CATCH_UP_US = 1_000_000;
/** Moving leadership off a node before acting on it is worth this long at most (a sick leader may not manage). */
export const MOVE_LEADERSHIP_US = 1_000_000;
const RETRYABLE = new Set(['not-leader', 'no-leader', 'timeout', 'refused']);

interface Step {
  name: string;
  /** An operator call: `done(ok, reason)`. */
  call?: (done: (ok: boolean, reason: string) => void) => void;
  /** Skip the call (or end the wait) when this already holds. */
  until?: (v: ClusterView) => boolean;
  /** A safety re-check: a reason to stop, or null. */
  guard?: (v: ClusterView) => string | null;
  /** Failure of this step does not fail the action. */
  optional?: boolean;
  /** This step's own timeout, instead of the config's stepTimeoutUs. */
  timeoutUs?: Micros;
}

interface Run {
  rec: ActionRecord;
  steps: Step[];
  i: number;
  stepStartUs: Micros;
  calling: boolean;
  /** A retryable refusal: call again at the next round. */
  retry: boolean;
  /** When the step's call was accepted (its effect still to show), or -1. */
  acceptedUs: Micros;
  rollback: Step[];
  rollingBack: boolean;
  failure: string;
}

export interface ExecuteHooks {
  now(): Micros;
  view(): ClusterView;
  quorumSafe(kind: 'replace' | 'restart' | 'quarantine', target: NodeId, v: ClusterView): boolean;
  step(rec: ActionRecord, step: string, ok: boolean, reason: string): void;
  done(rec: ActionRecord, ok: boolean, detail: string): void;
  watch(n: NodeId): void;
  unwatch(n: NodeId): void;
}

export class Executor {
  private readonly runs: Run[] = [];

  constructor(private readonly cfg: ManagerConfig, private readonly port: OperatorPort, private readonly hooks: ExecuteHooks) {}

  get active(): number {
    return this.runs.length;
  }

  start(rec: ActionRecord, d: Decision): void {
    const run: Run = { rec, steps: this.runbook(rec, d), i: 0, stepStartUs: this.hooks.now(), calling: false, retry: false, acceptedUs: -1, rollback: [], rollingBack: false, failure: '' };
    if (rec.kind === 'replace') run.rollback = this.replaceRollback(rec.spare);
    this.runs.push(run);
    this.progress(run);
  }

  /** Called every round: advances waits, retries and timeouts. */
  tick(): void {
    for (const run of [...this.runs]) this.progress(run);
  }

  private progress(run: Run): void {
    for (let guard = 0; guard < 32; guard++) {
      if (run.calling) return;
      if (run.i >= run.steps.length) return this.finish(run);
      const step = run.steps[run.i];
      const v = this.hooks.view();
      const now = this.hooks.now();
      if (now - run.stepStartUs > (step.timeoutUs ?? this.cfg.stepTimeoutUs)) {
        if (step.optional) {
          this.next(run, step, true, 'timed out (optional)');
          continue;
        }
        return this.fail(run, step, `${step.name} timed out`);
      }
      if (step.guard !== undefined) {
        const why = step.guard(v);
        if (why !== null) return this.fail(run, step, why);
        this.next(run, step, true, '');
        continue;
      }
      if (step.until !== undefined && step.until(v)) {
        this.next(run, step, true, '');
        continue;
      }
      if (step.call === undefined) return; // A wait: check again next round.
      if (run.acceptedUs >= 0 && now - run.acceptedUs < REISSUE_US) return;
      run.calling = true;
      run.retry = false;
      const started = run.i;
      step.call((ok, reason) => {
        if (run.i !== started || !this.runs.includes(run)) return;
        run.calling = false;
        if (ok) {
          // A call whose effect shows later (a membership change) keeps waiting on `until`.
          if (step.until === undefined) this.next(run, step, true, reason);
          else {
            run.acceptedUs = this.hooks.now();
            this.hooks.step(run.rec, `${step.name} accepted`, true, reason);
          }
        } else if (RETRYABLE.has(reason)) {
          run.retry = true;
          return;
        } else if (step.optional) this.next(run, step, false, reason);
        else return this.fail(run, step, `${step.name}: ${reason}`);
        this.progress(run);
      });
      return;
    }
  }

  private next(run: Run, step: Step, ok: boolean, reason: string): void {
    this.hooks.step(run.rec, step.name, ok, reason);
    run.i++;
    run.stepStartUs = this.hooks.now();
    run.retry = false;
    run.acceptedUs = -1;
  }

  private fail(run: Run, step: Step, why: string): void {
    this.hooks.step(run.rec, step.name, false, why);
    if (!run.rollingBack && run.rollback.length > 0 && run.i > 0) {
      run.rollingBack = true;
      run.failure = why;
      run.steps = run.rollback;
      run.i = 0;
      run.stepStartUs = this.hooks.now();
      run.calling = false;
      run.acceptedUs = -1;
      this.progress(run);
      return;
    }
    this.remove(run);
    this.hooks.done(run.rec, false, run.rollingBack ? `rolled back after: ${run.failure}; then ${why}` : why);
  }

  private finish(run: Run): void {
    this.remove(run);
    if (run.rollingBack) this.hooks.done(run.rec, false, `rolled back after: ${run.failure}`);
    else this.hooks.done(run.rec, true, '');
  }

  private remove(run: Run): void {
    const i = this.runs.indexOf(run);
    if (i >= 0) this.runs.splice(i, 1);
  }

  // ---- runbooks ----

  private runbook(rec: ActionRecord, d: Decision): Step[] {
    const x = rec.target;
    switch (rec.kind) {
      case 'restart':
        return [...this.moveLeadershipFrom(x), this.control('restart', x), { ...this.caughtUp(x, 'restarted node catches up'), timeoutUs: RESTART_CATCH_UP_US }];
      case 'replace':
        return this.replace(x, rec.spare);
      case 'transfer-leader':
        return this.moveLeadershipFrom(x, false);
      case 'quarantine':
        return [...this.moveLeadershipFrom(x), this.control('quarantine', x)];
      case 'compact':
        return [{ name: `compact n${x}`, call: (done) => this.port.admin(x, 'compact', -1, (r) => done(r.ok, r.reason)) }];
      case 'resync-clock':
        return [this.control('resync-clock', x, d.arg)];
      case 'tighten-limits':
      case 'relax-limits':
        return this.cfg.gateways.map((g) => ({
          name: `${d.arg > 0 ? `limit to ${d.arg}/s at` : 'lift the limit at'} gateway n${g}`,
          call: (done: (ok: boolean, reason: string) => void) => this.port.limits(g, d.arg, (r) => done(r.ok, r.reason)),
        }));
    }
  }

  private control(op: ControlOp, node: NodeId, arg = 0): Step {
    return { name: `${op} n${node}`, call: (done) => this.port.control(op, node, (r) => done(r.ok, r.reason), arg) };
  }

  /** An admin call that must reach the leader; retried (via RETRYABLE) while there is none. */
  private toLeader(name: string, op: AdminOpName, node: NodeId, until: (v: ClusterView) => boolean): Step {
    return {
      name,
      until,
      call: (done) => {
        const leader = this.hooks.view().leader;
        if (leader < 0) return done(false, 'no-leader');
        this.port.admin(leader, op, node, (r) => done(r.ok, r.reason));
      },
    };
  }

  /**
   * Asks the leader to compact its log now, so that its snapshot is taken with the new
   * learner in the configuration. A leader that compacted before the learner was added would
   * otherwise send it that older snapshot, which leaves the learner out, and a node refuses a
   * snapshot that does not name it (raft.ts, restoreSnapshot): the learner would never catch
   * up, so in a long run (once the log has been compacted) every replace would fail.
   */
  private freshSnapshot(done: (ok: boolean, reason: string) => void): void {
    const leader = this.hooks.view().leader;
    if (leader < 0) return done(false, 'no-leader');
    this.port.admin(leader, 'compact', -1, (r) => done(r.ok || r.reason === 'nothing-to-compact', r.reason));
  }

  private caughtUp(n: NodeId, name: string): Step {
    return {
      name,
      until: (v) => {
        if (!v.healthy.has(n)) return false;
        if (v.leader === n) return true;
        const p = v.progress.get(n);
        return p !== undefined && p.active && p.match >= v.commit - CATCH_UP_LAG;
      },
    };
  }

  /** Steps that move leadership off `x` if it leads; optional ahead of another action. */
  private moveLeadershipFrom(x: NodeId, optional = true): Step[] {
    const v = this.hooks.view();
    if (v.leader !== x && optional) return [];
    const pick = (view: ClusterView): NodeId => {
      const candidates = healthyVoters(view).filter((n) => n !== x);
      candidates.sort((a, b) => (view.progress.get(b)?.match ?? 0) - (view.progress.get(a)?.match ?? 0) || a - b);
      return candidates.length > 0 ? candidates[0] : -1;
    };
    return [
      {
        name: `move leadership off n${x}`,
        optional,
        ...(optional ? { timeoutUs: MOVE_LEADERSHIP_US } : {}),
        until: (view) => view.leader >= 0 && view.leader !== x,
        call: (done) => {
          const to = pick(this.hooks.view());
          if (to < 0) return done(false, 'no healthy voter to lead');
          this.port.admin(x, 'transfer', to, (r) => done(r.ok, r.reason));
        },
      },
    ];
  }

  private replace(x: NodeId, s: NodeId): Step[] {
    const h = this.hooks;
    return [
      ...this.moveLeadershipFrom(x),
      { ...this.control('provision', s), until: (v) => v.hosts.get(s)?.state === 'up' && !(v.hosts.get(s)?.decommissioned ?? false) },
      { name: `watch n${s}`, call: (done) => { h.watch(s); done(true, ''); } },
      this.toLeader(`add n${s} as a learner`, 'addLearner', s, (v) => v.learners.includes(s) || v.voters.includes(s)),
      { ...this.caughtUp(s, `n${s} catches up`), call: (done) => this.freshSnapshot(done) },
      { name: `quorum check before promoting n${s}`, guard: (v) => (v.voters.includes(s) || h.quorumSafe('replace', x, v) ? null : 'quorum guard') },
      this.toLeader(`promote n${s} to voter`, 'addVoter', s, (v) => v.voters.includes(s)),
      this.toLeader(`remove n${x}`, 'remove', x, (v) => !v.voters.includes(x) && !v.learners.includes(x)),
      { ...this.control('decommission', x), optional: true },
      { name: `unwatch n${x}`, call: (done) => { h.unwatch(x); done(true, ''); } },
    ];
  }

  private replaceRollback(s: NodeId): Step[] {
    const h = this.hooks;
    return [
      { ...this.toLeader(`roll back: remove learner n${s}`, 'remove', s, (v) => !v.learners.includes(s) && !v.voters.includes(s)), optional: true },
      { ...this.control('decommission', s), optional: true },
      { name: `unwatch n${s}`, call: (done) => { h.unwatch(s); done(true, ''); } },
    ];
  }
}
