// Message corruption: a copy of the message with one leaf replaced by garbage of a random
// type, as a flipped bit in an unchecksummed payload would look after decoding. The
// receiver must reject it (validation) rather than crash or act on it.
import type { Stream } from '../kernel/random.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function garbage(r: Stream): Json {
  switch (r.int(7)) {
    case 0: return null;
    case 1: return -1 - r.int(1000);
    case 2: return 'x'.repeat(r.int(8));
    case 3: return r.next() * 1e12;
    case 4: return [];
    case 5: return { junk: true };
    default: return Number.MAX_SAFE_INTEGER;
  }
}

/** Collects the paths of all leaves (and empty containers) in document order. */
function leafPaths(v: Json, path: (string | number)[], out: (string | number)[][], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(path);
    v.forEach((x, i) => leafPaths(x, [...path, i], out, limit));
  } else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) out.push(path);
    for (const k of keys) leafPaths(v[k], [...path, k], out, limit);
  } else {
    out.push(path);
  }
}

export function corruptMessage(msg: unknown, r: Stream): unknown {
  const copy = JSON.parse(JSON.stringify(msg ?? null)) as Json;
  const paths: (string | number)[][] = [];
  leafPaths(copy, [], paths, 256);
  if (paths.length === 0 || paths[0].length === 0) return garbage(r);
  const path = paths[r.int(paths.length)];
  let at: any = copy;
  for (let i = 0; i < path.length - 1; i++) at = at[path[i]];
  const key = path[path.length - 1];
  const before = JSON.stringify(at[key]);
  let g = garbage(r);
  // A corrupted message always differs from the original: redraw a value that happens to match.
  while (JSON.stringify(g) === before) g = garbage(r);
  at[key] = g;
  return copy;
}
