// Draws the cluster view with d3 joins: links (cut, changed, busy), votes (who voted for
// whom in the current term), messages in flight (a shape per family, an arrowhead toward
// the receiver, hollow when refused), dropped messages, and nodes with their status, role,
// summary, timer arc and the votes a candidate has collected.
//
// Contract: `drawCluster` is idempotent for a given input: it joins the frame's data
// into the SVG by stable keys (node id, link pair, message identity, drop trace index),
// so calling it every animation frame only moves what moved. Positions come from the
// deterministic layout; the only wall-clock state is how long a drop mark stays visible.
// Nodes are focusable buttons named by their <title> (Enter or Space selects; Shift+Enter
// picks the link to the selected node), so the view works without a mouse at any size.
import * as d3 from 'd3';
import type { NodeId } from '../../core/env.ts';
import { NODE_RADIUS, type NodePlace, type Point } from '../lib/layout.ts';
import { COLORS, roleColor, roleTextColor, typeColor, typeShape } from '../lib/palette.ts';
import type { MessageShape } from '../../sim/workloads/workload.ts';
import type { FlightView, Frame, HostView, LinkView, LogEvent } from '../sim/protocol.ts';

export interface DrawInput {
  frame: Frame;
  pos: Map<NodeId, NodePlace>;
  selectedNode: NodeId | null;
  selectedLink: [NodeId, NodeId] | null;
  wallNowMs: number;
  /** Nodes to mark (a violation's), and the message picked, by key. */
  highlighted: readonly NodeId[];
  selectedFlight: string | null;
  /** The simulated time to draw messages at (the frame's, or a little past it while playing). */
  displayUs: number;
  /** Drop marks fade unless motion is reduced (then they show for their time, unfaded). */
  reducedMotion: boolean;
  onNode: (id: NodeId, e: MouseEvent | KeyboardEvent) => void;
  onLink: (a: NodeId, b: NodeId) => void;
  onFlight: (key: string) => void;
}

