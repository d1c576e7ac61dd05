// A stand-in for the World a check listens to: telemetry, host status changes and fault
// reaches fed by hand, violations and undecided checks recorded. Check tests subclass it with
// the telemetry their check reads (a leader elected, a match, a commit) and pass it to the
// check as a World.
import type { HostStatus } from '../../sim/host/host.ts';
import type { FaultReach, TelemetryListener } from '../../sim/world/world.ts';

export class CheckWorld {
  nowUs = 0;
  readonly violations: { check: string; message: string }[] = [];
  readonly undecided: string[] = [];
  private tel: TelemetryListener[] = [];
  private reach: ((r: FaultReach) => void)[] = [];
  private status: ((n: number, s: HostStatus) => void)[] = [];

  constructor(readonly nodeCount: number) {}

  onTelemetry(f: TelemetryListener): void {
    this.tel.push(f);
  }
  onFaultReach(f: (r: FaultReach) => void): void {
    this.reach.push(f);
  }
  onStatusChange(f: (n: number, s: HostStatus) => void): void {
    this.status.push(f);
  }
  onConclude(): void {}
  violate(check: string, _node: number | null, message: string): void {
    this.violations.push({ check, message });
  }
  cannotDecide(check: string): void {
    this.undecided.push(check);
  }
  /** A telemetry event at `t` from `node`, to every listener. */
  emit(t: number, node: number, name: string, f: Record<string, string | number | boolean>): void {
    this.nowUs = t;
    for (const l of this.tel) l(t, node, name, f);
  }
  /** Node `node` changes status at `t`. */
  set(t: number, node: number, s: HostStatus): void {
    this.nowUs = t;
    for (const f of this.status) f(node, s);
  }
  /** A fault's reach from `fromUs` to `toUs` (nothing reached unless given). */
  fault(r: Partial<FaultReach> & { fromUs: number; toUs: number }): void {
    for (const f of this.reach) f({ nodes: [], all: false, cuts: [], links: [], ...r });
  }
}
