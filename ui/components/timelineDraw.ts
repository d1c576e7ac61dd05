// Draws the timeline and charts with d3: a time axis, fault and intervention markers,
// per-node status rows, protocol events (role changes, suspicions), the message and drop
// rates, and one chosen metric per node, all on one x scale with a playhead.
//
// Contract: pure drawing from (summary, interventions, time, size); the SVG is rebuilt by
// joins on every call, which is cheap (a few hundred marks) and happens only when one of
// those inputs changes, never per animation frame except for the playhead.
import * as d3 from 'd3';
import type { Micros } from '../../core/env.ts';
import type { FaultSpec } from '../../sim/scenario/schema.ts';
import { faultLabel } from '../lib/faultText.ts';
import { axisText } from '../lib/format.ts';
import { COLORS, MARKER_COLORS, NODE_LINE_COLORS, roleColor } from '../lib/palette.ts';
import { statusBands } from '../lib/statusBands.ts';
import type { Marker, Summary } from '../sim/protocol.ts';

export const GUTTER = 92;
const RIGHT = 14;
const AXIS_H = 18;
const LANE_H = 14;
const CHART_H = 38;
const GAP = 5;

export interface TimelineLayout {
  width: number;
  height: number;
  x: d3.ScaleLinear<number, number>;
  rows: { faults: number; nodes: number; nodesH: number; events: number; rate: number; metric: number };
}

export function timelineLayout(width: number, endUs: Micros, nodeCount: number): TimelineLayout {
  const nodesH = Math.min(54, Math.max(12, nodeCount * 6));
  const faults = AXIS_H;
  const nodes = faults + LANE_H + GAP;
  const events = nodes + nodesH + GAP;
  const rate = events + LANE_H + GAP;
  const metric = rate + CHART_H + GAP;
  const height = metric + CHART_H + 6;
  const x = d3.scaleLinear().domain([0, Math.max(1, endUs)]).range([GUTTER, Math.max(GUTTER + 10, width - RIGHT)]);
  return { width, height, x, rows: { faults, nodes, nodesH, events, rate, metric } };
}

export interface TimelineInput {
  layout: TimelineLayout;
  /** The liveness phase: from the last fault's heal until the checks must hold. */
  liveness: { fromUs: Micros; toUs: Micros } | null;
  summary: Summary | null;
  interventions: readonly FaultSpec[];
  nodeCount: number;
  metric: string;
}

export interface HoverMark {
  t: Micros;
  label: string;
  color: string;
}

function laneLabels(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, metric: string): void {
  const r = L.rows;
  const labels: [string, number][] = [['faults', r.faults + LANE_H / 2], ['nodes', r.nodes + r.nodesH / 2], ['events', r.events + LANE_H / 2], ['msgs/s', r.rate + CHART_H / 2], [metric, r.metric + CHART_H / 2]];
  g.selectAll('text.lane').data(labels).join('text').attr('class', 'lane').attr('x', GUTTER - 8).attr('y', (d) => d[1]).attr('dy', '0.35em').text((d) => (d[0] === metric ? '' : d[0]));
}

function drawAxis(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout): void {
  const axis = d3.axisTop<number>(L.x).ticks(Math.max(2, Math.floor((L.width - GUTTER) / 90))).tickFormat((d) => axisText(Number(d))).tickSizeOuter(0).tickSize(3);
  g.selectAll<SVGGElement, null>('g.axis').data([null]).join('g').attr('class', 'axis').attr('transform', `translate(0,${AXIS_H - 2})`).call(axis);
  const grid = L.x.ticks(Math.max(2, Math.floor((L.width - GUTTER) / 90)));
  g.selectAll('line.grid').data(grid).join('line').attr('class', 'grid').attr('x1', (d) => L.x(d)).attr('x2', (d) => L.x(d)).attr('y1', AXIS_H).attr('y2', L.height - 6);
}

function drawLiveness(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, phase: TimelineInput['liveness'], marks: HoverMark[]): void {
  const data = phase === null ? [] : [phase];
  g.selectAll('rect.liveness').data(data).join('rect').attr('class', 'liveness')
    .attr('x', (d) => L.x(d.fromUs)).attr('width', (d) => Math.max(1, L.x(d.toUs) - L.x(d.fromUs)))
    .attr('y', L.rows.faults).attr('height', LANE_H);
  g.selectAll('text.liveness').data(data).join('text').attr('class', 'liveness')
    .attr('x', (d) => (L.x(d.fromUs) + L.x(d.toUs)) / 2).attr('y', L.rows.faults + LANE_H / 2).attr('dy', '0.35em').text('liveness');
  if (phase !== null) marks.push({ t: phase.fromUs, label: `liveness phase: the checks must hold by ${axisText(phase.toUs)}`, color: COLORS.ok });
}

