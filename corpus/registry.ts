// Corpora by name, loaded once per thread.
//
// Contract: `corpusByName(name)` returns the same Corpus object for the same name within a
// thread. 'fiori' is read from its npm package on first use in Node; a browser page or Web
// Worker loads it first with `loadCorpus` (fetched files). 'synthetic-<count>x<dim>' names
// are generated from a fixed seed, anywhere.
import type { Corpus } from './corpus.ts';
import { fioriCorpusSync, loadFiori } from './fiori.ts';
import { syntheticCorpus } from './synthetic.ts';

const loaded = new Map<string, Corpus>();

export const CORPUS_NAMES = ['fiori', 'synthetic-<count>x<dim>'] as const;

export function registerCorpus(c: Corpus): void {
  loaded.set(c.name, c);
}

function inNode(): boolean {
  return typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule === 'function';
}

/** Loads a corpus in any environment (once per thread). */
export async function loadCorpus(name: string): Promise<Corpus> {
  const have = loaded.get(name);
  if (have !== undefined) return have;
  if (name === 'fiori' && !inNode()) {
    const c = await loadFiori();
    loaded.set(name, c);
    return c;
  }
  return corpusByName(name);
}

export function corpusByName(name: string): Corpus {
  const have = loaded.get(name);
  if (have !== undefined) return have;
  let c: Corpus;
  const synth = /^synthetic-(\d+)x(\d+)$/.exec(name);
  if (name === 'fiori') c = fioriCorpusSync();
  else if (synth !== null) c = syntheticCorpus({ count: Number(synth[1]), dim: Number(synth[2]) });
  else throw new Error(`unknown corpus "${name}": use one of ${CORPUS_NAMES.join(', ')}`);
  loaded.set(name, c);
  return c;
}
