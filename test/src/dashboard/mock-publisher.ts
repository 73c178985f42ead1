// THROWAWAY: a protocol-only stand-in for the publisher, used while the real one is being built. Not a test subject.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { extname, join, normalize } from 'node:path';
import { Server } from 'socket.io';
import { REPO_ROOT } from '../stage-process';

export interface MockRow {
  eventId: string;
  symbol: string;
  eventTimeUs: string;
  price: number;
  probability: number;
  predictedLabel: 0 | 1;
  modelVersion: string;
  backend: string;
  realizedReturn: number | null;
  actualLabel: 0 | 1 | null;
  silverVersion: string;
  resolvedAt: string | null;
}

const WEB = join(REPO_ROOT, 'apps/publisher/web');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export class MockPublisher {
  private readonly versions: { rows: MockRow[]; timestamp: string }[] = [
    { rows: [], timestamp: new Date().toISOString() },
  ];
  private readonly seq = new Map<string, number>();
  private readonly http = createServer((req, res) => void this.handle(req, res));
  private readonly io = new Server(this.http, { path: '/socket.io' });
  port = 0;

  constructor(private readonly token: string) {
    this.io.of('/signals').use((socket, next) => {
      const given = (socket.handshake.auth as { token?: unknown }).token;
      if (given === this.token) return next();
      const error = new Error('unauthorized') as Error & { data: unknown };
      error.data = { code: given ? 'AUTH_INVALID' : 'AUTH_MISSING', reason: 'bad token' };
      next(error);
    });
    this.io.of('/signals').on('connection', (socket) => {
      socket.on('subscribe', (_payload: unknown, ack?: (a: unknown) => void) => {
        void socket.join('all');
        ack?.({ ok: true, rooms: ['all'], runId: 'mock' });
      });
    });
  }

  async start(): Promise<string> {
    this.http.listen(0, '127.0.0.1');
    await once(this.http, 'listening');
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.port = address.port;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.io.close();
  }

  /** Commits a new Gold version with these rows upserted. */
  commit(rows: MockRow[]): number {
    const latest = new Map(this.latest().map((r) => [r.eventId, r]));
    for (const row of rows) latest.set(row.eventId, row);
    this.versions.push({ rows: [...latest.values()], timestamp: new Date().toISOString() });
    return this.versions.length - 1;
  }

  emitPrediction(row: MockRow): void {
    const seq = (this.seq.get(row.symbol) ?? 0) + 1;
    this.seq.set(row.symbol, seq);
    this.io
      .of('/signals')
      .to('all')
      .emit('prediction', { seq, ...row, threshold: 0.5, publishedAt: new Date().toISOString() });
  }

  emitDrift(): void {
    this.io
      .of('/signals')
      .emit('drift', { modelVersion: 'm1', windowN: 50, mcc: 0.01, baselineMcc: 0.05, since: '' });
  }

  private latest(): MockRow[] {
    return this.versions[this.versions.length - 1]!.rows;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/api/')) return this.api(req, url, res);
    let file: string;
    if (url.pathname === '/') file = join(WEB, 'index.html');
    else if (url.pathname === '/vendor/lightweight-charts.js')
      file = join(
        REPO_ROOT,
        'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js',
      );
    else file = join(WEB, normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  }

  private api(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const json = (status: number, body: unknown) =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return json(401, { code: 'AUTH_INVALID', reason: 'bad' });
    const version = url.searchParams.get('version');
    const v = version === null ? this.versions.length - 1 : Number(version);
    const symbol = url.searchParams.get('symbol');
    switch (url.pathname) {
      case '/api/signals/latest': {
        const bySymbol = new Map(this.latest().map((r) => [r.symbol, r]));
        return json(200, [...bySymbol.values()]);
      }
      case '/api/gold/predictions': {
        const rows = (this.versions[v]?.rows ?? []).filter((r) => !symbol || r.symbol === symbol);
        return json(200, { rows, nextCursor: null, tableVersion: v });
      }
      case '/api/gold/accuracy':
        return json(200, { rows: [], tableVersion: 0 });
      case '/api/gold/bars':
        return json(200, { rows: [], nextCursor: null, tableVersion: 0 });
      case '/api/tables/gold.predictions/history':
        return json(
          200,
          this.versions.map((x, i) => ({ version: i, timestamp: x.timestamp, operation: 'MERGE' })).reverse(),
        );
      default:
        return json(404, { code: 'NOT_FOUND', reason: url.pathname });
    }
  }
}
