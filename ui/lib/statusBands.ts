// Turns a run's crash/restart/pause/resume markers into per-node intervals of being down
// or paused, for the timeline's status rows.
//
// Contract: markers are read in time order; an interval still open at the end closes at
// `endUs`. A restart closes a down interval; a resume closes a paused one; a crash while
// paused turns the node down (a crash discards the pause).
import type { Micros, NodeId } from '../../core/env.ts';
import type { Marker } from '../sim/protocol.ts';

export interface Band {
  node: NodeId;
  status: 'down' | 'paused';
  fromUs: Micros;
  toUs: Micros;
}

export function statusBands(markers: readonly Marker[], endUs: Micros): Band[] {
  const open = new Map<NodeId, { status: 'down' | 'paused'; fromUs: Micros }>();
  const out: Band[] = [];
  const close = (node: NodeId, t: Micros): void => {
    const o = open.get(node);
    if (o === undefined) return;
    out.push({ node, status: o.status, fromUs: o.fromUs, toUs: t });
    open.delete(node);
  };
  for (const m of markers) {
    if (m.node === null) continue;
    if (m.kind === 'crash' || m.kind === 'oom') {
      close(m.node, m.t);
      open.set(m.node, { status: 'down', fromUs: m.t });
    } else if (m.kind === 'pause') {
      if (open.get(m.node)?.status !== 'down') open.set(m.node, { status: 'paused', fromUs: m.t });
    } else if (m.kind === 'restart' || m.kind === 'resume') {
      if (m.kind === 'resume' && open.get(m.node)?.status !== 'paused') continue;
      close(m.node, m.t);
    }
  }
  for (const node of [...open.keys()].sort((a, b) => a - b)) close(node, endUs);
  return out;
}
