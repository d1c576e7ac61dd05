// Failure explanations in the CLI's outputs: bounded where people read them (the terminal,
// report.json, sweep.json, junit.xml), whole in a file beside them.
//
// Contract: a violation's message is cut to EXPLANATION_BYTES_MAX (head and tail, with a
// line saying how much was left out and where the whole text is) and its `detail` (the
// full text some checks attach) is dropped from every report; the whole text of every
// violation goes to a file when the command has an output directory, and the cut line
// names that file; without one it says how to get it.
import { writeFileSync } from 'node:fs';
import { boundText } from '../sim/check/boundText.ts';
import { formatMicros } from '../sim/kernel/time.ts';
import type { Violation } from '../sim/world/world.ts';

/** The file `run --out DIR` writes the whole text of every violation to. */
export const VIOLATIONS_FILE = 'violations.txt';
/** The folder `sweep --out DIR` writes each failing seed's whole violations to (seed-N.txt). */
export const VIOLATIONS_DIR = 'violations';

export function seedViolationsFile(seed: number): string {
  return `${VIOLATIONS_DIR}/seed-${seed}.txt`;
}

/** Where the cut line sends the reader: the file, or how to get one. */
export function pointerTo(file: string | undefined, howWithoutFile: string): string {
  return file === undefined ? howWithoutFile : `full text in ${file}`;
}

/**
 * The violations as reports carry them: bounded messages, no detail. A message that fits
 * but has a detail behind it (a compact explanation) gets the pointer as its last line.
 */
export function boundedViolations(vs: readonly Violation[], pointer: string): Violation[] {
  return vs.map((v) => {
    const { detail, ...rest } = v;
    const bounded = boundText(v.message, pointer);
    return { ...rest, message: bounded === v.message && detail !== undefined ? `${v.message}\n… ${pointer}` : bounded };
  });
}

/** Whether the bounded form leaves anything out (so a file of whole texts is worth pointing to). */
export function anyCut(vs: readonly Violation[], pointer: string): boolean {
  return vs.some((v) => v.detail !== undefined || boundText(v.message, pointer) !== v.message);
}

/** Every violation in full: a header line each, then its detail (or message). */
export function wholeText(vs: readonly Violation[], title: string): string {
  const parts = [title, ''];
  vs.forEach((v, i) => {
    parts.push(`violation ${i + 1} of ${vs.length} [${v.check}] at ${formatMicros(v.t)}${v.node === null ? '' : ` on node ${v.node}`}:`);
    parts.push(v.detail ?? v.message, '');
  });
  return parts.join('\n');
}

export function writeWholeText(path: string, vs: readonly Violation[], title: string): void {
  writeFileSync(path, wholeText(vs, title));
}

/** The first line of a message: what one-line listings (sweep summaries, JUnit attributes) show. */
export function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : `${message.slice(0, i)} …`;
}
