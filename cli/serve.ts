// `faultline ui`: serves the browser UI with Vite's dev server and prints its address.
//
// Contract: with users' workload modules (--workload) or a scenario file outside the
// catalogue (--scenario FILE), the page gets them through one module
// (`virtual:faultline-user`, see ui/lib/userBundle.ts): modules as /@fs/ URLs the dev
// server may read (their folders are added to its allow list), scenario files as text.
import type { ViteDevServer } from 'vite';
import { dirname, join } from 'node:path';
import type { UserBundle } from '../ui/lib/userBundle.ts';
import { userBundlePlugin } from '../ui/lib/userBundlePlugin.ts';
import { PACKAGE_ROOT } from './catalog.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Query string for the printed address (scenario, seed). */
  query: string;
  /** Users' workload modules (absolute paths, with the argument that named them) and scenario files. */
  user?: { workloads: { file: string; arg: string }[]; scenarios: UserBundle['scenarios'] };
}

/** The dev server's URL for a file outside its root. */
function fsUrl(file: string): string {
  return `/@fs${file.startsWith('/') ? '' : '/'}${file.split('\\').join('/')}`;
}

export async function serveUi(opts: ServeOptions, out: (s: string) => void): Promise<ViteDevServer> {
  const { createServer } = await import('vite');
  const user = opts.user ?? { workloads: [], scenarios: [] };
  const bundle: UserBundle = { workloads: user.workloads.map((w) => ({ url: fsUrl(w.file), arg: w.arg })), scenarios: user.scenarios };
  const server = await createServer({
    configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
    server: { port: opts.port, host: opts.host, strictPort: false, fs: { allow: [PACKAGE_ROOT, ...user.workloads.map((w) => dirname(w.file))] } },
    plugins: [userBundlePlugin(bundle)],
    logLevel: 'warn',
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0] ?? `http://${opts.host}:${opts.port}/`;
  out(`faultline UI: ${address}${opts.query === '' ? '' : `?${opts.query}`}\n  (Ctrl-C to stop)\n`);
  return server;
}
