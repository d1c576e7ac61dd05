// Where each node and its labels sit in the cluster view.
//
// Contract: deterministic and stable: the same host list and box always give the same
// positions (no force simulation, no randomness), so a node never moves while the run
// plays, and a screenshot of a seed is repeatable. Servers sit on a circle starting at the
// top and going clockwise, with their labels on the outside of the circle so neighbours'
// labels do not collide; clients stand in a column on the right, labelled beside (to the
// right), so however many there are their labels never run into the next client.
import type { NodeId } from '../../core/env.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  width: number;
  height: number;
}

export interface NodePlace extends Point {
  /** Where the label block starts relative to the node, and how its lines are anchored. */
  labelDx: number;
  labelDy: number;
  anchor: 'start' | 'middle' | 'end';
}

export const NODE_RADIUS = 26;
/** Room left beside the circle for labels on its left and right sides. */
const LABEL_ROOM_X = 190;
const LABEL_ROOM_Y = 58;
const CLIENT_COLUMN = 200;

function labelFor(angle: number): Pick<NodePlace, 'labelDx' | 'labelDy' | 'anchor'> {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  if (s < -0.9) return { labelDx: 0, labelDy: -NODE_RADIUS - 22, anchor: 'middle' };
  if (s > 0.9) return { labelDx: 0, labelDy: NODE_RADIUS + 16, anchor: 'middle' };
  return c > 0 ? { labelDx: NODE_RADIUS + 8, labelDy: -2, anchor: 'start' } : { labelDx: -NODE_RADIUS - 8, labelDy: -2, anchor: 'end' };
}

export function layoutNodes(places: readonly string[], box: Box): Map<NodeId, NodePlace> {
  const out = new Map<NodeId, NodePlace>();
  const servers = places.flatMap((p, id) => (p === 'client' ? [] : [id]));
  const clients = places.flatMap((p, id) => (p === 'client' ? [id] : []));
  const column = clients.length > 0 ? CLIENT_COLUMN : 0;
  const cx = (box.width - column) / 2;
  const cy = box.height / 2 + 6;
  const r = Math.max(50, Math.min(cx - LABEL_ROOM_X, cy - NODE_RADIUS - LABEL_ROOM_Y));
  servers.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, servers.length);
    out.set(id, { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a), ...labelFor(servers.length === 1 ? Math.PI / 2 : a) });
  });
  const gap = Math.min(110, (box.height - 2 * NODE_RADIUS - 16) / Math.max(1, clients.length - 1));
  const top = cy - (gap * (clients.length - 1)) / 2;
  clients.forEach((id, i) => out.set(id, { x: box.width - column + NODE_RADIUS + 8, y: top + gap * i, labelDx: NODE_RADIUS + 8, labelDy: -8, anchor: 'start' }));
  return out;
}
