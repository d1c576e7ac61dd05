// Effects: what a node runtime reports during a window, as plain data that crosses a
// worker boundary, tagged with the event that caused it so the kernel can merge the
// effects of many workers back into canonical order.
import type { Micros, NodeId } from '../../core/env.ts';
import type { HostStatus } from '../host/host.ts';
import type { RuntimeSink } from '../host/runtime.ts';
import type { Seal } from '../trace/canon.ts';
import type { TraceKind } from '../trace/trace.ts';
import type { MsgEvent } from '../world/events.ts';
import type { RunnerTransport } from './transport.ts';

export type Effect =
  | { e: 'trace'; node: NodeId; kind: TraceKind; from: NodeId; tag: string }
  | { e: 'traceMsg'; node: NodeId; kind: TraceKind; from: NodeId; tag: string; d1: number; d2: number; msg: unknown }
  | { e: 'send'; from: NodeId; to: NodeId; msg: unknown; seal: Seal; departUs: Micros }
  /** A send the runner transmitted itself (transport.ts), for the kernel's send taps. */
  | { e: 'tap'; from: NodeId; to: NodeId; msg: unknown; sizeBytes: number }
  | { e: 'telemetry'; node: NodeId; name: string; fields: Readonly<Record<string, string | number | boolean>> }
  | { e: 'violate'; node: NodeId; check: string; message: string }
  | { e: 'status'; node: NodeId; status: HostStatus }
  | { e: 'halt'; reason: string };

/** An effect with its cause: the (time, tie key) of the event, and its index within it. */
export interface TaggedEffect {
  t: Micros;
  key: number;
  effect: Effect;
}

/** A RuntimeSink that buffers effects for the kernel instead of applying them. */
export class EffectBuffer implements RuntimeSink {
  effects: TaggedEffect[] = [];
  private t = 0;
  private key = 0;

  /** When set, sends are transmitted here (the runner owns its nodes' links) instead of sent to the kernel. */
  transport: RunnerTransport | null = null;

  constructor(private readonly retainMessages: boolean) {}

  /** Sets the cause of the effects that follow. */
  cause(t: Micros, key: number): void {
    this.t = t;
    this.key = key;
  }

  take(): TaggedEffect[] {
    const out = this.effects;
    this.effects = [];
    return out;
  }

  private push(effect: Effect): void {
    this.effects.push({ t: this.t, key: this.key, effect });
  }

  traceEvent(_t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string): void {
    this.push({ e: 'trace', node, kind, from, tag });
  }

  traceMessage(_t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string, ev: MsgEvent): void {
    this.push({ e: 'traceMsg', node, kind, from, tag, d1: ev.d1, d2: ev.d2, msg: this.retainMessages ? ev.msg : null });
  }

  send(from: NodeId, to: NodeId, msg: unknown, seal: Seal, departUs: Micros): void {
    if (this.transport !== null) return this.transport.send(this.effects, this.t, this.key, this.retainMessages, from, to, msg, seal, departUs);
    // The runtime reuses its seal records: keep a copy of the fields.
    this.push({ e: 'send', from, to, msg, seal: { d1: seal.d1, d2: seal.d2, sizeBytes: seal.sizeBytes }, departUs });
  }

  telemetry(_t: Micros, node: NodeId, name: string, fields: Readonly<Record<string, string | number | boolean>>): void {
    this.push({ e: 'telemetry', node, name, fields });
  }

  violate(_t: Micros, check: string, node: NodeId, message: string): void {
    this.push({ e: 'violate', node, check, message });
  }

  afterEvent(): void {}

  halt(reason: string): void {
    this.push({ e: 'halt', reason });
  }

  statusChanged(_t: Micros, node: NodeId, status: HostStatus): void {
    this.push({ e: 'status', node, status });
  }
}
