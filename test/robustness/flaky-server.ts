// A real HTTP server on 127.0.0.1 (another origin than the page, with CORS) that serves one file
// and misbehaves on request: cuts the connection mid-body, answers 503 or 404.
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | 'cut' | 'unavailable' | 'missing';

export interface FlakyServer {
  /** URL of the file on this server. */
  url: string;
  /** Behaviours for the next GETs, in order; `fallback` once it is empty. */
  plan: Behaviour[];
  fallback: Behaviour;
  /** Every GET: when, which range was asked for, what was answered and how many body bytes went out. */
  log: Array<{ at: number; range?: string; ifRange?: string; ifNoneMatch?: string; behaviour: Behaviour; status: number; sent: number }>;
  close(): Promise<void>;
}

const CUT_AFTER_MS = 150;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Content-Range, Content-Length',
};

export async function startFlakyServer(body: Uint8Array, path = '/flaky.vcat'): Promise<FlakyServer> {
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
  const state = { plan: [] as Behaviour[], fallback: 'ok' as Behaviour, log: [] as FlakyServer['log'] };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      // Preflight for the non-safelisted If-Range / If-None-Match headers.
      res.writeHead(204, { ...CORS, 'access-control-allow-headers': 'Range, If-Range, If-None-Match', 'access-control-allow-methods': 'GET' }).end();
      return;
    }
    const behaviour = state.plan.shift() ?? state.fallback;
    const entry: FlakyServer['log'][number] = { at: Date.now(), behaviour, status: 0, sent: 0 };
    if (req.headers.range) entry.range = req.headers.range;
    if (typeof req.headers['if-range'] === 'string') entry.ifRange = req.headers['if-range'];
    if (typeof req.headers['if-none-match'] === 'string') entry.ifNoneMatch = req.headers['if-none-match'];
    state.log.push(entry);
    const answer = (status: number, headers: Record<string, string | number> = {}): ServerResponse => {
      entry.status = status;
      return res.writeHead(status, { ...CORS, 'cache-control': 'no-store', ...headers });
    };
    if (req.url !== path || behaviour === 'missing') return void answer(404).end();
    if (behaviour === 'unavailable') return void answer(503).end();
    if (behaviour === 'ok' && req.headers['if-none-match'] === etag && !req.headers.range) return void answer(304, { etag }).end();
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && (req.headers['if-range'] ?? etag) === etag ? Number(range[1]) : 0;
    const part = body.subarray(start);
    const headers = { etag, 'content-type': 'application/octet-stream', 'content-length': part.length };
    answer(start > 0 ? 206 : 200, start > 0 ? { ...headers, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : headers);
    if (behaviour === 'ok') {
      entry.sent = part.length;
      return void res.end(part);
    }
    // 'cut': half the promised bytes, then the connection closes. The pause lets the page read
    // them first: Chromium may discard bytes still buffered when the error arrives.
    const half = part.subarray(0, Math.ceil(part.length / 2));
    entry.sent = half.length;
    res.write(half, () => setTimeout(() => res.socket?.end(), CUT_AFTER_MS));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get plan() {
      return state.plan;
    },
    set plan(plan: Behaviour[]) {
      state.plan = plan;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(b: Behaviour) {
      state.fallback = b;
    },
    get log() {
      return state.log;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