/** A message's identity across frames. */
export function flightKey(d: FlightView): string {
  return `${d.from}-${d.to}-${d.sentUs}-${d.arriveUs}-${d.type}`;
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
  // Positions change only with the layout: set them for new links, or for all after a re-layout.
  const placed = (g as d3.Selection<SVGGElement, LinkDatum, SVGGElement, unknown>).filter(function () { return (this as SVGGElement & { __pos?: unknown }).__pos !== pos; });
  placed.each(function () { (this as SVGGElement & { __pos?: unknown }).__pos = pos; });
  placed.selectAll<SVGLineElement, LinkDatum>('line')
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

/** An SVG path for a message shape centred on 0,0, about `r` across half. */
export function shapePath(shape: MessageShape, r: number): string {
  switch (shape) {
    case 'square': return `M${-r},${-r}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'diamond': { const q = r * 1.35; return `M0,${-q}L${q},0L0,${q}L${-q},0Z`; }
    case 'triangle': { const q = r * 1.3; return `M0,${-q}L${q},${q * 0.8}L${-q},${q * 0.8}Z`; }
    case 'hexagon': {
      const q = r * 1.25;
      return `${d3.range(6).map((i) => `${i === 0 ? 'M' : 'L'}${(q * Math.cos((Math.PI / 3) * i)).toFixed(2)},${(q * Math.sin((Math.PI / 3) * i)).toFixed(2)}`).join('')}Z`;
    }
    case 'bar': return `M${-r * 1.5},${-r * 0.6}h${3 * r}v${1.2 * r}h${-3 * r}Z`;
    case 'circle': return `M${r},0A${r},${r} 0 1,1 ${-r},0A${r},${r} 0 1,1 ${r},0Z`;
  }
}

const MSG_R = 4.5;

function flightTitle(d: FlightView): string {
  const fields = d.fields.map(([k, v]) => `${k} ${v}`).join(' · ');
  return `${d.type} n${d.from}→n${d.to}${d.refused ? ' (refused)' : ''}${fields === '' ? '' : `: ${fields}`}`;
}

function drawFlights(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame } = input;
  const g = root.selectAll<SVGGElement, FlightView>('g.msg').data(frame.inFlight, flightKey).join((enter) => {
    const e = enter.append('g');
    e.append('line').attr('class', 'tail');
    e.append('path').attr('class', 'head');
    e.append('path').attr('class', 'shape');
    e.append('path').attr('class', 'refused').attr('d', 'M-3,-3L3,3M3,-3L-3,3');
    e.append('circle').attr('class', 'hit').attr('r', 9);
    e.append('title');
    e.on('click', (ev: MouseEvent, d) => {
      ev.stopPropagation();
      input.onFlight(flightKey(d));
    });
    return e;
  });
  g.attr('class', (d) => `msg${d.corrupted ? ' corrupted' : ''}${d.refused ? ' is-refused' : ''}${input.selectedFlight === flightKey(d) ? ' selected' : ''}`)
    .attr('data-type', (d) => d.type)
    .attr('data-refused', (d) => (d.refused ? 'true' : null))
    .attr('data-key', flightKey)
    .each(function (d) {
      const a = pos.get(d.from);
      const b = pos.get(d.to);
      if (a === undefined || b === undefined) return;
      const angle = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
      const color = typeColor(d.type);
      const el = d3.select(this);
      el.select('line.tail').attr('stroke', color);
      el.select('path.head').attr('d', `M${MSG_R + 7},0L${MSG_R + 1},-3.5L${MSG_R + 1},3.5Z`).attr('transform', `rotate(${angle.toFixed(1)})`).attr('fill', color);
      el.select('path.shape').attr('d', shapePath(typeShape(d.type), MSG_R))
        .attr('fill', d.corrupted || d.refused ? COLORS.paper : color)
        .attr('stroke', d.corrupted ? COLORS.danger : color);
      el.select('title').text(flightTitle(d));
    });
  moveFlights(root.node()?.ownerSVGElement ?? null, input.pos, input.displayUs);
}

/**
 * Moves the drawn messages to where they are at `tUs` (positions and tails only): called on
 * every animation frame while playing, between the worker's frames.
 */
export function moveFlights(svg: SVGSVGElement | null, pos: Map<NodeId, NodePlace>, tUs: number): void {
  if (svg === null) return;
  d3.select(svg).selectAll<SVGGElement, FlightView>('g.msg').each(function (d) {
    const a = pos.get(d.from);
    const b = pos.get(d.to);
    if (a === undefined || b === undefined) return;
    const span = Math.max(1, d.arriveUs - d.sentUs);
    const p = along(a, b, (tUs - d.sentUs) / span, 5);
    const el = d3.select(this).attr('transform', `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
    const tail = Math.min(16, Math.hypot(p.x - a.x, p.y - a.y));
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    el.select('line.tail').attr('x1', (-(b.x - a.x) / len) * tail).attr('y1', (-(b.y - a.y) / len) * tail).attr('x2', 0).attr('y2', 0);
  });
}

/** Fades the drop marks (called on every animation frame while some are showing). */
export function fadeDrops(svg: SVGSVGElement, input: DrawInput): void {
  const layer = d3.select(svg).select<SVGGElement>('g.drops');
  if (!layer.empty()) drawDrops(layer, { ...input, frame: { ...input.frame, drops: [], replayed: false } });
}

function drawDrops(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame, wallNowMs } = input;
  if (frame.replayed) dropBorn.clear();
  for (const e of frame.drops) if (!dropBorn.has(e.index)) dropBorn.set(e.index, { e, bornMs: wallNowMs });
  for (const [k, v] of dropBorn) if (wallNowMs - v.bornMs > DROP_MARK_MS) dropBorn.delete(k);
  const fade = (bornMs: number): number => (input.reducedMotion ? 1 : Math.max(0, 1 - (wallNowMs - bornMs) / DROP_MARK_MS));
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
    g.attr('transform', `translate(${p.x},${p.y})`).attr('opacity', fade(d.bornMs));
    g.select('title').text(`dropped n${d.e.from}→n${d.e.node}: ${d.e.tag}`);
  });
}

