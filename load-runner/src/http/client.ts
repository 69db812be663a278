// HTTP for the VUs: the runner's own keep-alive pools per origin (connection.ts on node:net/tls), one
// request per connection at a time, each phase timestamped so the timings split as k6 splits them
// (blocked, connecting, tls_handshaking, sending, waiting, receiving; duration = sending + waiting +
// receiving). undici was replaced for CPU per request (issue 13; bench/runner.ts measures it).
import { RemoteTargetRefusedError } from '../errors.ts';
import {
  answerHeader,
  Connection,
  type ConnectTiming,
  EarlyCloseError,
  type Exchange,
  headerMap,
} from './connection.ts';
import { classifyNetworkError, RequestTimeoutError } from './errors.ts';
import { splitHeaderText } from './llhttp.ts';

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
  /** Header names and values as they came on the wire (name, value, ...): split on first read. */
  readonly rawHeaders: readonly string[];
  /** By lower-case name: built on first read (most answers are never asked for theirs). */
  readonly headers: Record<string, string | string[] | undefined>;
  /** One header by its lower-case name, without splitting the header lines when it is known absent. */
  header(lower: string): string | string[] | undefined;
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

/** What a request got back: the header map is built only when something reads it. */
class WireResponse implements RawResponse {
  status = 0;
  statusText = '';
  /** The header lines as they came, and which of Set-Cookie and Location are among them. */
  headerText = '';
  headerFlags = 0;
  body: Buffer | null = null;
  timings: Timings;
  error = '';
  errorCode = 0;
  bytesSent = 0;
  bytesReceived = 0;
  private raw: readonly string[] | null = null;
  private map: Record<string, string | string[] | undefined> | null = null;
  constructor(timings: Timings) {
    this.timings = timings;
  }
  get rawHeaders(): readonly string[] {
    this.raw ??= splitHeaderText(this.headerText);
    return this.raw;
  }
  get headers(): Record<string, string | string[] | undefined> {
    this.map ??= headerMap(this.rawHeaders);
    return this.map;
  }
  header(lower: string): string | string[] | undefined {
    if (this.raw !== null) return this.headers[lower];
    return answerHeader(this.headerText, this.headerFlags, lower);
  }
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

/** A request in the pool: what the connection fills in, and how it ends. */
class PendingRequest implements Exchange {
  head: string;
  body: Buffer | string | null;
  headBytes: number;
  isHead: boolean;
  queuedAt = performance.now();
  startAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  endAt = 0;
  status = 0;
  statusText = '';
  headerText = '';
  headerFlags = 0;
  chunks: Buffer[] | null = null;
  bodyBytes = 0;
  receivedBytes = 0;
  discardBody: boolean;
  /** Set when the request had to wait for a new connection: its connect phases. */
  connect: ConnectTiming | null = null;
  connection: Connection | null = null;
  finished = false;
  deadline = 0;
  timeoutMs = 0;
  /** Retried once on a fresh connection when a reused one turned out closed (as Go's client does). */
  retried = false;
  readonly idempotent: boolean;
  readonly pool: OriginPool;
  private readonly resolve: (response: RawResponse) => void;

  constructor(
    pool: OriginPool,
    request: OutgoingRequest,
    head: string,
    headBytes: number,
    resolve: (response: RawResponse) => void,
  ) {
    this.pool = pool;
    this.head = head;
    this.headBytes = headBytes;
    this.body = request.body;
    this.isHead = request.method === 'HEAD';
    this.discardBody = request.discardBody;
    this.idempotent = IDEMPOTENT.has(request.method);
    this.resolve = resolve;
  }

