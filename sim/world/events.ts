// The kinds of event the kernel queue holds.
import type { NodeId } from '../../core/env.ts';

export const EV_MSG = 0;
export const EV_TIMER = 1;
export const EV_ACTION = 2;

export interface MsgEvent {
  k: typeof EV_MSG;
  node: NodeId;
  from: NodeId;
  /** The payload, deep-frozen at send: nodes share it but cannot change it. */
  msg: unknown;
  /** The payload's canonical digest (see trace/canon.ts), hashed into the trace. */
  d1: number;
  d2: number;
  type: string | undefined;
  corrupted: boolean;
  /** When the message left its sender (for the UI's in-flight view). */
  sentUs: number;
}

export interface TimerEvent {
  k: typeof EV_TIMER;
  node: NodeId;
  id: number;
  tag: string;
  incarnation: number;
}

/** A scheduled change to the world (a fault, a heal, a restart), run by the kernel. */
export interface ActionEvent {
  k: typeof EV_ACTION;
  node: NodeId;
  name: string;
  run: () => void;
}

export type SimEvent = MsgEvent | TimerEvent | ActionEvent;
