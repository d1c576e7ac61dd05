// Draws the cluster view with d3 joins: links (cut, changed, busy), messages in flight,
// dropped messages, and nodes with their status, role and summary line.
//
// Contract: `drawCluster` is idempotent for a given input: it joins the frame's data
// into the SVG by stable keys (node id, link pair, message identity, drop trace index),
// so calling it every animation frame only moves what moved. Positions come from the
// deterministic layout; the only wall-clock state is how long a drop mark stays visible.
import * as d3 from 'd3';
import type { NodeId } from '../../core/env.ts';
import { NODE_RADIUS, type NodePlace, type Point } from '../lib/layout.ts';
import { COLORS, roleColor, typeColor } from '../lib/palette.ts';
import type { FlightView, Frame, HostView, LinkView, LogEvent } from '../sim/protocol.ts';

export interface DrawInput {
  frame: Frame;
  pos: Map<NodeId, NodePlace>;
  selectedNode: NodeId | null;
  selectedLink: [NodeId, NodeId] | null;
  wallNowMs: number;
  onNode: (id: NodeId, e: MouseEvent) => void;
  onLink: (a: NodeId, b: NodeId) => void;
}

interface LinkDatum {
  key: string;
  a: NodeId;
  b: NodeId;
  view: LinkView | null;
  traffic: number;
}

/** How long a dropped message's mark stays on screen, wall ms. */
export const DROP_MARK_MS = 1_400;
/** Pairs drawn for every link up to this many nodes; larger clusters draw only busy or faulty links. */
const FULL_MESH_NODES_MAX = 16;

const dropBorn = new Map<number, { e: LogEvent; bornMs: number }>();

/** Whether drop marks are still fading (the view then redraws on every animation frame). */
export function dropsPending(): boolean {
  return dropBorn.size > 0;
}

function linkData(frame: Frame): LinkDatum[] {
  const views = new Map(frame.links.map((l) => [`${l.a}-${l.b}`, l]));
  const traffic = new Map<string, number>();
  for (const [from, to, , count] of frame.pulses) {
    const key = from < to ? `${from}-${to}` : `${to}-${from}`;
    traffic.set(key, (traffic.get(key) ?? 0) + count);
  }
  const hosts = frame.hosts;
  const out: LinkDatum[] = [];
  for (let a = 0; a < hosts.length; a++) {
    for (let b = a + 1; b < hosts.length; b++) {
      const key = `${a}-${b}`;
      const view = views.get(key) ?? null;
      const t = traffic.get(key) ?? 0;
      if (hosts[a].place === 'client' && hosts[b].place === 'client' && view === null) continue;
      if (hosts.length > FULL_MESH_NODES_MAX && view === null && t === 0) continue;
      out.push({ key, a, b, view, traffic: t });
    }
  }
  return out;
}

/** Cut and changed links are labelled when there are at most this many (else only the selected one). */
const LINK_LABELS_MAX = 4;

function linkClass(d: LinkDatum, sel: [NodeId, NodeId] | null, hosts: readonly HostView[]): string {
  const v = d.view;
  const cls = ['link'];
  if (hosts[d.a].place === 'client' || hosts[d.b].place === 'client') cls.push('client');
  if (v !== null && v.cutAB && v.cutBA) cls.push('cut');
  else if (v !== null && (v.cutAB || v.cutBA)) cls.push('oneway');
  if (v !== null && v.changed !== '') cls.push('changed');
  if (sel !== null && sel[0] === d.a && sel[1] === d.b) cls.push('selected');
  return cls.join(' ');
}

function linkLabel(d: LinkDatum): string {
  const v = d.view;
  if (v === null) return '';
  const cut = v.cutAB && v.cutBA ? 'cut' : v.cutAB ? `cut n${d.a}→n${d.b}` : v.cutBA ? `cut n${d.b}→n${d.a}` : '';
  return [cut, v.changed].filter((x) => x !== '').join(' · ');
}

