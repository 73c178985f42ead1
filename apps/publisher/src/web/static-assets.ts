import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Paths the app's own routes own: never looked up on disk. */
const RESERVED = ['/api', '/health', '/metrics', '/socket.io'];

export const LIGHTWEIGHT_CHARTS_PATH = '/vendor/lightweight-charts.js';

type Next = (error?: unknown) => void;

/**
 * Serves the dashboard (`apps/publisher/web/`, no build step) at `/` and the charting library at
 * {@link LIGHTWEIGHT_CHARTS_PATH}, without a token. Only GET/HEAD of files inside the web folder with a known type;
 * anything else falls through to the app's routes.
 */
export function staticAssets(webRoot: string, vendorFile: string) {
  const root = resolve(webRoot);
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = decodeSafely(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (pathname === undefined || RESERVED.some((p) => pathname === p || pathname.startsWith(`${p}/`)))
      return next();
    const file =
      pathname === LIGHTWEIGHT_CHARTS_PATH
        ? vendorFile
        : resolve(join(root, normalize(pathname === '/' ? '/index.html' : pathname)));
    if (file !== vendorFile && !file.startsWith(root + sep)) return next();
    const type = CONTENT_TYPES[extname(file)];
    if (type === undefined) return next();
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': type,
          'content-length': body.length,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => next(),
    );
  };
}

function decodeSafely(path: string): string | undefined {
  try {
    const decoded = decodeURIComponent(path);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

const CHARTS_FILE = 'lightweight-charts/dist/lightweight-charts.standalone.production.js';

/** The standalone build of lightweight-charts (its package exports no path to it, so node_modules is searched). */
export function lightweightChartsFile(): string {
  for (const dir of require.resolve.paths('lightweight-charts') ?? []) {
    const file = join(dir, CHARTS_FILE);
    if (existsSync(file)) return file;
  }
  throw new Error(`${CHARTS_FILE} not found in node_modules`);
}
