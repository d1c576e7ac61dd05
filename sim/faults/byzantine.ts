// The nemesis, byzantine part: adversaries that lie on the wire rather than break things.
//
// Contract: for `duration` from `at`, one adversary acts on node `node`:
// - corrupt:   a `fraction` of the node's outgoing messages arrive corrupted (link profile);
// - forge:     copies of messages recently sent to the node arrive again with a forged
//              sender (another node's id);
// - replay:    messages sent to the node at least REPLAY_LAG_US earlier arrive again,
//              unchanged, long after they were current;
// - flood:     `rate` messages per second, half duplicates of recent traffic and half junk;
// - malformed: `rate` random malformed JSON-like values per second.
// Traffic to the node is recorded from the start of the run in a bounded ring (TAPE_MAX),
// injections per fault are capped (INJECTIONS_MAX), and every choice comes from the named
// stream `nemesis/byzantine/...`, so the attack repeats exactly with the seed.
import type { Micros, NodeId } from '../../core/env.ts';
import type { Stream } from '../kernel/random.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { linkLayer } from './layers.ts';

type ByzantineFault = Extract<FaultSpec, { kind: 'byzantine' }>;

export const TAPE_MAX = 256;
export const INJECTIONS_MAX = 100_000;
export const REPLAY_LAG_US = 200_000;
/** Injections are batched on ticks no closer than this, so a flood is not one event per message. */
const TICK_US_MIN = 1_000;

interface Taped {
  t: Micros;
  from: NodeId;
  msg: unknown;
}

/** A ring buffer of the last TAPE_MAX messages sent to one node. */
class Tape {
  private readonly items: Taped[] = [];
  private next = 0;

  push(item: Taped): void {
    if (this.items.length < TAPE_MAX) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % TAPE_MAX;
  }

  get size(): number {
    return this.items.length;
  }

  /** A uniformly chosen entry sent no later than `beforeUs`, or null. */
  pick(r: Stream, beforeUs: Micros): Taped | null {
    const eligible = this.items.filter((x) => x.t <= beforeUs);
    return eligible.length === 0 ? null : eligible[r.int(eligible.length)];
  }
}

/** A random malformed JSON-like value: wrong types, missing fields, odd nesting. */
export function malformedValue(r: Stream, depth = 0): unknown {
  const k = r.int(depth >= 4 ? 8 : 11);
  switch (k) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return -1 - r.int(1_000_000);
    case 3: return r.next() * 1e300;
    case 4: return '';
    case 5: return 'x'.repeat(r.int(256));
    case 6: return { type: r.int(100) };
    case 7: return { type: 'x'.repeat(r.int(8)), from: 'nobody', seq: -1 };
    case 8: return [malformedValue(r, depth + 1), malformedValue(r, depth + 1)];
    case 9: return { type: 'heartbeat', epoch: malformedValue(r, depth + 1), seq: malformedValue(r, depth + 1) };
    default: return { nested: malformedValue(r, depth + 1) };
  }
}

function forgedSender(r: Stream, nodes: number, real: NodeId): NodeId {
  if (nodes < 2) return real;
  const other = r.int(nodes - 1);
  return other >= real ? other + 1 : other;
}

/** One injection of mode `f.mode` at `nowUs`; returns false when there was nothing to inject. */
function injectOne(world: World, f: ByzantineFault, r: Stream, tape: Tape, nowUs: Micros, k: number): boolean {
  const nodes = world.nodeCount;
  switch (f.mode) {
    case 'forge': {
      const m = tape.pick(r, nowUs);
      if (m === null) return false;
      world.injectMessage(nowUs, forgedSender(r, nodes, m.from), f.node, m.msg);
      return true;
    }
    case 'replay': {
      const m = tape.pick(r, nowUs - REPLAY_LAG_US);
      if (m === null) return false;
      world.injectMessage(nowUs, m.from, f.node, m.msg);
      return true;
    }
    case 'flood': {
      const m = k % 2 === 0 ? tape.pick(r, nowUs) : null;
      world.injectMessage(nowUs, m?.from ?? r.int(nodes), f.node, m?.msg ?? { type: 'junk', seq: k, pad: 'x'.repeat(r.int(64)) });
      return true;
    }
    default:
      world.injectMessage(nowUs, r.int(nodes), f.node, malformedValue(r));
      return true;
  }
}

/** A layer of corruption over every link out of the node, for the fault's window. */
function scheduleCorrupt(world: World, f: ByzantineFault, name: string): void {
  const pairs: [NodeId, NodeId][] = [];
  for (let to = 0; to < world.nodeCount; to++) if (to !== f.node) pairs.push([f.node, to]);
  linkLayer(world, pairs, { corrupt: f.fraction }, f.at, f.at + f.duration, name, `heal byzantine ${f.node}`);
}

export function scheduleByzantine(world: World, f: ByzantineFault, name: string): void {
  if (f.mode === 'corrupt') return scheduleCorrupt(world, f, name);
  const r = world.kernel.streams.get(`nemesis/byzantine/${f.mode}/${f.node}/${f.at}`);
  const tape = new Tape();
  const endUs = f.at + f.duration;
  let recording = true;
  let injected = 0;
  // The adversary listens from the start of the run, as a tap on the wire would, so it has
  // traffic to forge or replay the moment its window opens.
  world.onSend((from, to, msg) => {
    if (recording && to === f.node) tape.push({ t: world.nowUs, from, msg });
  });
  const tickUs = Math.max(TICK_US_MIN, Math.floor(1_000_000 / f.rate));
  const tick = (): void => {
    const now = world.nowUs;
    // Integer arithmetic keeps the injection count exact however the ticks fall.
    const due = Math.min(INJECTIONS_MAX, Math.floor(((now - f.at) * f.rate) / 1_000_000));
    for (let k = injected; k < due; k++) injectOne(world, f, r, tape, now, k);
    injected = Math.max(injected, due);
    if (now + tickUs < endUs && injected < INJECTIONS_MAX) world.at(now + tickUs, `byzantine ${f.mode} ${f.node}`, tick);
  };
  world.at(f.at, name, () => world.at(f.at + tickUs, `byzantine ${f.mode} ${f.node}`, tick));
  world.at(endUs, `heal byzantine ${f.node}`, () => { recording = false; });
}
