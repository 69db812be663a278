// The harness's control route: what a scenario may ask of the harness that started the stack (not of
// the API, so no deployment ever exposes it). Loopback only, behind a bearer token of its own, plain
// HTTP so that real k6 calls it too. The script gets CONTROL_URL and CONTROL_TOKEN in __ENV.
//   POST /restart-api {"signal"?: "SIGKILL" | "SIGTERM"}  kill the API, start it again, answer once it is
//                                                         ready: {signal, killedAt, readyAt, gapMs}
//   GET  /restarts                                        {restarts: [...], inProgress}
// Errors are application/problem+json.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBLEM_BASE, PROBLEM_CONTENT_TYPE } from '@paspor-lab/target-api/problem';

export interface Restart {
  signal: 'SIGKILL' | 'SIGTERM';
  killedAt: string;
  readyAt: string;
  gapMs: number;
}

export interface Restartable {
  restartApi(signal: NodeJS.Signals): Promise<void>;
}

export interface ControlOptions {
  /** The stack the run started; absent with --target: a restart is then refused (409). */
  stack?: Restartable;
  /** Called just before the kill (the harness reads the API's fault history while it still can). */
  beforeRestart?: () => Promise<void>;
  onRestart?: (restart: Restart) => void;
}

export interface ControlServer {
  url: string;
  token: string;
  restarts(): Restart[];
  close(): Promise<void>;
}

const SIGNALS = new Set(['SIGKILL', 'SIGTERM']);

function problem(res: ServerResponse, status: number, slug: string, detail: string): void {
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE });
  res.end(JSON.stringify({ type: `${PROBLEM_BASE}${slug}`, title: slug.replace(/-/g, ' '), status, detail }));
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new SyntaxError('the body is over 10 kB');
  }
  return text.trim() === '' ? {} : JSON.parse(text);
}

function authorised(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export async function startControl(options: ControlOptions): Promise<ControlServer> {
  const token = randomBytes(18).toString('base64url');
  const done: Restart[] = [];
  let inProgress = false;

  const restart = async (res: ServerResponse, body: unknown): Promise<void> => {
    const signal = (body as { signal?: unknown } | null)?.signal ?? 'SIGKILL';
    if (typeof signal !== 'string' || !SIGNALS.has(signal))
      return problem(res, 400, 'invalid-signal', 'signal must be "SIGKILL" or "SIGTERM"');
    if (!options.stack)
      return problem(
        res,
        409,
        'no-stack',
        'this run did not start the API (--target), so it cannot restart it',
      );
    if (inProgress) return problem(res, 409, 'restart-in-progress', 'the API is being restarted already');
    inProgress = true;
    try {
      await options.beforeRestart?.();
      const killed = Date.now();
      await options.stack.restartApi(signal as NodeJS.Signals);
      const ready = Date.now();
      const record: Restart = {
        signal: signal as Restart['signal'],
        killedAt: new Date(killed).toISOString(),
        readyAt: new Date(ready).toISOString(),
        gapMs: ready - killed,
      };
      done.push(record);
      options.onRestart?.(record);
      reply(res, record);
    } catch (error) {
      problem(res, 500, 'restart-failed', `the API did not come back: ${(error as Error).message}`);
    } finally {
      inProgress = false;
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (!authorised(req, token))
        return problem(res, 401, 'unauthorized', 'the control token is required (Bearer CONTROL_TOKEN)');
      const path = (req.url ?? '').split('?')[0];
      if (path === '/restarts' && req.method === 'GET') return reply(res, { restarts: done, inProgress });
      if (path === '/restart-api' && req.method === 'POST') {
        let body: unknown;
        try {
          body = await readJson(req);
        } catch (error) {
          return problem(res, 400, 'invalid-body', `the body is not JSON: ${(error as Error).message}`);
        }
        return restart(res, body);
      }
      return problem(
        res,
        404,
        'not-found',
        `no control route ${req.method} ${path}; see cli/src/harness/control.ts`,
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    restarts: () => [...done],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
