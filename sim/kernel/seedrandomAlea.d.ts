// Types for seedrandom's alea generator alone. The package's main entry loads every
// generator and, in Node, node:crypto (for autoseeding, which nothing here uses): about 7 ms
// of every CLI and sweep-worker start. Only alea is used, so it is imported by itself.
declare module 'seedrandom/lib/alea.js' {
  import type { PRNG } from 'seedrandom';
  const alea: (seed?: string) => PRNG;
  export default alea;
}
