// The gateway's cumulative counters, reported as flat telemetry fields ('gw.stats').
//
// Contract: counters only grow (a restart starts a new gateway, and a new series); a
// reader takes differences between two reports to get what happened in between.
import type { GatewayOutcome } from './protocol.ts';

export class GatewayCounters {
  received = 0;
  rateLimited = 0;
  shed = 0;
  admitted = 0;
  ok = 0;
  rejected = 0;
  timeouts = 0;
  errors = 0;
  attempts = 0;
  retries = 0;
  attemptTimeouts = 0;
  budgetRefused = 0;
  redirects = 0;
  breakerOpens = 0;
  breakerRefusals = 0;
  late = 0;
  malformed = 0;
  /** Backend calls sent to each server, in server order. */
  readonly sentTo: number[];

  constructor(serverCount: number) {
    this.sentTo = new Array<number>(serverCount).fill(0);
  }

  count(outcome: GatewayOutcome): void {
    if (outcome === 'ok') this.ok++;
    else if (outcome === 'rejected') this.rejected++;
    else if (outcome === 'timeout') this.timeouts++;
    else this.errors++;
  }

  fields(inFlight: number, queued: number): Record<string, number> {
    const out: Record<string, number> = {
      received: this.received, rateLimited: this.rateLimited, shed: this.shed, admitted: this.admitted,
      ok: this.ok, rejected: this.rejected, timeouts: this.timeouts, errors: this.errors,
      attempts: this.attempts, retries: this.retries, attemptTimeouts: this.attemptTimeouts, budgetRefused: this.budgetRefused,
      redirects: this.redirects, breakerOpens: this.breakerOpens, breakerRefusals: this.breakerRefusals,
      late: this.late, malformed: this.malformed, inFlight, queued,
    };
    this.sentTo.forEach((n, i) => (out[`sent${i}`] = n));
    return out;
  }
}
