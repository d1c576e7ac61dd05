// Goal: failure explanations are bounded wherever people read them (the terminal,
// report.json, sweep.json, junit.xml) and whole in a file beside them. One seed used to
// print a 100-400 KB linearizability explanation, mostly one line listing every step of
// the linearizable prefix, into all three.
// Method: boundText on made-up texts; then the CLI in-process on test/fixtures/
// long-explanation.yaml (teeth-read-without-read-index with one key and eight clients:
// seed 14's explanation is some 40 KB), with and without --out, as `run` and as `sweep`.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundedViolations } from '../cli/explanations.ts';
import type { SweepFile } from '../cli/sweepFile.ts';
import { boundText, EXPLANATION_BYTES_MAX, utf8Bytes } from '../sim/check/boundText.ts';
import type { RunReport } from '../sim/run/runScenario.ts';
import { cli } from './cliHarness.ts';

const FIXTURE = 'test/fixtures/long-explanation.yaml';
const SEED = '14';
/** A bounded explanation: the budget plus the one line that says what was left out. */
const MESSAGE_BYTES_MAX = EXPLANATION_BYTES_MAX + 200;

describe('boundText', () => {
  const lines = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);

  it('leaves a short text alone', () => {
    expect(boundText('a\nb', 'full text in f')).toBe('a\nb');
  });

  it('keeps the head and the tail of a long text and says how much it left out and where it is', () => {
    const out = boundText(lines.join('\n'), 'full text in out/violations.txt');
    expect(utf8Bytes(out)).toBeLessThanOrEqual(MESSAGE_BYTES_MAX);
    const kept = out.split('\n');
    expect(kept[0]).toBe(lines[0]);
    expect(kept[kept.length - 1]).toBe(lines[499]);
    const marker = kept.find((l) => l.startsWith('…')) ?? '';
    const omitted = Number(/… (\d+) more lines/.exec(marker)?.[1]);
    expect(marker).toMatch(/more lines; full text in out\/violations.txt$/);
    expect(omitted + kept.length - 1).toBe(500);
  });

  it('a compact message with a whole text behind it points to it; the whole text never reaches a report', () => {
    const [v] = boundedViolations([{ t: 1, check: 'c', node: null, message: 'short', detail: 'long' }], 'run with --out DIR to write the full text to a file');
    expect(v).toEqual({ t: 1, check: 'c', node: null, message: 'short\n… run with --out DIR to write the full text to a file' });
  });

  it('cuts a single enormous line', () => {
    const out = boundText(`head\n${'y'.repeat(300_000)}\ntail`, 'p');
    expect(utf8Bytes(out)).toBeLessThanOrEqual(MESSAGE_BYTES_MAX);
    expect(out).toMatch(/^head\ny+… \(\+2\d\d,\d{3} bytes\)/);
    expect(out).toMatch(/\ntail\n… \(long lines shortened\); p$/);
  });
});

describe('long failure explanations in the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-explain-'));
  const rel = (p: string): string => relative(process.cwd(), p);

  it('run: the terminal, --json and report.json carry a bounded explanation; violations.txt has it whole', () => {
    const out = join(dir, 'run');
    const human = cli('run', '--scenario', FIXTURE, '--seed', SEED, '--out', out);
    expect(human.code).toBe(1);
    expect(human.out).toMatch(/violation \[linearizability\]/);
    expect(utf8Bytes(human.out)).toBeLessThan(MESSAGE_BYTES_MAX + 2_000);
    expect(human.out).toContain(`full text in ${rel(join(out, 'violations.txt'))}`);
    expect(human.out).toMatch(/and .*violations.txt \(every violation in full\)/);
    const reportText = readFileSync(join(out, 'report.json'), 'utf8');
    expect(utf8Bytes(reportText)).toBeLessThan(MESSAGE_BYTES_MAX + 3_000);
    const report = JSON.parse(reportText) as RunReport;
    const v = report.violations.find((x) => x.check === 'linearizability');
    expect(v).toBeDefined();
    expect(utf8Bytes(v?.message ?? '')).toBeLessThanOrEqual(MESSAGE_BYTES_MAX);
    expect(v).not.toHaveProperty('detail');
    // The whole explanation: every operation and every step of the prefix, none left out.
    const whole = readFileSync(join(out, 'violations.txt'), 'utf8');
    expect(utf8Bytes(whole)).toBeGreaterThan(30_000);
    // Reported when the check found it (the key's first quiet moment after the stale read), not at the end.
    expect(whole).toMatch(/^violation 1 of 1 \[linearizability\] at 1\.761s:$/m);
    expect(whole).not.toMatch(/… and \d+ more$|earlier steps|more candidates/m);
    const listed = whole.split('\n').filter((l) => /^ {2}#\d+ client \d+ \[/.test(l)).length;
    expect(listed).toBe(Number(/these (\d+) operations have no linearization/.exec(whole)?.[1]));
  });

  it('sweep: sweep.json, junit.xml and the summary are bounded; DIR/violations/seed-N.txt has it whole', () => {
    const out = join(dir, 'sweep');
    const r = cli('sweep', '--scenario', FIXTURE, '--seeds', SEED, '--jobs', '1', '--out', out);
    expect(r.code).toBe(1);
    expect(utf8Bytes(r.out)).toBeLessThan(2_000);
    expect(r.out).toMatch(/seed 14 failed: \[linearizability\] history is not linearizable on key k0: …/);
    for (const f of ['sweep.json', 'junit.xml']) expect(utf8Bytes(readFileSync(join(out, f), 'utf8')), f).toBeLessThan(MESSAGE_BYTES_MAX + 8_000);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile;
    expect(sweep.results[0].violations[0].message).toContain(`full text in ${rel(join(out, 'violations', 'seed-14.txt'))}`);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<failure type="linearizability" message="\[linearizability\] history is not linearizable on key k0: …">/);
    expect(existsSync(join(out, 'violations', 'seed-14.txt'))).toBe(true);
    expect(utf8Bytes(readFileSync(join(out, 'violations', 'seed-14.txt'), 'utf8'))).toBeGreaterThan(30_000);
  });
});
