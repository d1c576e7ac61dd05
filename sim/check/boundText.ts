// Bounding long texts (failure explanations) for terminals, reports and JUnit.
//
// Contract: boundText returns the text unchanged when it fits in `bytesMax` UTF-8 bytes;
// otherwise it keeps whole lines from the head (about three quarters of the budget) and
// from the tail (the rest: an explanation ends with the step that failed), cuts single
// lines longer than a quarter of the budget, and puts one line between them saying how
// many lines were left out and where the full text is (`pointer`). The result never
// exceeds `bytesMax` plus the length of that one line.
import { formatCount } from '../kernel/time.ts';

/** What a terminal, a report or a JUnit file shows of one explanation, at most. */
export const EXPLANATION_BYTES_MAX = 4096;

/** UTF-8 length of a string (a surrogate pair is 4 bytes: 2 for each half). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}

function cutLine(line: string, bytesMax: number): string {
  if (utf8Bytes(line) <= bytesMax) return line;
  let end = Math.min(line.length, bytesMax);
  while (end > 0 && utf8Bytes(line.slice(0, end)) > bytesMax - 24) end = Math.floor(end * 0.9);
  return `${line.slice(0, end)}… (+${formatCount(utf8Bytes(line) - utf8Bytes(line.slice(0, end)))} bytes)`;
}

/** Takes whole lines while they fit in `budget` bytes (counting one newline each). */
function take(lines: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = utf8Bytes(line) + 1;
    if (used + cost > budget) break;
    out.push(line);
    used += cost;
  }
  return out;
}

/**
 * The text, or its head and tail with one line in between: "… N more lines; POINTER".
 * `pointer` says where the whole text is, e.g. "full text in out/violations.txt".
 */
export function boundText(text: string, pointer: string, bytesMax = EXPLANATION_BYTES_MAX): string {
  if (utf8Bytes(text) <= bytesMax) return text;
  const lines = text.split('\n').map((l) => cutLine(l, Math.floor(bytesMax / 4)));
  const head = take(lines, Math.floor(bytesMax * 0.75));
  const rest = lines.slice(head.length);
  const tail = take([...rest].reverse(), bytesMax - utf8Bytes(head.join('\n')) - 1).reverse();
  const omitted = lines.length - head.length - tail.length;
  const marker = omitted > 0 ? `… ${formatCount(omitted)} more line${omitted === 1 ? '' : 's'}; ${pointer}` : `… (long lines shortened); ${pointer}`;
  return [...head, marker, ...tail].join('\n');
}
