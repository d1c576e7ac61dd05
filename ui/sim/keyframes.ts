// The seek cache: live worlds parked at moments of the run, so a seek anywhere starts
// from a world at most one spacing before it instead of replaying from time zero.
//
// Contract: every keyframe is a whole world (a Track) that reached its time by running the
// same kernel from zero, so a frame taken after a seek is exactly the frame a straight run
// to that time gives; the cache never approximates. A world cannot be copied (it holds
// closures), so the cache fills itself in idle time: a builder world runs from zero to the
// next wanted moment in bounded slices (`prepare`) and is parked there. It first runs to
// the end of the run (the horizon: End is then instant, and the pace of the world is
// measured), then fills gaps until every moment has a keyframe at most `spacingUs` before
// it. The spacing is chosen from the measured pace so that catching up from a keyframe
// costs about SEEK_WORK_MS, but there are never more than `slotsMax` keyframes for it;
// worlds the page leaves behind when it seeks away are parked too, and the least useful
// keyframe is dropped beyond `slotsMax + PARKED_EXTRA` worlds or beyond `bytesMax` of
// estimated heap (worldBytes) for the parked worlds together. So memory is bounded
// whatever the run's length and whatever its worlds hold.
//
// Why worlds and not recorded frames: what the page renders at time t (each node's
// inspect(), the messages in flight with their fields, any node's full details, the
// retrieval panel's answers to a question) changes with nearly every event and is read
// from the processes by the workload's own code; recording it per event would cost more
// than the world and still not answer a question the user asks later. A parked world
// answers every one of them, and resuming play, stepping or asking from it needs no
// further replay.
import type { Micros } from '../../core/env.ts';
import type { World } from '../../sim/world/world.ts';
import { Pace, RING_CAPACITY, type Track, type WallClock } from './track.ts';

/** Catching up from a keyframe to a seek's target should take about this much wall time, ms. */
export const SEEK_WORK_MS = 50;
/** Keyframes the cache places at most for coverage (each is a whole world). */
export const SLOTS_MAX = 16;
/** Worlds the page leaves behind that are kept beyond the coverage slots. */
export const PARKED_EXTRA = 4;
/**
 * The estimated heap the parked worlds may hold together, bytes. A long, busy run or one
 * with heavy worlds (vector indexes) then gets fewer keyframes, or none: a seek there
 * replays as before.
 */
export const PARKED_BYTES_MAX = 96 * 1024 * 1024;
/**
 * What a world is taken to hold, measured in Node (ui/scripts/seekCache.ts): about 24
 * bytes per kernel event run (logs, histories, checkers; Raft and load runs), and about
 * twice what the hosts account as memory and disk (rag's vector indexes). The larger of
 * the two is the estimate; it errs high for idle runs (raft-idle: 5 MB taken, 0.7 held).
 */
const BYTES_PER_EVENT = 24;
const BYTES_PER_ACCOUNTED_BYTE = 2;

/** A track's event ring (eventRing.ts): about 25 bytes an event. */
const RING_BYTES = 25 * RING_CAPACITY;

export function worldBytes(w: World): number {
  let accounted = 0;
  for (const h of w.hosts) accounted += h.memoryBytes() + h.disk.bytesUsed;
  return Math.max(BYTES_PER_EVENT * w.kernel.executed, BYTES_PER_ACCOUNTED_BYTE * accounted);
}

/** A parked track's estimated heap: its world and its event ring. */
function trackBytes(t: Track): number {
  return worldBytes(t.world) + RING_BYTES;
}

export interface KeyframeStatus {
  /** Times of the parked worlds, ascending. */
  timesUs: Micros[];
  /** The builder's time and target, while one runs. */
  building: { nowUs: Micros; toUs: Micros } | null;
  /** The spacing aimed at, once the pace is known. */
  spacingUs: Micros | null;
  /** Every moment has a keyframe within the spacing before it, and one sits at the end (or the cache stopped: see stoppedBy). */
  ready: boolean;
  /** Why the cache stopped filling before it was complete, or null. */
  stoppedBy: string | null;
  /** The parked worlds' estimated heap together (worldBytes), bytes. */
  bytes: number;
}

export class Keyframes {
  /** Parked worlds, by time ascending. */
  private readonly parked: Track[] = [];
  private builder: { track: Track; toUs: Micros } | null = null;
  /** Why the cache builds no more before it is complete: a builder stopped short of its target (the run hit a scale limit), or a world too large to keep. */
  private stoppedBy: 'scale limit' | 'memory bound' | null = null;
  readonly pace = new Pace();

  constructor(
    private readonly make: () => Track,
    private readonly endUs: Micros,
    private readonly wallNowMs: WallClock,
    private readonly slotsMax = SLOTS_MAX,
    private readonly bytesMax = PARKED_BYTES_MAX,
  ) {
    if (!(slotsMax >= 1)) throw new Error('Keyframes: slotsMax must be >= 1');
  }

  /**
   * The spacing between keyframes: what SEEK_WORK_MS simulates at the measured pace, but
   * at least endUs / slotsMax, and wide enough that evenly spaced keyframes fit within
   * bytesMax (a world grows about linearly with its time: keyframes at T/n, 2T/n, ..., T
   * hold about n·R + W(n+1)/2 together, W being the world at the end, estimated from the
   * latest world there is, and R a ring). Null until a whole run's worth was measured.
   */
  spacingUs(live: Track | null = null): Micros | null {
    const rate = this.pace.msPerUs;
    const ref = this.latest(live);
    if (rate === null || this.pace.simulatedUs < this.endUs || ref === null) return null;
    const w = (worldBytes(ref.world) * this.endUs) / ref.nowUs;
    const fitting = Math.floor((this.bytesMax - w / 2) / (RING_BYTES + w / 2));
    const floor = Math.ceil(this.endUs / Math.max(1, Math.min(this.slotsMax, fitting)));
    return rate === 0 ? floor : Math.max(floor, Math.floor(SEEK_WORK_MS / rate));
  }