function drawFaults(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, markers: Marker[], interventions: readonly FaultSpec[], marks: HoverMark[]): void {
  const y = L.rows.faults + LANE_H / 2;
  const faults = markers.filter((m) => m.kind === 'fault' || m.kind === 'heal');
  g.selectAll('path.fault').data(faults).join('path').attr('class', 'fault')
    .attr('d', (d) => (d.kind === 'fault' ? 'M-5,-5 L5,-5 L0,4 Z' : 'M-3.5,-3.5 L3.5,-3.5 L0,3 Z'))
    .attr('fill', (d) => MARKER_COLORS[d.kind]).attr('transform', (d) => `translate(${L.x(d.t)},${y})`);
  for (const m of faults) marks.push({ t: m.t, label: m.label, color: MARKER_COLORS[m.kind] });
  g.selectAll('path.intervention').data(interventions).join('path').attr('class', 'intervention').attr('d', 'M0,-6 L5,0 L0,6 L-5,0 Z')
    .attr('fill', MARKER_COLORS.intervention).attr('transform', (d) => `translate(${L.x(d.at)},${y})`);
  for (const f of interventions) marks.push({ t: f.at, label: `you: ${faultLabel(f)}`, color: MARKER_COLORS.intervention });
}

function drawNodeRows(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, markers: Marker[], nodeCount: number, endUs: Micros, marks: HoverMark[]): void {
  const rowH = L.rows.nodesH / Math.max(1, nodeCount);
  g.selectAll('rect.nodebg').data(d3.range(nodeCount)).join('rect').attr('class', 'nodebg')
    .attr('x', L.x(0)).attr('width', L.x(endUs) - L.x(0)).attr('y', (d) => L.rows.nodes + d * rowH).attr('height', Math.max(1, rowH - 1));
  const bands = statusBands(markers, endUs);
  g.selectAll('rect.band').data(bands).join('rect').attr('class', (d) => `band ${d.status}`)
    .attr('x', (d) => L.x(d.fromUs)).attr('width', (d) => Math.max(1.5, L.x(d.toUs) - L.x(d.fromUs)))
    .attr('y', (d) => L.rows.nodes + d.node * rowH).attr('height', Math.max(1, rowH - 1));
  for (const b of bands) marks.push({ t: b.fromUs, label: `n${b.node} ${b.status} until ${axisText(b.toUs)}`, color: b.status === 'down' ? COLORS.danger : COLORS.warn });
}

function drawEvents(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, markers: Marker[], marks: HoverMark[]): void {
  const ev = markers.filter((m) => m.kind === 'role' || m.kind === 'suspect' || m.kind === 'trust' || m.kind === 'violation' || m.kind === 'action');
  const color = (m: Marker): string => (m.kind === 'role' ? roleColor(m.label.split('→ ')[1]?.split(' ')[0] ?? '') : MARKER_COLORS[m.kind]);
  g.selectAll('line.ev').data(ev).join('line').attr('class', (d) => `ev ${d.kind}`)
    .attr('x1', (d) => L.x(d.t)).attr('x2', (d) => L.x(d.t))
    .attr('y1', (d) => L.rows.events + (d.kind === 'violation' ? -2 : 2)).attr('y2', (d) => L.rows.events + LANE_H - (d.kind === 'violation' ? -2 : 2))
    .attr('stroke', color);
  for (const m of ev) marks.push({ t: m.t, label: m.label, color: color(m) });
}

/** Buckets a chart averages over: periodic traffic (heartbeats) would otherwise draw a comb. */
export const SMOOTH_BUCKETS = 4;

/** A trailing moving average over `k` buckets. */
export function smooth(xs: readonly number[], k: number): number[] {
  const out = new Array<number>(xs.length);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i] - (i >= k ? xs[i - k] : 0);
    out[i] = sum / Math.min(k, i + 1);
  }
  return out;
}