  done(error: Error | null): void {
    if (this.finished) return;
    if (
      error instanceof EarlyCloseError &&
      error.beforeAnswer &&
      this.idempotent &&
      !this.retried &&
      (this.connection?.served ?? 0) > 0
    ) {
      this.retried = true;
      this.connection = null;
      this.startAt = 0;
      this.sentAt = 0;
      this.pool.dispatch(this, true);
      return;
    }
    this.finished = true;
    const end = this.endAt || performance.now();
    const bodyBytes = this.body === null ? 0 : Buffer.byteLength(this.body);
    if (error) {
      const classified = classifyNetworkError(error);
      const failed = new WireResponse({ ...ZERO_TIMINGS, duration: end - (this.startAt || this.queuedAt) });
      failed.error = classified.error;
      failed.errorCode = classified.errorCode;
      failed.bytesSent = this.sentAt ? this.headBytes + bodyBytes : 0;
      failed.bytesReceived = this.receivedBytes;
      this.resolve(failed);
      return;
    }
    const start = this.startAt || this.queuedAt;
    const sent = this.sentAt || start;
    const firstByte = Math.max(this.firstByteAt || end, sent);
    const wait = start - this.queuedAt;
    let connecting = 0;
    let tls = 0;
    if (this.connect) {
      connecting = Math.min(this.connect.tcpAt - this.connect.startedAt, wait);
      tls = Math.min(this.connect.readyAt - this.connect.tcpAt, wait - connecting);
    }
    const sending = sent - start;
    const waiting = firstByte - sent;
    const receiving = end - firstByte;
    const chunks = this.chunks;
    const answer = new WireResponse({
      blocked: Math.max(0, wait - connecting - tls),
      connecting,
      tls_handshaking: tls,
      sending,
      waiting,
      receiving,
      duration: sending + waiting + receiving,
    });
    answer.status = this.status;
    answer.statusText = this.statusText;
    answer.headerText = this.headerText;
    answer.headerFlags = this.headerFlags;
    if (!this.discardBody)
      answer.body =
        chunks === null
          ? Buffer.alloc(0)
          : chunks.length === 1
            ? (chunks[0] as Buffer)
            : Buffer.concat(chunks, this.bodyBytes);
    answer.bytesSent = this.headBytes + bodyBytes;
    answer.bytesReceived = this.receivedBytes;
    this.resolve(answer);
  }

