// Read-only views of a running world for the page: hosts, links, messages in flight and
// one node's details.
//
// Contract: nothing here changes the world. inspect() is called only on running
// processes, and the process contract says it must not change state, so taking a view
// never changes the trace.
import type { NodeId } from '../../core/env.ts';
import { formatMicros } from '../../sim/kernel/time.ts';
import type { LinkProfile } from '../../sim/net/link.ts';
import type { World } from '../../sim/world/world.ts';
import type { FlightView, HostView, LinkView, NodeDetails } from './protocol.ts';

/** Messages in flight the page draws at most; the frame also carries the true total. */
export const FLIGHTS_MAX = 400;

export function hostViews(world: World): HostView[] {
  return world.hosts.map((h) => {
    const view = h.status !== 'down' && h.process?.inspect !== undefined ? h.process.inspect() : null;
    return {
      id: h.id,
      place: h.role,
      status: h.status,
      role: view?.role ?? (h.status === 'down' ? 'down' : h.role),
      summary: view?.summary ?? (h.status === 'down' ? `down · crashed ${h.crashes}×` : ''),
      throttle: h.cpu.throttle,
      incarnation: h.incarnation,
      crashes: h.crashes,
    };
  });
}

export function flightViews(world: World): { shown: FlightView[]; total: number } {
  const all = world.messagesInFlight();
  return { shown: all.slice(0, FLIGHTS_MAX), total: all.length };
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
