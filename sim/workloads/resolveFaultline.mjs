// A Node module resolve hook: the bare specifier `faultline` means the faultline that is
// running, wherever the importing file lives. A user's workload module may sit in a
// folder with no node_modules at all, or beside another faultline install; either way it
// must share this process's registry and zod, so its import resolves to this package's
// entry (index.ts). Every other specifier resolves as usual.
const ENTRIES = {
  faultline: new URL('../../index.ts', import.meta.url).href,
  // Node only: the adapter for evented code (adapters/evented).
  'faultline/evented': new URL('../../adapters/evented/index.ts', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  // The entry goes on through the next hooks (tsx's), which know how to load TypeScript.
  return next(Object.hasOwn(ENTRIES, specifier) ? ENTRIES[specifier] : specifier, context);
}