  timeOut(): void {
    const error = new RequestTimeoutError(this.timeoutMs);
    const connection = this.connection;
    if (connection) {
      connection.current = null;
      connection.destroy();
    } else {
      this.pool.forget(this);
    }
    this.done(error);
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** The keep-alive connections to one origin: idle ones reused last-in first-out, a FIFO of waiters. */
class OriginPool {
  private readonly url: URL;
  private readonly limit: () => number;
  private readonly idle: Connection[] = [];
  private readonly waiting: PendingRequest[] = [];
  private readonly all = new Set<Connection>();
  /** Connections being opened, each for the waiter at the head of the queue when it is ready. */
  private opening = 0;

  constructor(url: URL, limit: () => number) {
    this.url = url;
    this.limit = limit;
  }

  dispatch(request: PendingRequest, fresh = false): void {
    if (!fresh) {
      const connection = this.idle.pop();
      if (connection) {
        this.assign(connection, request);
        return;
      }
    }
    this.waiting.push(request);
    if (this.all.size + this.opening < this.limit() || fresh) this.open();
  }

  forget(request: PendingRequest): void {
    const at = this.waiting.indexOf(request);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  /**
   * Times out what is past its deadline at `now`: the request on each connection and the ones waiting
   * for a connection. Scanning the connections (one request each) keeps no record per request: a
   * list of every request in flight held each for the 50 ms between scans, long enough to survive a
   * young-generation collection and be copied, at tens of thousands of requests a second.
   */
  expire(now: number): void {
    for (const connection of this.all) {
      const request = connection.current as PendingRequest | null;
      if (request !== null && request.deadline > 0 && request.deadline <= now) request.timeOut();
    }
    if (this.waiting.length === 0) return;
    for (const request of [...this.waiting]) {
      if (request.deadline > 0 && request.deadline <= now) request.timeOut();
    }
  }

  private assign(connection: Connection, request: PendingRequest): void {
    request.connection = connection;
    connection.send(request);
  }

  private open(): void {
    this.opening++;
    new Connection(
      this.url,
      (connection, error) => {
        this.opening--;
        if (error) {
          // The waiter this connection was opened for fails with the connect error.
          this.waiting.shift()?.done(error);
          return;
        }
        this.all.add(connection);
        const next = this.waiting.shift();
        if (next) {
          next.connect = connection.timing;
          this.assign(connection, next);
        } else this.idle.push(connection);
      },
      (connection) => {
        const next = this.waiting.shift();
        if (next) this.assign(connection, next);
        else this.idle.push(connection);
      },
      (connection) => {
        this.all.delete(connection);
        const at = this.idle.indexOf(connection);
        if (at >= 0) this.idle.splice(at, 1);
        if (this.waiting.length > this.opening && this.all.size + this.opening < this.limit()) this.open();
      },
    );
  }

  close(): void {
    for (const connection of [...this.all]) connection.destroy();
  }
}

/** What a request needs from its URL, and the head last built for it. */
interface UrlParts {
  origin: string;
  /** The pool of its origin, once a request was sent to it. */
  pool: OriginPool | null;
  path: string;
  host: string;
  last: { headers: object; method: string; built: { head: string; bytes: number } } | null;
}

export interface HttpClientOptions {
  allowRemoteTarget: boolean;
}

export class HttpClient {
  private readonly pools = new Map<string, OriginPool>();
  private connectionLimit = 1;
  private readonly allowRemote: boolean;
  /** One timer for every request's deadline (a timer per request costs CPU): it scans the pools. */
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly checkedHosts = new Map<string, boolean>();
  /** What each request needs from its URL, derived once per URL object (callers reuse parsed URLs). */
  private readonly urlParts = new WeakMap<URL, UrlParts>();
  /** Request heads by method, URL and (frozen, shared) header object: a repeated request builds no string. */
  private readonly heads = new WeakMap<object, Map<string, { head: string; bytes: number }>>();

  constructor(options: HttpClientOptions) {
    this.allowRemote = options.allowRemoteTarget;
  }

  /**
   * k6 gives each VU its own connections; the pool per origin gets as many as the test has VUs, so
   * a request never waits for a connection just because another VU holds one. Call before the first
   * request.
   */
  setConnectionLimit(limit: number): void {
    this.connectionLimit = Math.max(1, limit);
  }

  private watchDeadline(request: PendingRequest, timeoutMs: number): void {
    request.deadline = request.queuedAt + timeoutMs;
    this.deadlineTimer ??= setInterval(() => this.expire(), 50).unref();
  }

  /** Times out the requests past their deadline (to within 50 ms, finer than k6 needs). */
  private expire(): void {
    const now = performance.now();
    for (const pool of this.pools.values()) pool.expire(now);
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

  /** The request line and headers as written on the wire (Go's order: Host first, then the rest). */
  private headOf(request: OutgoingRequest, parts: UrlParts): { head: string; bytes: number } {
    const cacheable = request.body === null && Object.isFrozen(request.headers);
    // The last head built for this URL first: a script repeating one request builds no key string.
    const last = parts.last;
    if (cacheable && last !== null && last.headers === request.headers && last.method === request.method)
      return last.built;
    const key = `${request.method} ${parts.host}${parts.path}`;
    if (cacheable) {
      const hit = this.heads.get(request.headers)?.get(key);
      if (hit) {
        parts.last = { headers: request.headers, method: request.method, built: hit };
        return hit;
      }
    }
    let head = `${request.method} ${parts.path} HTTP/1.1\r\nHost: ${parts.host}\r\n`;
    let hasLength = false;
    for (const name in request.headers) {
      const value = request.headers[name] as string;
      if (name.toLowerCase() === 'content-length') hasLength = true;
      if (name.toLowerCase() === 'host') continue;
      head += `${name}: ${value}\r\n`;
    }
    const bodyBytes = request.body === null ? 0 : Buffer.byteLength(request.body);
    if (!hasLength && (bodyBytes > 0 || BODY_METHODS.has(request.method)))
      head += `Content-Length: ${bodyBytes}\r\n`;
    head += '\r\n';
    const built = { head, bytes: Buffer.byteLength(head, 'latin1') };
    if (cacheable) {
      let byKey = this.heads.get(request.headers);
      if (!byKey) {
        byKey = new Map();
        this.heads.set(request.headers, byKey);
      }
      if (byKey.size >= 1000) byKey.clear(); // unbounded URL sets just miss
      byKey.set(key, built);
      parts.last = { headers: request.headers, method: request.method, built };
    }
    return built;
  }

  send(request: OutgoingRequest): Promise<RawResponse> {
    const { url } = request;
    let parts = this.urlParts.get(url);
    if (!parts) {
      parts = { origin: url.origin, pool: null, path: url.pathname + url.search, host: url.host, last: null };
      this.urlParts.set(url, parts);
    }
    let pool = parts.pool;
    if (pool === null) {
      pool = this.pools.get(parts.origin) ?? null;
      if (pool === null) {
        pool = new OriginPool(url, () => this.connectionLimit);
        this.pools.set(parts.origin, pool);
      }
      parts.pool = pool;
    }
    const { head, bytes } = this.headOf(request, parts);
    const origin = pool;
    return new Promise<RawResponse>((resolve) => {
      const pending = new PendingRequest(origin, request, head, bytes, resolve);
      if (request.timeoutMs > 0) {
        pending.timeoutMs = request.timeoutMs;
        this.watchDeadline(pending, request.timeoutMs);
      }
      origin.dispatch(pending);
    });
  }

  /** Ends every connection now: by the end of a run no request is still wanted (interrupted ones may be). */
  async close(): Promise<void> {
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
    for (const pool of this.pools.values()) pool.close();
  }
}

/** Methods whose requests carry a length even when empty (as Go's client sends them). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
