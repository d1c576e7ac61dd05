// `faultline ui`: serves the browser UI and prints its address. By default it serves the
// production build (dist/ui, rebuilt first when the sources changed; see uiBuild.ts), so
// the first page load is one bundle, not a dev server transforming every module.
// `--dev` serves Vite's dev server instead (hot reload while working on ui/).
//
// Contract: with users' workload modules (--workload) or a scenario file outside the
// catalogue (--scenario FILE), the page gets them through one module
// (`virtual:faultline-user`, see ui/lib/userBundle.ts): modules as /@fs/ URLs the dev
// server may read (their folders are added to its allow list), scenario files as text.
// A build cannot know those at build time, so then the dev server serves the page.
import { dirname, join } from 'node:path';
import type { UserBundle } from '../ui/lib/userBundle.ts';
import { userBundlePlugin } from '../ui/lib/userBundlePlugin.ts';
import { PACKAGE_ROOT } from './catalog.ts';
import { serveUiBuild, type UiServer } from './uiBuild.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Query string for the printed address (scenario, seed). */
  query: string;
  /** Users' workload modules (absolute paths, with the argument that named them) and scenario files. */
  user?: { workloads: { file: string; arg: string }[]; scenarios: UserBundle['scenarios'] };
  /** Serve Vite's dev server rather than the production build. */
  dev?: boolean;
}

export type Served = UiServer;

/** The dev server's URL for a file outside its root. */
function fsUrl(file: string): string {
  return `/@fs${file.startsWith('/') ? '' : '/'}${file.split('\\').join('/')}`;
}

async function serveDev(opts: ServeOptions): Promise<Served> {
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
  return { url: server.resolvedUrls?.local[0] ?? `http://${opts.host}:${opts.port}/`, close: () => server.close() };
}

export async function serveUi(opts: ServeOptions, out: (s: string) => void): Promise<Served> {
  const hasUser = (opts.user?.workloads.length ?? 0) > 0 || (opts.user?.scenarios.length ?? 0) > 0;
  const served = opts.dev === true || hasUser ? await serveDev(opts) : await serveUiBuild({ host: opts.host, port: opts.port }, out);
  out(`faultline UI: ${served.url}${opts.query === '' ? '' : `?${opts.query}`}\n  (Ctrl-C to stop)\n`);
  return served;
}
