// JUnit XML for CI dashboards: one testsuite per sweep, one testcase per seed, a failure
// element carrying the violations and the replay command for every failing seed.
import type { SeedResult } from './seedResult.ts';

export function xmlEscape(s: string): string {
  // Control characters other than tab and newline are not allowed in XML 1.0 at all.
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function junitXml(scenario: string, results: readonly SeedResult[], wallMs: number, replayOf: (seed: number) => string): string {
  const failed = results.filter((r) => r.violationCount > 0).length;
  const name = xmlEscape(`faultline sweep ${scenario}`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${results.length}" failures="${failed}" errors="0" time="${seconds(wallMs)}">`,
    `  <testsuite name="${name}" tests="${results.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(wallMs)}">`,
  ];
  for (const r of results) {
    const open = `    <testcase classname="${xmlEscape(`faultline.${scenario}`)}" name="seed ${r.seed}" time="${seconds(r.wallMs)}"`;
    if (r.violationCount === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    const first = r.violations[0];
    const body = [
      ...r.violations.map((v) => `[${v.check}] at ${v.t} us${v.node === null ? '' : ` on node ${v.node}`}: ${v.message}`),
      ...(r.violationCount > r.violations.length ? [`... and ${r.violationCount - r.violations.length} more`] : []),
      `trace ${r.traceHash}`,
      `replay: ${replayOf(r.seed)}`,
    ].join('\n');
    lines.push(`${open}>`);
    lines.push(`      <failure type="${xmlEscape(first?.check ?? 'violation')}" message="${xmlEscape(first === undefined ? 'a check failed' : `[${first.check}] ${first.message}`)}">${xmlEscape(body)}</failure>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
