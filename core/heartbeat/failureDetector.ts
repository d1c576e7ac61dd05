// A heartbeat failure detector: the smallest real protocol that proves the Env seam end to
// end (messages, timers, local clocks, durable state, restarts, byzantine input).
//
// Contract: every `intervalUs` of local time a node sends a heartbeat to each peer. A peer
// not heard from for `timeoutUs` is suspected; hearing from it again restores trust. On
// every boot the node bumps a durable epoch (fsynced before its first heartbeat), so
// peers can tell a restarted node from a delayed message of its past life. Each heartbeat
// carries a checksum over its sender and fields: without it, one corrupted heartbeat with
// a huge sequence number would make a receiver ignore every later one and suspect a
// healthy peer forever (the simulator found exactly that). Malformed messages are
// counted and ignored.
import type { Micros, NodeContext, NodeId, Process, ProcessView } from '../env.ts';
import { FNV_OFFSET, fnvUnit } from '../hash/fnv.ts';

export interface HeartbeatConfig {
  peers: readonly NodeId[];
  intervalUs: Micros;
  timeoutUs: Micros;
  /**
   * Real CPU work per accepted heartbeat, in hash rounds (0 for none). It stands in for a
   * node that does substantial work per event, so worker benchmarks can show parallelism;
   * its result is kept (workDigest) so the work cannot be optimised away.
   */
  workRounds?: number;
}

export interface Heartbeat {
  type: 'hb';
  epoch: number;
  seq: number;
  /** FNV-1a over (sender, epoch, seq): detects corruption and misattributed senders. */
  sum: number;
}

export function heartbeatSum(from: NodeId, epoch: number, seq: number): number {
  let h = FNV_OFFSET;
  for (const x of [from, epoch, seq, Math.floor(seq / 4294967296)]) {
    h = fnvUnit(h, x & 0xffff);
    h = fnvUnit(h, x >>> 16);
  }
  return h >>> 0;
}

const EPOCH_FILE = 'hb.epoch';

/** Parses an untrusted message; null for anything that is not a well-formed, intact heartbeat from `from`. */
export function parseHeartbeat(from: NodeId, x: unknown): Heartbeat | null {
  if (x === null || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (m.type !== 'hb') return null;
  if (!Number.isSafeInteger(m.epoch) || (m.epoch as number) < 1) return null;
  if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 0) return null;
  if (m.sum !== heartbeatSum(from, m.epoch as number, m.seq as number)) return null;
  return { type: 'hb', epoch: m.epoch as number, seq: m.seq as number, sum: m.sum };
}

interface PeerState {
  lastHeardUs: Micros;
  epoch: number;
  seq: number;
  suspected: boolean;
}

export class FailureDetector implements Process<Heartbeat> {
  private ctx!: NodeContext<Heartbeat>;
  private epoch = 0;
  private seq = 0;
  private readonly peers = new Map<NodeId, PeerState>();
  rejected = 0;

  constructor(private readonly config: HeartbeatConfig) {
    if (!(config.intervalUs > 0 && config.timeoutUs > config.intervalUs)) {
      throw new Error('FailureDetector: need 0 < intervalUs < timeoutUs');
    }
  }

  start(ctx: NodeContext<Heartbeat>): void {
    this.ctx = ctx;
    this.epoch = this.readEpoch() + 1;
    const w = ctx.disk.replace(EPOCH_FILE, [String(this.epoch)]);
    const s = w.ok ? ctx.disk.fsync() : w;
    if (!s.ok) ctx.telemetry.emit('fd.disk_error', { error: s.error });
    ctx.telemetry.emit('fd.boot', { epoch: this.epoch });
    // Peers start trusted with a full timeout of grace, as after a fresh handshake.
    for (const p of this.config.peers) this.peers.set(p, { lastHeardUs: ctx.monotonic(), epoch: 0, seq: -1, suspected: false });
    this.beat();
  }

  private readEpoch(): number {
    const r = this.ctx.disk.read(EPOCH_FILE);
    if (!r.ok || r.records.length === 0) return 0;
    const n = Number(r.records[r.records.length - 1]);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  onTimer(tag: string): void {
    if (tag === 'beat') this.beat();
  }

  private beat(): void {
    const now = this.ctx.monotonic();
    for (const p of this.config.peers) {
      this.ctx.send(p, { type: 'hb', epoch: this.epoch, seq: this.seq, sum: heartbeatSum(this.ctx.id, this.epoch, this.seq) });
      const s = this.peers.get(p) as PeerState;
      if (!s.suspected && now - s.lastHeardUs > this.config.timeoutUs) {
        s.suspected = true;
        this.ctx.telemetry.emit('fd.suspect', { peer: p });
      }
    }
    this.seq++;
    this.ctx.setTimer(this.config.intervalUs, 'beat');
  }

  onMessage(from: NodeId, raw: unknown): void {
    const m = parseHeartbeat(from, raw);
    const s = this.peers.get(from);
    if (m === null || s === undefined) {
      this.rejected++;
      this.ctx.telemetry.emit('fd.rejected', { from });
      return;
    }
    // A heartbeat from an older life, or reordered behind a newer one, proves nothing new.
    if (m.epoch < s.epoch || (m.epoch === s.epoch && m.seq <= s.seq)) return;
    s.epoch = m.epoch;
    s.seq = m.seq;
    s.lastHeardUs = this.ctx.monotonic();
    if (this.config.workRounds) this.work(m.seq);
    if (s.suspected) {
      s.suspected = false;
      this.ctx.telemetry.emit('fd.trust', { peer: from });
    }
  }

  /** A deterministic hash chain over the heartbeat: CPU work whose result is kept. */
  private work(seed: number): void {
    let h = this.workDigest ^ seed;
    for (let i = 0, n = this.config.workRounds ?? 0; i < n; i++) h = Math.imul(h ^ (h >>> 15), 2246822519) + i;
    this.workDigest = h >>> 0;
  }

  workDigest = 0;

  suspects(): NodeId[] {
    const out: NodeId[] = [];
    for (const [p, s] of this.peers) if (s.suspected) out.push(p);
    return out.sort((a, b) => a - b);
  }

  inspect(): ProcessView {
    const suspects = this.suspects();
    return {
      role: 'detector',
      summary: `epoch ${this.epoch} · ${suspects.length === 0 ? 'trusts all' : `suspects ${suspects.join(', ')}`}`,
      details: { epoch: this.epoch, seq: this.seq, suspects, rejected: this.rejected, workDigest: this.workDigest },
    };
  }

  memoryBytes(): number {
    return 256 + this.peers.size * 64;
  }
}
