// The tables of docs/telemetry.md, generated from the taxonomy in core/telemetry, so the
// documentation and the code cannot drift apart (test/telemetry/docs.test.ts compares them;
// `npm run docs:telemetry` rewrites them).
//
// Contract: pure: taxonomy in, Markdown out. A generated section of the document sits
// between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`.
import { EVENTS } from '../../core/telemetry/events.ts';
import { NODE_NAMES, OTHER } from '../../core/telemetry/labels.ts';
import { METRICS } from '../../core/telemetry/metrics.ts';
import { SPANS } from '../../core/telemetry/spans.ts';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function labelsOf(labels: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(labels);
  return names.length === 0 ? '' : names.map((n) => `\`${n}\``).join(', ');
}

export function metricsTable(scope: 'node' | 'sim'): string {
  return table(['Metric', 'Type', 'Unit', 'Labels (besides node)', 'Carried by', 'Meaning', 'Fed by'], METRICS.filter((m) => m.scope === scope).map((m) => [
    `\`${m.name}\``, m.kind, m.unit === '' ? '' : m.unit, labelsOf(m.labels), scope === 'sim' ? 'simulator' : (m.roles ?? ['every node']).join(', '), m.help, m.from,
  ]));
}

export function labelSetsTable(): string {
  const seen = new Map<string, string>();
  for (const m of METRICS) {
    for (const [name, set] of Object.entries(m.labels)) {
      const values = set === NODE_NAMES ? 'the run\'s node names: n0, n1, ...' : set.map((v) => `\`${v}\``).join(', ');
      const key = `${name}: ${values}`;
      if (!seen.has(key)) seen.set(key, `\`${m.name}\``);
    }
  }
  return table(['Label', 'Values (anything else is `' + OTHER + '`)', 'First used by'], [...seen].map(([k, first]) => {
    const i = k.indexOf(': ');
    return [`\`${k.slice(0, i)}\``, k.slice(i + 2), first];
  }));
}

export function eventsTable(): string {
  return table(['Event', 'Level', 'Emitted by', 'Fields', 'Meaning'], EVENTS.map((e) => [
    `\`${e.name}\``, e.level, e.source, Object.entries(e.fields).map(([k, v]) => `\`${k}\`: ${v}`).join('; '), e.meaning,
  ]));
}

export function spansTable(): string {
  return table(['Span', 'Kind', 'Recorded on', 'Parent', 'Attributes', 'Events', 'Meaning'], SPANS.map((s) => [
    `\`${s.name}\``, s.kind, s.on, s.parent, Object.entries(s.attributes).map(([k, v]) => `\`${k}\`: ${v}`).join('; '), s.events.join(', '), s.meaning,
  ]));
}

export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  'node-metrics': () => metricsTable('node'),
  'sim-metrics': () => metricsTable('sim'),
  'label-sets': labelSetsTable,
  events: eventsTable,
  spans: spansTable,
};

/** `doc` with every generated section replaced by its current content. */
export function regenerate(doc: string): string {
  let out = doc;
  for (const [name, make] of Object.entries(GENERATED_SECTIONS)) {
    const begin = `<!-- BEGIN GENERATED: ${name} -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`docs/telemetry.md: the section ${name} is missing its markers`);
    out = `${out.slice(0, i + begin.length)}\n${make()}\n${out.slice(j)}`;
  }
  return out;
}
