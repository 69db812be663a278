// HTTP for the VUs: undici keep-alive pools, one dispatch per request with a handler that timestamps
// each phase, so the timings split as k6 splits them (blocked, connecting, tls_handshaking, sending,
// waiting, receiving; duration = sending + waiting + receiving).
import { Agent, type Dispatcher } from 'undici';
import { RemoteTargetRefusedError } from '../errors.ts';
import { classifyNetworkError, RequestTimeoutError } from './errors.ts';
import { TimedConnector } from './timed-connector.ts';

export interface Timings {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | null;
  timings: Timings;
  error: string;
  errorCode: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer | null;
  timeoutMs: number;
  discardBody: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (host.startsWith('::ffff:')) return isLoopbackHost(host.slice(7));
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const ZERO_TIMINGS: Timings = {
  blocked: 0,
  connecting: 0,
  tls_handshaking: 0,
  sending: 0,
  waiting: 0,
  receiving: 0,
  duration: 0,
};

/**
 * Responses whose end was timestamped in this turn of the event loop, handed to their iterations
 * together afterwards. Resolving at once would run that iteration's continuation (metrics, the next
 * request) before the next socket's read callback of the same poll phase, so a burst of answers that
 * arrived together would be timestamped one continuation apart: the k-th answer of a burst late by
 * k-1 iterations' work. Deferred to setImmediate (the check phase, right after the poll phase), every
 * answer of the burst is timestamped first. (Found by the latency test, see latency.timing.test.ts.)
 */
const settled: Array<{ resolve: (response: RawResponse) => void; response: RawResponse }> = [];
const DEFER = process.env.RUNNER_NO_DEFER !== '1';
function flushSettled(): void {
  for (let i = 0; i < settled.length; i++) {
    const s = settled[i] as (typeof settled)[number];
    s.resolve(s.response);
  }
  settled.length = 0;
}
function settle(resolve: (response: RawResponse) => void, response: RawResponse): void {
  if (!DEFER) {
    resolve(response);
    return;
  }
  if (settled.push({ resolve, response }) === 1) setImmediate(flushSettled);
}

/** Shared until a body chunk arrives: a discarded or empty body allocates no array. */
const EMPTY_CHUNKS: Buffer[] = [];

class TimedHandler implements Dispatcher.DispatchHandler {
  queuedAt = performance.now();
  startAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  status = 0;
  statusText = '';
  headers: Record<string, string | string[] | undefined> = {};
  chunks: Buffer[] = EMPTY_CHUNKS;
  received = 0;
  headerBytes = 0;
  controller: Dispatcher.DispatchController | null = null;
  finished = false;
  deadline = 0;
  timeoutMs = 0;
  private readonly discard: boolean;
  private readonly url: URL;
  private readonly bytesSent: number;
  private readonly connector: TimedConnector;
  private readonly resolve: (response: RawResponse) => void;

  constructor(
    discard: boolean,
    url: URL,
    bytesSent: number,
    connector: TimedConnector,
    resolve: (response: RawResponse) => void,
  ) {
    this.discard = discard;
    this.url = url;
    this.bytesSent = bytesSent;
    this.connector = connector;
    this.resolve = resolve;
  }

  /** A timeout and undici's own error callback can both report the end: the first one wins. */
  private done(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    const end = performance.now();
    if (error) {
      const classified = classifyNetworkError(error);
      settle(this.resolve, {
        status: 0,
        statusText: '',
        headers: {},
        body: null,
        timings: { ...ZERO_TIMINGS, duration: end - (this.startAt || this.queuedAt) },
        error: classified.error,
        errorCode: classified.errorCode,
        bytesSent: this.sentAt ? this.bytesSent : 0,
        bytesReceived: this.received + this.headerBytes,
      });
      return;
    }
    const start = this.startAt || this.queuedAt;
    const sent = this.sentAt || start;
    const firstByte = Math.max(this.firstByteAt || end, sent);
    const wait = start - this.queuedAt;
    // Only a request that waited while a connection was being made can have connecting time: on a
    // warm keep-alive pool nothing is pending and no key is built.
    let connecting = 0;
    let tls = 0;
    if (this.connector.pending > 0) {
      const url = this.url;
      const connect = this.connector.claim(
        `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`,
        this.queuedAt,
      );
      if (connect) {
        connecting = Math.min(connect.connectingMs, wait);
        tls = Math.min(connect.tlsMs, wait - connecting);
      }
    }
    const sending = sent - start;
    const waiting = firstByte - sent;
    const receiving = end - firstByte;
    const chunks = this.chunks;
    settle(this.resolve, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      body: this.discard
        ? null
        : chunks.length === 1
          ? (chunks[0] as Buffer)
          : Buffer.concat(chunks, this.received),
      timings: {
        blocked: Math.max(0, wait - connecting - tls),
        connecting,
        tls_handshaking: tls,
        sending,
        waiting,
        receiving,
        duration: sending + waiting + receiving,
      },
      error: '',
      errorCode: 0,
      bytesSent: this.bytesSent,
      bytesReceived: this.received + this.headerBytes,
    });
  }

