// Small real HTTP servers on 127.0.0.1 for the security specs (other origins than the page):
// - startCatalogServer: one catalog file, with or without CORS, optionally stalling mid-body
//   (headers and half the bytes, then silence with the connection held open);
// - startStaticServer: files from a folder with fixed response headers (a strict CSP).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

export interface CatalogServer {
  url: string;
  /** Behaviour of the next GETs in order; 'ok' once empty. */
  plan: Array<'ok' | 'stall'>;
  /** Send Access-Control-Allow-Origin (default true). */
  cors: boolean;
  /** Answer a matching If-None-Match with 304 (default false: always the body). */
  conditional: boolean;
  /** The file served; may be swapped (the shop publishes another catalog at the same URL). */
  body: Uint8Array;
  log: Array<{ method: string; range?: string; behaviour: string; status: number; sent: number }>;
  close(): Promise<void>;
}

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const closer = (server: Server) => (): Promise<void> =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function startCatalogServer(body: Uint8Array, path = '/shop-cdn.vcat'): Promise<CatalogServer> {
  const state: Omit<CatalogServer, 'url' | 'close'> = { plan: [], cors: true, conditional: false, log: [], body };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cors: Record<string, string> = state.cors
      ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, Content-Range, Content-Length' }
      : {};
    const entry = { method: req.method ?? '', behaviour: 'ok', status: 0, sent: 0 } as CatalogServer['log'][number];
    if (req.headers.range) entry.range = req.headers.range;
    state.log.push(entry);
    if (req.method === 'OPTIONS') {
      entry.status = 204;
      res
        .writeHead(204, state.cors ? { ...cors, 'access-control-allow-headers': 'Range, If-Range, If-None-Match', 'access-control-allow-methods': 'GET' } : {})
        .end();
      return;
    }
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) return void res.writeHead((entry.status = 404), cors).end();
    const behaviour = state.plan.shift() ?? 'ok';
    const body = state.body;
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    entry.behaviour = behaviour;
    if (state.conditional && req.headers['if-none-match'] === etag) return void res.writeHead((entry.status = 304), { ...cors, etag }).end();
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && req.headers['if-range'] === etag ? Number(range[1]) : 0;
    const part = body.subarray(start);
    const headers = { ...cors, etag, 'cache-control': 'no-store', 'content-type': 'application/octet-stream', 'content-length': String(part.length) };
    entry.status = start > 0 ? 206 : 200;
    res.writeHead(entry.status, start > 0 ? { ...headers, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : headers);
    if (behaviour === 'ok') {
      entry.sent = part.length;
      return void res.end(part);
    }
    // 'stall': half the bytes, then nothing; the socket stays open until the client gives up.
    const half = part.subarray(0, Math.ceil(part.length / 2));
    entry.sent = half.length;
    res.write(half);
  });
  const port = await listen(server);
  return Object.assign(state, { url: `http://127.0.0.1:${port}${path}`, close: closer(server) });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.vcat': 'application/octet-stream',
  '.css': 'text/css',
};

export interface StaticServer {
  origin: string;
  /** Paths requested, in order. */
  log: string[];
  /** Bodies POSTed to /csp-report (the CSP's report-uri): violations in the page and in workers. */
  reports: string[];
  close(): Promise<void>;
}

/** Serves `routes` (URL prefix → folder) with `headers` on every answer. */
export async function startStaticServer(routes: Record<string, string>, headers: Record<string, string>): Promise<StaticServer> {
  const log: string[] = [];
  const reports: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    log.push(path);
    if (req.method === 'POST' && path === '/csp-report') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (reports.push(Buffer.concat(chunks).toString('utf8')), res.writeHead(204).end()));
      return;
    }
    const prefix = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((p) => path.startsWith(p));
    const file = prefix === undefined ? undefined : normalize(join(routes[prefix]!, path.slice(prefix.length)));
    if (!file || !file.startsWith(normalize(routes[prefix!]!)) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404, headers).end();
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, log, reports, close: closer(server) };
}