function drawRates(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, s: Summary): void {
  const perS = 1_000_000 / s.series.bucketUs;
  const msgs = smooth(s.series.messages.map((c) => c * perS), SMOOTH_BUCKETS);
  const drops = smooth(s.series.drops.map((c) => c * perS), SMOOTH_BUCKETS);
  const top = Math.max(1, d3.max(msgs) ?? 1, d3.max(drops) ?? 1);
  const y = d3.scaleLinear().domain([0, top]).range([L.rows.rate + CHART_H, L.rows.rate + 2]);
  const bx = (i: number): number => L.x(i * s.series.bucketUs);
  const area = d3.area<number>().x((_, i) => bx(i + 0.5)).y0(y(0)).y1((d) => y(d)).curve(d3.curveStepAfter);
  g.selectAll('path.rate').data([msgs]).join('path').attr('class', 'rate').attr('d', area);
  const w = Math.max(1, bx(1) - bx(0));
  g.selectAll('rect.dropbar').data(drops.map((d, i) => [d, i] as const).filter(([d]) => d > 0)).join('rect').attr('class', 'dropbar')
    .attr('x', ([, i]) => bx(i)).attr('width', w).attr('y', ([d]) => y(d)).attr('height', ([d]) => y(0) - y(d));
  g.selectAll('text.max').data([`max ${Math.round(top)}/s`]).join('text').attr('class', 'max').attr('x', L.width - RIGHT - 2).attr('y', L.rows.rate + 9).text((d) => d);
}

/** Per-bucket rates the metric chart can show besides the nodes' own numbers. */
export function rateMetric(s: Summary, name: string): (number | null)[][] | null {
  const perS = 1_000_000 / s.series.bucketUs;
  if (name === 'events/s') return [smooth(s.series.events.map((c) => c * perS), SMOOTH_BUCKETS)];
  if (name === 'timers/s') return [smooth(s.series.timers.map((c) => c * perS), SMOOTH_BUCKETS)];
  if (name === 'drops/s') return [smooth(s.series.drops.map((c) => c * perS), SMOOTH_BUCKETS)];
  return null;
}

function drawMetric(g: d3.Selection<SVGGElement, unknown, null, undefined>, L: TimelineLayout, s: Summary, metric: string): void {
  const rows = rateMetric(s, metric) ?? s.series.metrics[metric] ?? [];
  const all = rows.flat().filter((v): v is number => v !== null);
  const lo = Math.min(0, d3.min(all) ?? 0);
  const hi = Math.max(lo + 1, d3.max(all) ?? 1);
  const y = d3.scaleLinear().domain([lo, hi]).range([L.rows.metric + CHART_H, L.rows.metric + 3]);
  const line = d3.line<number | null>().defined((d) => d !== null).x((_, i) => L.x((i + 1) * s.series.bucketUs)).y((d) => y(d ?? 0)).curve(d3.curveStepBefore);
  g.selectAll('path.metric').data(rows).join('path').attr('class', 'metric').attr('d', line)
    .attr('stroke', (_, i) => (rows.length === 1 ? COLORS.accent : NODE_LINE_COLORS[i % NODE_LINE_COLORS.length]));
  g.selectAll('text.max').data([`max ${Number.isInteger(hi) ? String(hi) : hi.toFixed(1)}`]).join('text').attr('class', 'max').attr('x', L.width - RIGHT - 2).attr('y', L.rows.metric + 9).text((d) => d);
}

function group(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, name: string): d3.Selection<SVGGElement, unknown, null, undefined> {
  const existing = root.select<SVGGElement>(`g.${name}`);
  return existing.empty() ? root.append('g').attr('class', name) : existing;
}

/** Draws everything but the playhead; returns the marks the hover tooltip can name. */
export function drawTimeline(svg: SVGSVGElement, input: TimelineInput): HoverMark[] {
  const root = d3.select(svg);
  const L = input.layout;
  const endUs = L.x.domain()[1];
  const marks: HoverMark[] = [];
  drawAxis(group(root, 'g-axis'), L);
  drawLiveness(group(root, 'g-liveness'), L, input.liveness, marks);
  laneLabels(group(root, 'g-labels'), L, input.metric);
  const s = input.summary;
  const markers = s?.markers ?? [];
  drawFaults(group(root, 'g-faults'), L, markers, input.interventions, marks);
  drawNodeRows(group(root, 'g-nodes'), L, markers, input.nodeCount, endUs, marks);
  drawEvents(group(root, 'g-events'), L, markers, marks);
  if (s !== null) {
    drawRates(group(root, 'g-rate'), L, s);
    drawMetric(group(root, 'g-metric'), L, s, input.metric);
  }
  return marks.sort((a, b) => a.t - b.t);
}