  timeOut(): void {
    const timeout = new RequestTimeoutError(this.timeoutMs);
    if (this.controller) this.controller.abort(timeout);
    else this.onResponseError(null as unknown as Dispatcher.DispatchController, timeout);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.startAt = performance.now();
    if (this.finished) controller.abort(new Error('request already timed out'));
  }
  onRequestSent(): void {
    this.sentAt = performance.now();
  }
  onResponseStarted(): void {
    this.firstByteAt = performance.now();
  }
  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (this.firstByteAt === 0) this.firstByteAt = performance.now();
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = headers;
    const raw = controller.rawHeaders;
    // Status line + each "name: value\r\n" + the blank line, as it came over the wire.
    let bytes = 15 + this.statusText.length;
    if (Array.isArray(raw)) for (const part of raw) bytes += part.length + 2;
    this.headerBytes = bytes + 2;
  }
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    if (this.discard) return;
    if (this.chunks === EMPTY_CHUNKS) this.chunks = [chunk];
    else this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    this.done(null);
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.done(error);
  }
}

export interface HttpClientOptions {
  allowRemoteTarget: boolean;
}

export class HttpClient {
  private readonly connector = new TimedConnector();
  private agentInstance: Agent | null = null;
  private connectionLimit: number | null = null;
  private readonly allowRemote: boolean;
  /** Requests in flight by timeout, oldest first: one timer for all (a timer per request costs CPU). */
  private readonly deadlines = new Map<number, TimedHandler[]>();
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly checkedHosts = new Map<string, boolean>();
  /** What each request needs from its URL, derived once per URL object (callers reuse parsed URLs). */
  private readonly urlParts = new WeakMap<URL, { origin: string; path: string; lineBytes: number }>();

  constructor(options: HttpClientOptions) {
    this.allowRemote = options.allowRemoteTarget;
  }

  /**
   * k6 gives each VU its own connections; the pool per origin gets as many as the test has VUs, so
   * a request never opens a fresh connection just because the previous one is still being released.
   * Call before the first request.
   */
  setConnectionLimit(limit: number): void {
    this.connectionLimit = Math.max(1, limit);
  }

  private get agent(): Agent {
    // One keep-alive pool per origin, no pipelining. Timeouts are the request's own (params.timeout).
    this.agentInstance ??= new Agent({
      connect: this.connector.connect,
      pipelining: 1,
      connections: this.connectionLimit,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.agentInstance;
  }

  private watchDeadline(handler: TimedHandler, timeoutMs: number): void {
    handler.deadline = performance.now() + timeoutMs;
    let queue = this.deadlines.get(timeoutMs);
    if (!queue) {
      queue = [];
      this.deadlines.set(timeoutMs, queue);
    }
    queue.push(handler);
    this.deadlineTimer ??= setInterval(() => this.expire(), 50).unref();
  }

  /** Times out the requests past their deadline (to within 50 ms, finer than k6 needs). */
  private expire(): void {
    const now = performance.now();
    for (const queue of this.deadlines.values()) {
      let drop = 0;
      while (drop < queue.length) {
        const handler = queue[drop] as TimedHandler;
        if (!handler.finished && handler.deadline > now) break;
        if (!handler.finished) handler.timeOut();
        drop++;
      }
      if (drop > 0) queue.splice(0, drop);
    }
  }

  /** Throws RemoteTargetRefusedError for hosts outside loopback unless allowed. */
  assertAllowed(url: URL): void {
    if (this.allowRemote) return;
    const host = url.hostname;
    let ok = this.checkedHosts.get(host);
    if (ok === undefined) {
      ok = isLoopbackHost(host);
      this.checkedHosts.set(host, ok);
    }
    if (!ok) throw new RemoteTargetRefusedError(host);
  }

  send(request: OutgoingRequest): Promise<RawResponse> {
    const { url } = request;
    let parts = this.urlParts.get(url);
    if (!parts) {
      const path = url.pathname + url.search;
      // Request line without the method ("<path> HTTP/1.1\r\n", 13 with its spaces) + "Host: ...\r\n".
      parts = { origin: url.origin, path, lineBytes: path.length + 13 + url.host.length + 8 };
      this.urlParts.set(url, parts);
    }
    const bodyBytes = request.body === null ? 0 : Buffer.byteLength(request.body);
    let headerBytes = request.method.length + parts.lineBytes;
    for (const name in request.headers) {
      headerBytes += name.length + (request.headers[name] as string).length + 4;
    }
    const bytesSent = headerBytes + 2 + bodyBytes + (bodyBytes > 0 ? 20 + String(bodyBytes).length : 0);
    return new Promise<RawResponse>((resolve) => {
      const handler = new TimedHandler(request.discardBody, url, bytesSent, this.connector, resolve);
      if (request.timeoutMs > 0) {
        handler.timeoutMs = request.timeoutMs;
        this.watchDeadline(handler, request.timeoutMs);
      }
      try {
        this.agent.dispatch(
          {
            origin: parts.origin,
            path: parts.path,
            method: request.method as Dispatcher.HttpMethod,
            headers: request.headers,
            body: request.body,
          },
          handler,
        );
      } catch (error) {
        handler.onResponseError(null as unknown as Dispatcher.DispatchController, error as Error);
      }
    });
  }

  /** Ends every connection now: by the end of a run no request is still wanted (interrupted ones may be). */
  async close(): Promise<void> {
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
    if (this.agentInstance) await this.agentInstance.destroy();
  }
}
