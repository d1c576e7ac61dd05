// Settings of a part a scenario switches off (`enabled: false`, given or by default).
//
// Contract: switchedOffProblems(parsed, given, path) walks a section as parsed (defaults
// filled) beside the same section as the file wrote it, and lists by path every field the
// file gives inside an object whose `enabled` is false: the part is off, so the field does
// nothing, and a run would pass as if it had been tested (`rateLimit: { rate: 5 }` without
// `enabled: true` limited nothing), save `readWhenOff` (fields of the section itself that
// still apply with it off, such as manager.base). Fields outside such objects are not judged here.
import type { Problem } from './schema.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function switchedOffProblems(parsed: unknown, given: unknown, path: string, readWhenOff: readonly string[] = []): Problem[] {
  if (!isObject(parsed) || !isObject(given)) return [];
  if (parsed.enabled === false) {
    const said = Object.hasOwn(given, 'enabled') ? 'enabled: false' : 'enabled is false unless the file says enabled: true';
    return Object.keys(given).filter((k) => k !== 'enabled' && !readWhenOff.includes(k)).map((k) => ({
      path: `${path}.${k}`,
      message: `${path} is off (${said}), so ${k} does nothing and a run would pass as if it had been tested: add enabled: true to switch ${path} on, or remove ${k}`,
    }));
  }
  return Object.keys(given).flatMap((k) => switchedOffProblems(parsed[k], given[k], `${path}.${k}`));
}