/** What the role line adds for a node that is not a voter in its own configuration. */
function memberText(h: HostView): string {
  return h.member === 'learner' ? ' · learner' : h.member === 'outside' ? ' · not a member' : '';
}

function nodeLabel(h: HostView): string {
  const timer = h.timer === null ? '' : `; timer ${h.timer[0]} of ${h.timer[1]}`;
  const vote = h.vote === null ? '' : `; voted for n${h.vote.for} in term ${h.vote.term}`;
  return `n${h.id}, ${h.role}${memberText(h)}, ${h.status}${h.summary === '' ? '' : `; ${h.summary}`}${timer}${vote}`;
}

/** The timer's progress as an arc around the node, clockwise from the top. */
function timerArc(h: HostView): string {
  if (h.timer === null || h.status !== 'up') return '';
  const f = Math.max(0, Math.min(1, h.timer[0] / h.timer[1]));
  return d3.arc()({ innerRadius: NODE_RADIUS + 2.5, outerRadius: NODE_RADIUS + 5.5, startAngle: 0, endAngle: Math.max(0.001, f) * 2 * Math.PI }) ?? '';
}

/** A candidate's votes so far: one mark per voter below the node, ✓ granted, ✗ refused. */
function drawVotesReceived(sel: d3.Selection<SVGGElement, unknown, null, undefined>, h: HostView, p: NodePlace | undefined): void {
  const votes = h.votes === null ? [] : Object.entries(h.votes).map(([id, ok]) => ({ id: Number(id), ok })).sort((a, b) => a.id - b.id);
  const w = 22;
  const x0 = -((votes.length - 1) * w) / 2;
  // On the side away from the node's labels (which sit outside the ring).
  const below = p === undefined || !(p.anchor === 'middle' && p.labelDy > 0);
  sel.attr('transform', `translate(0,${below ? NODE_RADIUS + 16 : -NODE_RADIUS - 16})`);
  sel.selectAll<SVGTextElement, { id: number; ok: boolean }>('text').data(votes, (d) => String(d.id)).join('text')
    .attr('class', (d) => (d.ok ? 'granted' : 'refused'))
    .attr('x', (_, i) => x0 + i * w).attr('dy', '0.35em')
    .text((d) => `${d.ok ? '✓' : '✗'}${d.id}`);
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
    .text((d) => `${d.role}${memberText(d)}${d.status === 'paused' ? ' · paused' : ''}`).attr('fill', (d) => (d.status === 'up' ? roleTextColor(d.role) : null));
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
    const e = enter.append('g').attr('tabindex', 0).attr('role', 'button');
    e.append('circle').attr('class', 'halo').attr('r', NODE_RADIUS + 9);
    e.append('circle').attr('class', 'timer-track').attr('r', NODE_RADIUS + 4);
    e.append('path').attr('class', 'timer');
    e.append('circle').attr('class', 'body').attr('r', NODE_RADIUS);
    // The drawn texts repeat the node's accessible name (aria-label), so they are hidden from assistive tech.
    e.append('text').attr('class', 'id').attr('dy', '0.35em').attr('aria-hidden', 'true');
    e.append('text').attr('class', 'glyph').attr('aria-hidden', 'true').attr('dy', '0.35em').attr('x', NODE_RADIUS * 0.78).attr('y', -NODE_RADIUS * 0.78);
    e.append('text').attr('class', 'role').attr('aria-hidden', 'true');
    e.append('text').attr('class', 'summary').attr('aria-hidden', 'true');
    e.append('g').attr('class', 'badge');
    e.append('g').attr('class', 'votes').attr('aria-hidden', 'true');
    e.append('title');
    e.on('click', (ev: MouseEvent, d) => {
      ev.stopPropagation();
      input.onNode(d.id, ev);
    });
    e.on('keydown', (ev: KeyboardEvent, d) => {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
      ev.stopPropagation();
      input.onNode(d.id, ev);
    });
    return e;
  });
  const marked = new Set(input.highlighted);
  g.attr('class', (d) => `node ${d.status}${input.selectedNode === d.id ? ' selected' : ''}${marked.has(d.id) ? ' marked' : ''}`)
    .attr('aria-pressed', (d) => (input.selectedNode === d.id ? 'true' : 'false'))
    .attr('data-node', (d) => d.id)
    .attr('data-status', (d) => d.status)
    .attr('data-role', (d) => d.role)
    .attr('transform', (d) => `translate(${pos.get(d.id)?.x ?? 0},${pos.get(d.id)?.y ?? 0})`);
  g.select('circle.body').attr('stroke', (d) => (d.status === 'up' ? roleColor(d.role) : null));
  g.select('text.id').text((d) => `n${d.id}`);
  g.select('text.glyph').text(statusGlyph);
  g.select('title').text(nodeLabel);
  g.select('path.timer').attr('d', (d) => timerArc(d)).attr('fill', (d) => roleColor(d.role));
  g.select('circle.timer-track').attr('opacity', (d) => (d.timer === null || d.status !== 'up' ? 0 : 1));
  g.select<SVGGElement>('g.votes').each(function (d) { drawVotesReceived(d3.select(this), d, pos.get(d.id)); });
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