  /** The world furthest into the run, parked or live, or null when all are at zero. */
  private latest(live: Track | null): Track | null {
    const p = this.parked.at(-1) ?? null;
    const best = live !== null && (p === null || live.nowUs > p.nowUs) ? live : p;
    return best !== null && best.nowUs > 0 ? best : null;
  }

  /**
   * The world to continue from for a seek to `targetUs`: the latest of the live one, the
   * parked ones and the builder that is not past the target, or a new world at zero. The
   * one returned leaves the cache; the caller parks the live one when it is not it.
   */
  take(targetUs: Micros, live: Track): Track {
    let best: Track | null = live.nowUs <= targetUs ? live : null;
    for (const p of this.parked) if (p.nowUs <= targetUs && (best === null || p.nowUs > best.nowUs)) best = p;
    const b = this.builder?.track;
    if (b !== undefined && b.nowUs <= targetUs && (best === null || b.nowUs > best.nowUs)) best = b;
    if (best === null) return this.make();
    if (best === b) this.builder = null;
    const i = this.parked.indexOf(best);
    if (i >= 0) this.parked.splice(i, 1);
    return best;
  }

  private get parkedBytes(): number {
    let n = 0;
    for (const p of this.parked) n += trackBytes(p);
    return n;
  }

  /** Keeps `t` as a keyframe; beyond capacity the one whose loss widens a gap least is dropped. */
  park(t: Track): void {
    if (t.nowUs === 0 || trackBytes(t) > this.bytesMax) return;
    let i = this.parked.findIndex((p) => p.nowUs >= t.nowUs);
    if (i < 0) i = this.parked.length;
    // Two worlds at one moment are one keyframe: keep the one already parked.
    if (this.parked[i]?.nowUs === t.nowUs) return;
    this.parked.splice(i, 0, t);
    if (this.parked.length > this.slotsMax + PARKED_EXTRA) this.evict();
    while (this.parkedBytes > this.bytesMax && this.evict());
  }

  /** Drops the keyframe whose loss widens a gap least; returns whether one was dropped. */
  private evict(): boolean {
    let worst = -1;
    let widest = Infinity;
    // The keyframe at the end is kept: End is the most common far seek.
    for (let i = 0; i < this.parked.length; i++) {
      if (this.parked[i].nowUs >= this.endUs) continue;
      const before = i === 0 ? 0 : this.parked[i - 1].nowUs;
      const after = this.parked[i + 1]?.nowUs ?? this.endUs;
      if (after - before < widest) { widest = after - before; worst = i; }
    }
    if (worst < 0) return false;
    this.parked.splice(worst, 1);
    return true;
  }

  /**
   * The next moment a keyframe is wanted at, or null when the cache is complete or may hold
   * no more. The live world counts as one: the page parks it when it seeks away.
   */
  wanted(live: Track | null = null): Micros | null {
    const gap = this.gap(live);
    return gap !== null && this.fits(gap, live) ? gap : null;
  }

  /** The next moment without a world within the spacing before it (the end first), whatever the bound on memory. */
  private gap(live: Track | null): Micros | null {
    if (this.stoppedBy !== null) return null;
    const points = this.parked.map((p) => p.nowUs);
    if (live !== null && live.nowUs > 0 && !points.includes(live.nowUs)) {
      points.push(live.nowUs);
      points.sort((a, b) => a - b);
    }
    if (points.at(-1) !== this.endUs) return this.endUs;
    const spacing = this.spacingUs(live);
    if (spacing === null) return null;
    let prev = 0;
    for (const t of points) {
      if (t - prev > spacing) return prev + spacing;
      prev = t;
    }
    return null;
  }

  /** Whether a world at `atUs` would keep the parked worlds within bytesMax (its size estimated from the latest world). */
  private fits(atUs: Micros, live: Track | null): boolean {
    const ref = this.latest(live);
    const perUs = ref === null ? 0 : worldBytes(ref.world) / ref.nowUs;
    return this.parkedBytes + perUs * atUs + RING_BYTES <= this.bytesMax;
  }

  /** Works on the cache for about `wallMs` of wall time (beside the page's `live` world); returns whether work remains. */
  prepare(wallMs: number, live: Track | null = null): boolean {
    const start = this.wallNowMs();
    for (;;) {
      if (this.builder === null) {
        const toUs = this.wanted(live);
        if (toUs === null) return false;
        this.builder = { track: this.make(), toUs };
      }
      const left = wallMs - (this.wallNowMs() - start);
      if (left <= 0) return true;
      const { track, toUs } = this.builder;
      if (!track.runFor(toUs, left, this.wallNowMs, this.pace)) return true;
      this.builder = null;
      if (track.nowUs < toUs) this.stoppedBy = 'scale limit';
      this.park(track);
      if (!this.parked.includes(track)) this.stoppedBy ??= 'memory bound';
    }
  }

  status(live: Track | null = null): KeyframeStatus {
    const b = this.builder;
    return {
      timesUs: this.parked.map((p) => p.nowUs),
      building: b === null ? null : { nowUs: b.track.nowUs, toUs: b.toUs },
      spacingUs: this.spacingUs(live),
      ready: b === null && this.wanted(live) === null && (this.spacingUs(live) !== null || this.stoppedBy !== null),
      stoppedBy: this.stoppedBy ?? (this.gap(live) !== null && this.wanted(live) === null ? 'memory bound' : null),
      bytes: this.parkedBytes,
    };
  }
}