function drawLinks(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos } = input;
  const data = linkData(input.frame);
  const g = root.selectAll<SVGGElement, LinkDatum>('g.link').data(data, (d) => d.key).join((enter) => {
    const e = enter.append('g');
    e.append('line').attr('class', 'base');
    e.append('line').attr('class', 'traffic');
    e.append('line').attr('class', 'hit').on('click', (ev: MouseEvent, d) => {
      ev.stopPropagation();
      input.onLink(d.a, d.b);
    });
    return e;
  });
  g.attr('class', (d) => linkClass(d, input.selectedLink, input.frame.hosts)).attr('data-link', (d) => d.key);
  g.selectAll<SVGLineElement, LinkDatum>('line')
    .attr('x1', (d) => pos.get(d.a)?.x ?? 0).attr('y1', (d) => pos.get(d.a)?.y ?? 0)
    .attr('x2', (d) => pos.get(d.b)?.x ?? 0).attr('y2', (d) => pos.get(d.b)?.y ?? 0);
  g.select('line.traffic').attr('stroke-opacity', (d) => Math.min(0.55, d.traffic * 0.12));
  const sel = input.selectedLink;
  const faulty = data.filter((d) => linkLabel(d) !== '');
  const labels = faulty.length <= LINK_LABELS_MAX ? faulty : faulty.filter((d) => sel !== null && sel[0] === d.a && sel[1] === d.b);
  const lab = root.selectAll<SVGTextElement, LinkDatum>('text.link-label').data(labels, (d) => d.key).join('text').attr('class', 'link-label');
  lab.attr('x', (d) => ((pos.get(d.a)?.x ?? 0) + (pos.get(d.b)?.x ?? 0)) / 2)
    .attr('y', (d) => ((pos.get(d.a)?.y ?? 0) + (pos.get(d.b)?.y ?? 0)) / 2 - 5)
    .text(linkLabel);
  lab.raise();
}

/** Where a point is at fraction p from a to b, shifted sideways so the two directions of a link do not overlap. */
function along(a: Point, b: Point, p: number, side: number): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const start = NODE_RADIUS / len;
  const q = start + (1 - 2 * start) * Math.max(0, Math.min(1, p));
  return { x: a.x + dx * q - (dy / len) * side, y: a.y + dy * q + (dx / len) * side };
}

function drawFlights(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame } = input;
  const t = frame.tUs;
  const key = (d: FlightView): string => `${d.from}-${d.to}-${d.sentUs}-${d.arriveUs}-${d.type}`;
  root.selectAll<SVGCircleElement, FlightView>('circle.msg').data(frame.inFlight, key).join('circle')
    .attr('class', (d) => (d.corrupted ? 'msg corrupted' : 'msg'))
    .attr('r', 4)
    .attr('fill', (d) => (d.corrupted ? COLORS.paper : typeColor(d.type)))
    .attr('stroke', (d) => (d.corrupted ? COLORS.danger : COLORS.paper))
    .each(function (d) {
      const a = pos.get(d.from);
      const b = pos.get(d.to);
      if (a === undefined || b === undefined) return;
      const span = Math.max(1, d.arriveUs - d.sentUs);
      const p = along(a, b, (t - d.sentUs) / span, 4);
      d3.select(this).attr('cx', p.x).attr('cy', p.y);
    });
}

function drawDrops(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame, wallNowMs } = input;
  if (frame.replayed) dropBorn.clear();
  for (const e of frame.drops) if (!dropBorn.has(e.index)) dropBorn.set(e.index, { e, bornMs: wallNowMs });
  for (const [k, v] of dropBorn) if (wallNowMs - v.bornMs > DROP_MARK_MS) dropBorn.delete(k);
  const data = [...dropBorn.values()];
  root.selectAll<SVGGElement, { e: LogEvent; bornMs: number }>('g.drop').data(data, (d) => String(d.e.index)).join((enter) => {
    const g = enter.append('g').attr('class', 'drop');
    g.append('path').attr('d', 'M-5,-5 L5,5 M5,-5 L-5,5');
    g.append('title');
    return g;
  }).each(function (d) {
    const a = pos.get(d.e.from);
    const b = pos.get(d.e.node);
    if (a === undefined || b === undefined) return;
    const atReceiver = d.e.tag === 'down' || d.e.tag === 'paused-overflow';
    const p = along(a, b, atReceiver ? 0.9 : 0.3, 4);
    const g = d3.select(this);
    g.attr('transform', `translate(${p.x},${p.y})`).attr('opacity', Math.max(0, 1 - (wallNowMs - d.bornMs) / DROP_MARK_MS));
    g.select('title').text(`dropped n${d.e.from}→n${d.e.node}: ${d.e.tag}`);
  });
}

function statusGlyph(h: HostView): string {
  if (h.status === 'down') return '✕';
  if (h.status === 'paused') return '❚❚';
  return '';
}

/** Characters per summary line; longer summaries wrap at their " · " separators. */
const SUMMARY_LINE_MAX = 24;
const LINE_H = 14;

