// The canonical form of a message: frozen, digested and sized in one walk.
//
// Contract: a Sealer deep-freezes a JSON-like value (so no node can mutate what another
// node holds: a mutation throws, and the world reports it) and computes its 64-bit
// structural digest (core/hash/structural.ts: type tags, key names and insertion order,
// string and array lengths, integers by value, closed objects), which the trace hash
// covers. Equal encodings give equal digests in every runtime; structured clone across
// workers preserves key order. The size is an estimate of the JSON length, for bandwidth
// caps. Values that are not JSON-like (functions, symbols, cycles, class instances) are
// refused with an error, because they cannot cross a real network or a worker. Each owner
// (a node runtime, the world) has its own Sealer. The one shared slot it reads,
// sealHandoff (core/hash/structural.ts), holds a deep-frozen message and that message's
// digest, so nothing it carries from one run to the next can change an answer.
import { sealHandoff, structuralWalker, type Digest } from '../../core/hash/structural.ts';

/** Deeper nesting is refused (a cycle, or a message no protocol of ours sends). */
export const MESSAGE_DEPTH_MAX = 64;

export type Seal = Digest;

export class Sealer {
  private readonly walker = structuralWalker(true, MESSAGE_DEPTH_MAX);

  /** Deep-freezes `msg` and returns its digest and approximate encoded size. */
  seal(msg: unknown): Seal {
    return this.sealInto(msg, { d1: 0, d2: 0, sizeBytes: 0 });
  }

  /**
   * The same, written into `out` (a reused record on the hot path); returns `out`. A
   * message just sealed by core/kv/integrity.ts is deep-frozen already and its digest
   * came from that walk (sealHandoff): it is taken instead of walking again.
   */
  sealInto<S extends Seal>(msg: unknown, out: S): S {
    const h = sealHandoff;
    if (msg === h.obj && msg !== null) {
      out.d1 = h.d1;
      out.d2 = h.d2;
      out.sizeBytes = h.sizeBytes;
      return out;
    }
    return this.walker.digestInto(msg, out);
  }
}

/** One message sealed by a Sealer of its own (tests, tools; runs keep a Sealer). */
export function sealMessage(msg: unknown): Seal {
  return new Sealer().seal(msg);
}
