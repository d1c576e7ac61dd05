// JUnit XML for CI dashboards: one testsuite per sweep, one testcase per seed.
//
// A failing seed has a <failure> element carrying its violations (bounded, see
// explanations.ts; the message attribute holds the first line) and the replay command. An
// inconclusive seed (no violation, but a check could not decide) has an <error> element by
// default: CI dashboards (Jenkins, GitLab, GitHub's JUnit reporters) show errors as
// prominently as failures and count them against the build, which matches the sweep's
// non-zero exit; a <skipped> seed, by contrast, is shown in grey and easily missed. With
// --allow-inconclusive the user has accepted such seeds, the sweep exits 0, and they are
// <skipped> with the reason as the message, so the dashboard agrees with the exit code.
import { firstLine } from './explanations.ts';
import type { SeedResult } from './seedResult.ts';

export function xmlEscape(s: string): string {
  // Control characters other than tab and newline are not allowed in XML 1.0 at all.
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureElement(r: SeedResult, replay: string): string {
  const first = r.violations[0];
  const body = [
    ...r.violations.map((v) => `[${v.check}] at ${v.t} us${v.node === null ? '' : ` on node ${v.node}`}: ${v.message}`),
    ...(r.violationCount > r.violations.length ? [`... and ${r.violationCount - r.violations.length} more`] : []),
    `trace ${r.traceHash}`,
    `replay: ${replay}`,
  ].join('\n');
  return `      <failure type="${xmlEscape(first?.check ?? 'violation')}" message="${xmlEscape(first === undefined ? 'a check failed' : `[${first.check}] ${firstLine(first.message)}`)}">${xmlEscape(body)}</failure>`;
}

function inconclusiveElement(r: SeedResult, replay: string, allowInconclusive: boolean): string {
  const first = r.inconclusive[0];
  const message = `inconclusive: ${first === undefined ? 'a check could not decide' : `[${first.check}] ${first.reason}`}`;
  const body = [...r.inconclusive.map((x) => `inconclusive [${x.check}]: ${x.reason}`), `trace ${r.traceHash}`, `replay: ${replay}`].join('\n');
  const tag = allowInconclusive ? 'skipped' : 'error';
  return `      <${tag}${allowInconclusive ? '' : ' type="inconclusive"'} message="${xmlEscape(message)}">${xmlEscape(body)}</${tag}>`;
}

export function junitXml(scenario: string, results: readonly SeedResult[], wallMs: number, replayOf: (seed: number) => string, allowInconclusive = false): string {
  const failed = results.filter((r) => r.verdict === 'fail').length;
  const inconclusive = results.filter((r) => r.verdict === 'inconclusive').length;
  const errors = allowInconclusive ? 0 : inconclusive;
  const skipped = allowInconclusive ? inconclusive : 0;
  const name = xmlEscape(`faultline sweep ${scenario}`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${results.length}" failures="${failed}" errors="${errors}" skipped="${skipped}" time="${seconds(wallMs)}">`,
    `  <testsuite name="${name}" tests="${results.length}" failures="${failed}" errors="${errors}" skipped="${skipped}" time="${seconds(wallMs)}">`,
  ];
  for (const r of results) {
    const open = `    <testcase classname="${xmlEscape(`faultline.${scenario}`)}" name="seed ${r.seed}" time="${seconds(r.wallMs)}"`;
    if (r.verdict === 'pass') {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    lines.push(r.verdict === 'fail' ? failureElement(r, replayOf(r.seed)) : inconclusiveElement(r, replayOf(r.seed), allowInconclusive));
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