/** Who voted for whom: an arrow from each voter to the node it voted for in its current term. */
function drawVotes(root: d3.Selection<SVGGElement, unknown, null, undefined>, input: DrawInput): void {
  const { pos, frame } = input;
  const votes = frame.hosts.filter((h) => h.status !== 'down' && h.vote !== null && h.vote.for !== h.id && pos.has(h.vote.for))
    .map((h) => ({ from: h.id, to: (h.vote as { for: number }).for, term: (h.vote as { term: number }).term }));
  root.selectAll<SVGPathElement, (typeof votes)[number]>('path.vote').data(votes, (d) => `${d.from}`).join('path')
    .attr('class', 'vote').attr('marker-end', 'url(#vote-arrow)')
    .attr('data-vote', (d) => `${d.from}-${d.to}`)
    .attr('d', (d) => {
      const a = pos.get(d.from) as Point;
      const b = pos.get(d.to) as Point;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      const s = (NODE_RADIUS + 8) / len;
      const e = (NODE_RADIUS + 12) / len;
      const p1 = { x: a.x + dx * s, y: a.y + dy * s };
      const p2 = { x: b.x - dx * e, y: b.y - dy * e };
      // Bowed to one side, so a vote does not hide the link's messages.
      const c = { x: (p1.x + p2.x) / 2 - (dy / len) * 26, y: (p1.y + p2.y) / 2 + (dx / len) * 26 };
      return `M${p1.x.toFixed(1)},${p1.y.toFixed(1)}Q${c.x.toFixed(1)},${c.y.toFixed(1)} ${p2.x.toFixed(1)},${p2.y.toFixed(1)}`;
    });
}

function defs(root: d3.Selection<SVGSVGElement, unknown, null, undefined>): void {
  if (!root.select('defs').empty()) return;
  root.append('defs').append('marker').attr('id', 'vote-arrow').attr('viewBox', '0 0 10 10').attr('refX', 8).attr('refY', 5)
    .attr('markerWidth', 7).attr('markerHeight', 7).attr('orient', 'auto-start-reverse')
    .append('path').attr('d', 'M0,0L10,5L0,10Z').attr('class', 'vote-head');
}

export function drawCluster(svg: SVGSVGElement, input: DrawInput): void {
  const root = d3.select(svg);
  const layer = (name: string): d3.Selection<SVGGElement, unknown, null, undefined> => {
    const existing = root.select<SVGGElement>(`g.${name}`);
    return (existing.empty() ? root.append('g').attr('class', name) : existing) as d3.Selection<SVGGElement, unknown, null, undefined>;
  };
  defs(root);
  const links = layer('links');
  const votes = layer('votes-layer');
  const flights = layer('flights');
  const drops = layer('drops');
  const nodes = layer('nodes');
  drawLinks(links, input);
  drawVotes(votes, input);
  drawFlights(flights, input);
  drawDrops(drops, input);
  drawNodes(nodes, input);
}
