// The live page's HTTP server on loopback: GET / is the page, GET /events the stream of frames
// (Server-Sent Events: one `frame` event a second, the newest frame at once to a page that connects
// late), GET /report.html the run's report once it is written. Anything else is problem+json.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from './frame.ts';
import { PAGE_HTML } from './page.ts';

export const REPORT_PATH = '/report.html';

export class DashboardPortError extends Error {
  readonly code = 'ERR_DASHBOARD_PORT';
  constructor(message: string) {
    super(message);
    this.name = 'DashboardPortError';
  }
}

export interface PageServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** Sends the frame to every open page and keeps it for pages that connect later. */
  publish(frame: Frame): void;
  /** From now on GET /report.html serves this file. */
  serveReport(file: string): void;
  /** Open pages (event streams) right now. */
  pages(): number;
  /** Resolves once no page has been open for `graceMs` (a reload or the report link is not a leave). */
  whenPagesClosed(graceMs: number, signal?: AbortSignal): Promise<void>;
  /** Tells the pages the command is leaving (so they do not retry a closed port), then closes. */
  close(): Promise<void>;
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(
    JSON.stringify({
      type: `https://paspor-lab.dev/problems/dashboard-${status === 404 ? 'not-found' : 'method'}`,
      title,
      status,
      detail,
    }),
  );
}

// A comment line now and then keeps a stream open through proxies and idle-connection timers once the
// run has ended and frames stop.
const KEEPALIVE_MS = 15_000;

export async function startPageServer(port: number): Promise<PageServer> {
  const streams = new Set<ServerResponse>();
  const changes = new Set<() => void>();
  let last: string | null = null;
  let reportFile: string | null = null;

  const changed = () => {
    for (const listener of changes) listener();
  };

  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    if (last) res.write(last);
    streams.add(res);
    changed();
    req.once('close', () => {
      streams.delete(res);
      changed();
    });
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      problem(res, 405, 'Method not allowed', `${req.method} ${path}: the live page only answers GET`);
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE_HTML);
    } else if (path === '/events') {
      events(req, res);
    } else if (path === REPORT_PATH && reportFile) {
      readFile(reportFile).then(
        (body) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body),
        (error: Error) => problem(res, 404, 'No report', `the report could not be read: ${error.message}`),
      );
    } else if (path === REPORT_PATH) {
      problem(res, 404, 'No report yet', 'the report is written when the run ends; this page links it then');
    } else {
      problem(res, 404, 'Not found', `${path}: the live page has /, /events and ${REPORT_PATH}`);
    }
  });
  const keepalive = setInterval(() => {
    for (const res of streams) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(keepalive);
      reject(
        error.code === 'EADDRINUSE'
          ? new DashboardPortError(
              `port ${port} is in use (k6's own web dashboard uses 5665 too): pass --dashboard 0 for a free port, or another port`,
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}/`,
    publish(frame) {
      last = `event: frame\ndata: ${JSON.stringify(frame)}\n\n`;
      for (const res of streams) res.write(last);
    },
    serveReport(file) {
      reportFile = file;
    },
    pages: () => streams.size,
    whenPagesClosed(graceMs, signal) {
      return new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          changes.delete(check);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        function check() {
          clearTimeout(timer);
          if (streams.size === 0) timer = setTimeout(done, graceMs);
        }
        if (signal?.aborted) return done();
        signal?.addEventListener('abort', done, { once: true });
        changes.add(check);
        check();
      });
    },
    close() {
      clearInterval(keepalive);
      for (const res of streams) res.end('event: bye\ndata: {}\n\n');
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A page mid-request must not hold the command: its connection is cut after a moment.
        setTimeout(() => server.closeAllConnections(), 500).unref();
      });
    },
  };
}
