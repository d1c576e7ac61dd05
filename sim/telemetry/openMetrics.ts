// A whole run as one OpenMetrics text: every scrape's exposition (prom-client's), with each
// sample timestamped at a fixed epoch plus the virtual time of its scrape, regrouped so
// each metric family appears once and each series' samples run in time order.
//
// Contract: the output depends only on the scrapes given, in order, so the same scenario
// and seed give the same bytes. Histogram samples stay grouped per scrape (buckets, count,
// sum of one moment together), as an OpenMetrics MetricPoint requires. The text ends with
// `# EOF`; `promtool tsdb create-blocks-from openmetrics` reads it.
import type { Micros } from '../../core/env.ts';

/** The wall-clock instant virtual time 0 maps to: 2023-11-14T22:13:20Z, in seconds. */
export const OPENMETRICS_EPOCH_S = 1_700_000_000;

/** An OpenMetrics timestamp (seconds, millisecond precision) for virtual time `tUs`. */
export function timestampOf(tUs: Micros): string {
  const ms = Math.floor(tUs / 1000);
  return `${OPENMETRICS_EPOCH_S + Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

interface FamilyLines {
  meta: string[];
  /** Series group (labels without `le`) -> its timestamped sample lines. */
  groups: Map<string, string[]>;
}

export class OpenMetricsRecorder {
  private readonly families = new Map<string, FamilyLines>();

  /** Adds one scrape: an OpenMetrics exposition taken at virtual time `tUs`. */
  add(exposition: string, tUs: Micros): void {
    const ts = timestampOf(tUs);
    let fam: FamilyLines | null = null;
    for (const line of exposition.split('\n')) {
      if (line === '' || line === '# EOF') continue;
      if (line.startsWith('# ')) {
        const [, what, name] = line.split(' ', 3);
        let f = this.families.get(name);
        if (f === undefined) {
          f = { meta: [], groups: new Map() };
          this.families.set(name, f);
        }
        if (what === 'HELP' || what === 'TYPE' || what === 'UNIT') {
          if (f.meta.length < 3 && !f.meta.some((m) => m.startsWith(`# ${what} `))) f.meta.push(line);
        }
        fam = f;
        continue;
      }
      if (fam === null) throw new Error(`OpenMetrics: a sample before any family: ${line}`);
      const space = line.lastIndexOf(' ');
      const series = line.slice(0, space);
      const group = series.replace(/^[^{]*/, '').replace(/(\{|,)le="[^"]*",?/, '$1');
      let lines = fam.groups.get(group);
      if (lines === undefined) {
        lines = [];
        fam.groups.set(group, lines);
      }
      lines.push(`${line} ${ts}`);
    }
  }

  toString(): string {
    let out = '';
    for (const f of this.families.values()) {
      out += f.meta.join('\n') + '\n';
      for (const lines of f.groups.values()) out += lines.join('\n') + '\n';
    }
    return out + '# EOF\n';
  }
}
