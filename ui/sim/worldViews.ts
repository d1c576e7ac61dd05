// Read-only views of a running world for the page: hosts, links, messages in flight, the
// replicated logs and one node's details.
//
// Contract: nothing here changes the world. inspect() is called only on running
// processes, and the process contract says it must not change state; the event queue is
// only read. So taking a view never changes the trace. What a view picks out of a
// process's details (its timer, its vote, its log) is named by the workload's `ui` data,
// never by a workload's name.
import type { Micros, NodeId } from '../../core/env.ts';
import { formatMicros } from '../../sim/kernel/time.ts';
import type { LinkProfile } from '../../sim/net/link.ts';
import { EV_MSG } from '../../sim/world/events.ts';
import type { WorkloadUi } from '../../sim/workloads/workload.ts';
import type { World } from '../../sim/world/world.ts';
import type { FlightView, HostView, LinkView, LogView, NodeDetails } from './protocol.ts';

/** Messages in flight the page draws at most; the frame also carries the true total. */
export const FLIGHTS_MAX = 400;
/** Readable fields a message shows at most. */
const FIELDS_MAX = 10;

type Details = Record<string, unknown>;

function num(d: Details | undefined, k: string | undefined): number | null {
  const v = k === undefined ? undefined : d?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The node's place in its own configuration, from the details ui.membership names. */
function memberOf(id: NodeId, d: Details | undefined, ui: WorkloadUi | undefined): HostView['member'] {
  const voters = ui?.membership === undefined ? undefined : d?.[ui.membership.voters];
  const learners = ui?.membership === undefined ? undefined : d?.[ui.membership.learners];
  if (!Array.isArray(voters) || !Array.isArray(learners)) return null;
  if (voters.includes(id)) return 'voter';
  return learners.includes(id) ? 'learner' : 'outside';
}

export function hostViews(world: World, ui: WorkloadUi | undefined): { hosts: HostView[]; details: (Details | undefined)[] } {
  const details: (Details | undefined)[] = [];
  const hosts = world.hosts.map((h) => {
    const view = h.status !== 'down' && h.process?.inspect !== undefined ? h.process.inspect() : null;
    const d = view?.details as Details | undefined;
    details.push(d);
    const elapsed = num(d, ui?.timer?.elapsed);
    const timeout = num(d, ui?.timer?.timeout);
    const voteFor = num(d, ui?.vote?.field);
    const voteTerm = num(d, ui?.vote?.term);
    const received = ui?.vote?.received === undefined ? undefined : d?.[ui.vote.received];
    return {
      id: h.id,
      place: h.role,
      status: h.status,
      role: view?.role ?? (h.status === 'down' ? 'down' : h.role),
      summary: view?.summary ?? (h.status === 'down' ? `down · crashed ${h.crashes}×` : ''),
      throttle: h.cpu.throttle,
      incarnation: h.incarnation,
      crashes: h.crashes,
      // The leader's own timer (a CheckQuorum round) is not the election timeout the others race on.
      timer: elapsed !== null && timeout !== null && timeout > 0 && view?.role !== ui?.leaderRole ? [elapsed, timeout] as [number, number] : null,
      vote: voteFor !== null && voteFor >= 0 && voteTerm !== null ? { for: voteFor, term: voteTerm } : null,
      votes: received !== null && typeof received === 'object' ? { ...(received as Record<number, boolean>) } : null,
      member: memberOf(h.id, d, ui),
      cpuBusyUs: h.cpu.busyTotalUs,
      memoryBytes: h.memoryBytes(),
    };
  });
  return { hosts, details };
}

function fieldText(v: unknown): string | null {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 39)}…` : v;
  if (Array.isArray(v)) return `${v.length}`;
  return null;
}

/** A payload's readable fields: scalars as they are, lists as their length, one level into objects. */
export function messageFields(msg: unknown): [string, string][] {
  if (msg === null || typeof msg !== 'object') return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(msg as Details)) {
    if (k === 'type' || k === 'sum' || out.length >= FIELDS_MAX) continue;
    const t = fieldText(v);
    if (t !== null) out.push([k, t]);
    else if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v as Details)) {
        const t2 = typeof v2 === 'object' ? null : fieldText(v2);
        if (t2 !== null && out.length < FIELDS_MAX) out.push([`${k}.${k2}`, t2]);
      }
    }
  }
  return out;
}

export function flightViews(world: World, ui: WorkloadUi | undefined): { shown: FlightView[]; total: number } {
  const all: FlightView[] = [];
  const refusal = ui?.refusalField;
  world.kernel.queue.forEach((ev, time) => {
    if (ev.k !== EV_MSG) return;
    const msg = ev.msg as Details | null;
    all.push({
      from: ev.from, to: ev.node, type: ev.type ?? '?', sentUs: ev.sentUs, arriveUs: time, corrupted: ev.corrupted,
      refused: refusal !== undefined && msg !== null && typeof msg === 'object' && msg[refusal] === true,
      fields: [],
    });
  });
  all.sort((a, b) => a.arriveUs - b.arriveUs || a.from - b.from || a.to - b.to || a.sentUs - b.sentUs);
  return { shown: all.slice(0, FLIGHTS_MAX), total: all.length };
}

/** The fields of the messages shown (a second pass over the queue, only for those kept). */
export function withFields(world: World, shown: FlightView[]): void {
  if (shown.length === 0) return;
  const byKey = new Map(shown.map((f) => [`${f.from}>${f.to}>${f.sentUs}>${f.arriveUs}>${f.type}`, f]));
  world.kernel.queue.forEach((ev, time) => {
    if (ev.k !== EV_MSG) return;
    const f = byKey.get(`${ev.from}>${ev.node}>${ev.sentUs}>${time}>${ev.type ?? '?'}`);
    if (f !== undefined && f.fields.length === 0) f.fields = messageFields(ev.msg);
  });
}

/** Why to slow down now (ui.slowMotion), or null. */
export function slowReason(ui: WorkloadUi | undefined, hosts: readonly HostView[], flights: readonly FlightView[]): string | null {
  const sm = ui?.slowMotion;
  if (sm === undefined) return null;
  const roles = new Set(sm.roles ?? []);
  const types = new Set(sm.messages ?? []);
  if (hosts.some((h) => h.status === 'up' && roles.has(h.role)) || flights.some((f) => types.has(f.type))) return sm.label;
  return null;
}

/** The logs of nodes whose details have a `log` of {index, term} entries. */
export function logViews(details: readonly (Details | undefined)[]): Omit<LogView, 'overwritten'>[] {
  const out: Omit<LogView, 'overwritten'>[] = [];
  details.forEach((d, node) => {
    const log = d?.log;
    if (!Array.isArray(log)) return;
    const entries = log.filter((e): e is { index: number; term: number } => typeof e?.index === 'number' && typeof e?.term === 'number').map((e) => [e.index, e.term] as [number, number]);
    out.push({
      node, entries, commit: num(d, 'commit') ?? 0, applied: num(d, 'applied') ?? 0,
      snapshotIndex: num(d, 'snapshotIndex') ?? 0, lastIndex: num(d, 'lastIndex') ?? (entries.at(-1)?.[0] ?? 0),
    });
  });
  return out;
}

/** Remembers each node's terms by index between frames, to show entries replaced by a new leader. */
export class OverwriteTracker {
  private readonly seen = new Map<NodeId, Map<number, number>>();
  private overwrites: { node: NodeId; index: number; was: number; now: number; t: Micros }[] = [];

  /** How long (simulated) an overwrite stays marked, and how many are kept. */
  static readonly KEEP_US = 3_000_000;
  static readonly MAX = 60;

  clear(): void {
    this.seen.clear();
    this.overwrites = [];
  }

  update(logs: Omit<LogView, 'overwritten'>[], t: Micros): LogView[] {
    this.overwrites = this.overwrites.filter((o) => t - o.t <= OverwriteTracker.KEEP_US && o.t <= t);
    for (const l of logs) {
      const seen = this.seen.get(l.node) ?? new Map<number, number>();
      const first = l.entries[0]?.[0] ?? l.lastIndex + 1;
      for (const [index, term] of l.entries) {
        const was = seen.get(index);
        if (was !== undefined && was !== term) this.overwrites.push({ node: l.node, index, was, now: term, t });
        seen.set(index, term);
      }
      // Entries past the new last index were truncated; those below the window are dropped from memory.
      for (const index of [...seen.keys()]) if (index > l.lastIndex || index < first) seen.delete(index);
      this.seen.set(l.node, seen);
    }
    if (this.overwrites.length > OverwriteTracker.MAX) this.overwrites = this.overwrites.slice(-OverwriteTracker.MAX);
    return logs.map((l) => ({ ...l, overwritten: this.overwrites.filter((o) => o.node === l.node).map((o) => [o.index, o.was, o.now, o.t] as [number, number, number, Micros]) }));
  }
}

function describeChange(p: Readonly<LinkProfile>, base: LinkProfile): string {
  const parts: string[] = [];
  if (JSON.stringify(p.latency) !== JSON.stringify(base.latency)) parts.push(`latency ${latencyText(p.latency)}`);
  if (p.extraUs !== base.extraUs) parts.push(`+${formatMicros(p.extraUs)}`);
  if (p.loss !== base.loss) parts.push(`${round(p.loss * 100)}% loss`);
  if (p.duplicate !== base.duplicate) parts.push(`${round(p.duplicate * 100)}% dup`);
  if (p.reorder !== base.reorder) parts.push(`${round(p.reorder * 100)}% reorder`);
  if (p.corrupt !== base.corrupt) parts.push(`${round(p.corrupt * 100)}% corrupt`);
  if (p.bandwidthBytesPerS !== base.bandwidthBytesPerS) parts.push(`${p.bandwidthBytesPerS} B/s`);
  return parts.join(' · ');
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export function latencyText(l: LinkProfile['latency']): string {
  switch (l.kind) {
    case 'fixed': return formatMicros(l.us);
    case 'uniform': return `${formatMicros(l.minUs)}–${formatMicros(l.maxUs)}`;
    case 'normal': return `${formatMicros(l.meanUs)}±${formatMicros(l.sdUs)}`;
    case 'longtail': return `${formatMicros(l.minUs)}–${formatMicros(l.maxUs)} (tail)`;
  }
}

/** Every unordered pair that is cut in either direction or has a changed profile. */
export function linkViews(world: World, base: LinkProfile): LinkView[] {
  const out: LinkView[] = [];
  const n = world.hosts.length;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const cutAB = world.net.isCut(a, b);
      const cutBA = world.net.isCut(b, a);
      const ab = describeChange(world.net.profile(a, b), base);
      const ba = describeChange(world.net.profile(b, a), base);
      const changed = ab === ba ? ab : [ab && `→ ${ab}`, ba && `← ${ba}`].filter((x) => x !== '').join('; ');
      if (cutAB || cutBA || changed !== '') out.push({ a, b, cutAB, cutBA, changed });
    }
  }
  return out;
}

export function nodeDetails(world: World, id: NodeId): NodeDetails | null {
  const h = world.hosts[id];
  if (h === undefined) return null;
  const clockOffsetUs = h.clock.local(world.nowUs) - world.nowUs;
  const host: Record<string, number | string> = {
    status: h.status,
    place: h.role,
    incarnation: h.incarnation,
    crashes: h.crashes,
    'cpu throttle': h.cpu.throttle === 1 ? 'none' : `×${h.cpu.throttle}`,
    'cpu busy total': formatMicros(h.cpu.busyTotalUs),
    'memory bytes': h.memoryBytes(),
    'memory budget': h.memoryBytesMax,
    'disk bytes': h.disk.bytesUsed,
    'clock offset': formatMicros(clockOffsetUs),
    'clock drift ppm': h.clock.driftPpm,
    'live timers': h.liveTimers.size,
    'stashed (paused)': h.stash.length,
  };
  const view = h.status !== 'down' && h.process?.inspect !== undefined ? h.process.inspect() : null;
  const process = view === null ? null : { role: view.role, summary: view.summary, ...(view.details ?? {}) };
  return { id, host, process };
}
