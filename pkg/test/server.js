// A tiny static file server for the browser tests and the benchmark page: serves the package
// folder (pkg/), or the folders given, on http://localhost (a secure context in every browser,
// so getUserMedia and ImageCapture exist) with the MIME types a browser insists on
// (`application/wasm` for streaming compilation, `text/javascript` for modules). No way out of a
// served folder, nor into a node_modules folder below one.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder served by default: pkg/, so pages reach `/dist/…` and `/test/…`. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Starts the server on a free port of the loopback interface.
 *
 * `root`: the folder served at `/` (pkg/ by default); `mounts`: several, as `[urlPrefix, folder]`
 * pairs, each prefix ending in `/`: a path is served by the first pair whose prefix it starts
 * with, so list the longer prefixes first; `headers`: more headers for every file served.
 * @param {{ root?: string, mounts?: [string, string][], headers?: Record<string, string> }} [options]
 * @returns {Promise<{ origin: string, close: () => Promise<void> }>}
 */
export async function serve({ root = ROOT, mounts = [['/', root]], headers = {} } = {}) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (path === '/favicon.ico' || !mount) {
      response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const [prefix, folder] = mount;
    const rest = path.slice(prefix.length);
    const file = normalize(join(folder, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest));
    const inside = relative(folder, file);
    if (inside.startsWith('..') || inside.split(sep).includes('node_modules')) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
        ...headers,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
