// The operator port: everything Execute can do to the system, as three kinds of call.
//
// Contract: each call answers exactly once through its callback, with ok or a reason
// (a refusal, a timeout). `control` goes to the infrastructure (the simulator's control
// plane, where each operation takes modelled time); `admin` goes to a KV server's admin
// API (core/kv/admin.ts): membership changes and transfers must reach the leader;
// `limits` goes to a gateway's control API (core/gateway/control.ts). The manager process
// implements it over the network (manager.ts), so partitions and latency hit Execute too;
// tests may implement it in memory.
import type { NodeId } from '../env.ts';
import type { AdminOpName, ServerStatus } from '../kv/admin.ts';
import type { ControlOp, HostInfo } from './controlProtocol.ts';

export interface OpResult {
  ok: boolean;
  reason: string;
}

export interface OperatorPort {
  /** `arg`: resync-clock's clock step, µs; 0 otherwise. */
  control(op: ControlOp, node: NodeId, cb: (r: OpResult & { hosts: HostInfo[] }) => void, arg?: number): void;
  admin(to: NodeId, op: AdminOpName, node: NodeId, cb: (r: OpResult & { status: ServerStatus | null }) => void): void;
  limits(gateway: NodeId, ratePerSec: number, cb: (r: OpResult) => void): void;
}