/** A summary in at most two lines, split between its " · "-separated parts. */
export function wrapSummary(s: string): string[] {
  if (s.length <= SUMMARY_LINE_MAX) return [s];
  const parts = s.split(' · ');
  const lines: string[] = [];
  let line = '';
  for (const p of parts) {
    const next = line === '' ? p : `${line} · ${p}`;
    if (next.length > SUMMARY_LINE_MAX && line !== '') {
      lines.push(line);
      line = p;
    } else line = next;
  }
  lines.push(line);
  const two = lines.length > 2 ? [lines[0], lines.slice(1).join(' · ')] : lines;
  return two.map((l) => (l.length > SUMMARY_LINE_MAX + 8 ? `${l.slice(0, SUMMARY_LINE_MAX + 7)}…` : l));
}

/** The role line and the wrapped summary, placed on the outside of the ring; labels above a node grow upwards. */
function drawLabels(g: d3.Selection<SVGGElement, HostView, SVGGElement, unknown>, pos: Map<NodeId, NodePlace>): void {
  const top = (d: HostView): number => {
    const p = pos.get(d.id);
    if (p === undefined) return 0;
    const extra = p.anchor === 'middle' && p.labelDy < 0 ? (wrapSummary(d.summary).length - 1) * LINE_H : 0;
    return p.labelDy - extra;
  };
  g.select('text.role').attr('x', (d) => pos.get(d.id)?.labelDx ?? 0).attr('y', top)
    .style('text-anchor', (d) => pos.get(d.id)?.anchor ?? 'middle')
    .text((d) => (d.status === 'paused' ? `${d.role} · paused` : d.role)).attr('fill', (d) => (d.status === 'up' ? roleColor(d.role) : null));
  g.select('text.summary').style('text-anchor', (d) => pos.get(d.id)?.anchor ?? 'middle').each(function (d) {
    const lines = wrapSummary(d.summary);
    const x = pos.get(d.id)?.labelDx ?? 0;
    const y = top(d);
    d3.select(this).selectAll('tspan').data(lines).join('tspan').attr('x', x).attr('y', (_, i) => y + LINE_H * (i + 1)).text((l) => l);
  });
}

function drawNodes(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame } = input;
  const g = root.selectAll<SVGGElement, HostView>('g.node').data(frame.hosts, (d) => String(d.id)).join((enter) => {
    const e = enter.append('g');
    e.append('circle').attr('class', 'halo').attr('r', NODE_RADIUS + 6);
    e.append('circle').attr('class', 'body').attr('r', NODE_RADIUS);
    e.append('text').attr('class', 'id').attr('dy', '0.35em');
    e.append('text').attr('class', 'glyph').attr('dy', '0.35em').attr('x', NODE_RADIUS * 0.78).attr('y', -NODE_RADIUS * 0.78);
    e.append('text').attr('class', 'role');
    e.append('text').attr('class', 'summary');
    e.append('g').attr('class', 'badge');
    e.on('click', (ev: MouseEvent, d) => {
      ev.stopPropagation();
      input.onNode(d.id, ev);
    });
    return e;
  });
  g.attr('class', (d) => `node ${d.status}${input.selectedNode === d.id ? ' selected' : ''}`)
    .attr('data-node', (d) => d.id)
    .attr('data-status', (d) => d.status)
    .attr('data-role', (d) => d.role)
    .attr('transform', (d) => `translate(${pos.get(d.id)?.x ?? 0},${pos.get(d.id)?.y ?? 0})`);
  g.select('circle.body').attr('stroke', (d) => (d.status === 'up' ? roleColor(d.role) : null));
  g.select('text.id').text((d) => `n${d.id}`);
  g.select('text.glyph').text(statusGlyph);
  drawLabels(g, pos);
  g.select<SVGGElement>('g.badge').each(function (d) {
    const b = d3.select(this);
    b.selectAll('*').remove();
    if (d.throttle === 1) return;
    b.attr('transform', `translate(${NODE_RADIUS - 4},${-NODE_RADIUS + 2})`);
    b.append('rect').attr('x', -2).attr('y', -9).attr('width', 44).attr('height', 15).attr('rx', 7);
    b.append('text').attr('x', 20).attr('y', 2).text(`cpu ÷${d.throttle}`);
  });
}

export function drawCluster(svg: SVGSVGElement, input: DrawInput): void {
  const root = d3.select(svg);
  const layer = (name: string): d3.Selection<SVGGElement, unknown, null, undefined> => {
    const existing = root.select<SVGGElement>(`g.${name}`);
    return (existing.empty() ? root.append('g').attr('class', name) : existing) as d3.Selection<SVGGElement, unknown, null, undefined>;
  };
  const links = layer('links');
  const flights = layer('flights');
  const drops = layer('drops');
  const nodes = layer('nodes');
  drawLinks(links, input);
  drawFlights(flights, input);
  drawDrops(drops, input);
  drawNodes(nodes, input);
}
