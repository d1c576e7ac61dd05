// `faultline ui`: serves the browser UI and prints its address. By default it serves the
// production build (dist/ui, rebuilt first when the sources changed; see uiBuild.ts), so
// the first page load is one bundle, not a dev server transforming every module;
// `--dev` serves Vite's dev server instead (hot reload while working on ui/).
import { join } from 'node:path';
import { PACKAGE_ROOT } from './catalog.ts';
import { serveUiBuild } from './uiBuild.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Query string for the printed address (scenario, seed). */
  query: string;
  dev?: boolean;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

async function serveDev(opts: ServeOptions): Promise<Served> {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
    server: { port: opts.port, host: opts.host, strictPort: false },
    logLevel: 'warn',
  });
  await server.listen();
  return { url: server.resolvedUrls?.local[0] ?? `http://${opts.host}:${opts.port}/`, close: () => server.close() };
}

export async function serveUi(opts: ServeOptions, out: (s: string) => void): Promise<Served> {
  const served = opts.dev === true ? await serveDev(opts) : await serveUiBuild({ host: opts.host, port: opts.port }, out);
  out(`faultline UI: ${served.url}${opts.query === '' ? '' : `?${opts.query}`}\n  (Ctrl-C to stop)\n`);
  return served;
}
