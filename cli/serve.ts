// `faultline ui`: serves the browser UI with Vite's dev server and prints its address.
import type { ViteDevServer } from 'vite';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './catalog.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** Query string for the printed address (scenario, seed). */
  query: string;
}

export async function serveUi(opts: ServeOptions, out: (s: string) => void): Promise<ViteDevServer> {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
    server: { port: opts.port, host: opts.host, strictPort: false },
    logLevel: 'warn',
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0] ?? `http://${opts.host}:${opts.port}/`;
  out(`faultline UI: ${address}${opts.query === '' ? '' : `?${opts.query}`}\n  (Ctrl-C to stop)\n`);
  return server;
}
