// What the cross-engine check (firefox.ts) computes in each engine: the trace hashes of
// some runs, and a census of the portable math and of the engine's own Math on the same
// inputs, drawn from a fixed integer generator (exact in any engine). Bundled for the
// browser as is; nothing here may touch Node.
import { cosTurns, exp, ln, pow } from '../../core/math/portableMath.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';

export interface Probe {
  /** "scenario seed traceHash" per run. */
  hashes: string[];
  /** ln, exp, cosTurns, pow from core/math/portableMath.ts. */
  portable: number[][];
  /** Math.log, Math.exp, Math.cos(2 pi v), Math.pow on the same inputs. */
  native: number[][];
}

export const PROBE_INPUTS = 20_000;

export function probe(texts: Record<string, string>, runs: [string, number][]): Probe {
  const hashes: string[] = [];
  for (const [name, seed] of runs) {
    const p = parseScenarioText(texts[name], `${name}.yaml`);
    if (!p.ok) throw new Error(`scenario ${name} is invalid`);
    hashes.push(`${name} ${seed} ${runScenario(p.scenario, seed).report.traceHash}`);
  }
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const portable: number[][] = [[], [], [], []];
  const native: number[][] = [[], [], [], []];
  for (let i = 0; i < PROBE_INPUTS; i++) {
    const u = 1 - next();
    const v = next();
    const w = 1 + 2 * next();
    portable[0].push(ln(u));
    portable[1].push(exp((v - 0.5) * 100));
    portable[2].push(cosTurns(v));
    portable[3].push(pow(u, -1 / w));
    native[0].push(Math.log(u));
    native[1].push(Math.exp((v - 0.5) * 100));
    native[2].push(Math.cos(2 * Math.PI * v));
    native[3].push(Math.pow(u, -1 / w));
  }
  return { hashes, portable, native };
}
