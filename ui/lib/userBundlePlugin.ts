// The Vite plugin behind `virtual:faultline-user` (ui/lib/userBundle.ts): a module whose
// default export is the users' bundle, written into the page's code and its workers'.
// vite.config.ts installs it with an empty bundle (enforce 'post'); `faultline ui`
// (cli/serve.ts) installs one with the modules and files it was given, which resolves
// first, so the page gets them and a plain build or test server gets none.
import type { Plugin } from 'vite';
import type { UserBundle } from './userBundle.ts';

const ID = 'virtual:faultline-user';
const RESOLVED = `\0${ID}`;

export function userBundlePlugin(bundle: UserBundle, enforce?: 'post'): Plugin {
  return {
    name: `faultline-user${enforce === undefined ? '' : '-default'}`,
    ...(enforce === undefined ? {} : { enforce }),
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load: (id) => (id === RESOLVED ? `export default ${JSON.stringify(bundle)};` : null),
  };
}
