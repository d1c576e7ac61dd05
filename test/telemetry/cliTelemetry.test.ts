// Goal: `faultline run --metrics-out/--traces-out/--logs-out` keeps the CLI contract.
// Method: in-process CLI runs. Bad flags exit 2 with the reason and leave no file (not
// even a temporary one); the same scenario and seed give the same bytes twice; the
// nodes' metrics are the same whether the nodes run in this thread or in worker threads.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync } from '../cliHarness.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-clitel-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outputs = (sub: string): string[] => ['--metrics-out', join(dir, sub, 'm.om'), '--traces-out', join(dir, sub, 't.json'), '--logs-out', join(dir, sub, 'l.jsonl')];
let oneThreadHash = '';
const read = (sub: string): Record<string, string> => Object.fromEntries(['m.om', 't.json', 'l.jsonl'].map((f) => [f, readFileSync(join(dir, sub, f), 'utf8')]));

describe('run with telemetry files', () => {
  it.each([
    [['--scrape-interval', '0'], '--scrape-interval: expected a duration of at least 1ms'],
    [['--scrape-interval', 'soon'], '--scrape-interval: expected a duration'],
    [['--scrape-interval', '500us'], 'at least 1ms'],
    [['--metrics-out', '/nonexistent-dir/m.om'], '--metrics-out: cannot write /nonexistent-dir/m.om: its directory does not exist'],
    [['--logs-out', '/proc/m.jsonl'], '--logs-out: cannot write /proc/m.jsonl'],
    [['--traces-out', '.'], '--traces-out: . is a directory'],
  ])('%j exits 2 with the reason and writes nothing', async (flags, message) => {
    const sub = join(dir, `bad-${readdirSync(dir).length}`);
    mkdirSync(sub);
    // Good outputs beside the bad flag (a flag given twice is refused on its own), to show none is left behind.
    const good = [['--metrics-out', join(sub, 'ok.om')], ['--logs-out', join(sub, 'ok.jsonl')]].filter(([f]) => !flags.includes(f)).flat();
    const r = await cliAsync(process.cwd(), 'run', ...good, ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
    expect(readdirSync(sub)).toEqual([]);
  });

  it('gives the same bytes for the same scenario and seed, and says what it wrote', async () => {
    let r0 = '';
    for (const sub of ['a', 'b']) {
      mkdirSync(join(dir, sub));
      const r = await cliAsync(process.cwd(), 'run', '--seed', '3', ...outputs(sub));
      expect(r.code).toBe(0);
      r0 ||= r.out;
      expect(r.out).toMatch(/wrote .*m\.om \(12 scrapes\)/);
      expect(r.out).toMatch(/wrote .*t\.json \(\d+ spans\)/);
      expect(r.out).toMatch(/wrote .*l\.jsonl \(\d+ records\)/);
      oneThreadHash = /trace ([0-9a-f]{16})/.exec(r.out)?.[1] ?? '';
    }
    const a = read('a');
    const b = read('b');
    for (const f of Object.keys(a)) expect(a[f] === b[f], `${f} differs between two runs`).toBe(true);
    // The traces file is the serializer's bytes written as they are: whole OTLP/JSON.
    const spans = (JSON.parse(a['t.json']) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans
      .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(String(spans.length)).toBe(/t\.json \((\d+) spans\)/.exec(r0)?.[1]);
    expect(readdirSync(join(dir, 'a')).sort()).toEqual(['l.jsonl', 'm.om', 't.json']);
  });

  it('with --workers 2 the trace hash and the nodes\' metrics are those of one thread', async () => {
    mkdirSync(join(dir, 'w'));
    const r = await cliAsync(process.cwd(), 'run', '--seed', '3', '--workers', '2', '--json', ...outputs('w'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).traceHash).toBe(oneThreadHash);
    const one = read('a');
    const two = read('w');
    // The simulator's own registry differs by design: with workers its queue holds only
    // what the kernel side keeps. Every node's series is the same.
    const nodeLines = (om: string): string[] => om.split('\n').filter((l) => l.includes('node="'));
    expect(nodeLines(two['m.om']).length).toBeGreaterThan(1000);
    expect(nodeLines(two['m.om'])).toEqual(nodeLines(one['m.om']));
    expect(two['l.jsonl']).toBe(one['l.jsonl']);
    expect(two['t.json']).toBe(one['t.json']);
  }, 60_000);
});
