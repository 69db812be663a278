// One keep-alive HTTP/1.1 connection of the runner (node:net or node:tls, responses read by llhttp.ts):
// one request at a time, no pipelining. Every phase is
// timestamped where it happens: the first and the last byte of an answer at the entry of the socket's
// read callback, before any parsing, so nothing the runner does counts as the target's time.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  HAS_LOCATION,
  HAS_SET_COOKIE,
  type ResponseHandler,
  ResponseParser,
  splitHeaderText,
} from './llhttp.ts';

/** A request as the connection writes it, with what it hands back. */
export interface Exchange {
  /** The request head (request line, headers, blank line), then the body if any. */
  head: string;
  body: Buffer | string | null;
  headBytes: number;
  /** HEAD answers carry no body even when they announce a length. */
  isHead: boolean;
  startAt: number;
  sentAt: number;
  firstByteAt: number;
  endAt: number;
  status: number;
  statusText: string;
  /** The header lines as they came (latin1): split (splitHeaderText) and mapped only on demand. */
  headerText: string;
  /** Which of Set-Cookie and Location the answer has (llhttp.ts's HAS_* bits). */
  headerFlags: number;
  /** The body as it came, or null while none has (never filled when discardBody). */
  chunks: Buffer[] | null;
  bodyBytes: number;
  receivedBytes: number;
  discardBody: boolean;
  /** Called once: error null on a complete answer. */
  done(error: Error | null): void;
}

/** The connection ended before a complete answer (k6 reports an unexpected EOF, 1000). */
export class EarlyCloseError extends Error {
  readonly code = 'RUNNER_EOF';
  /** True when no byte of the answer had arrived: a reused connection the server had closed. */
  readonly beforeAnswer: boolean;
  constructor(beforeAnswer: boolean) {
    super('connection closed before the response was complete');
    this.beforeAnswer = beforeAnswer;
  }
}

export interface ConnectTiming {
  startedAt: number;
  tcpAt: number;
  readyAt: number;
}

/**
 * One header of an answer without splitting its header lines when the parser saw it is absent: the client
 * asks every answer for Set-Cookie and Location, and most answers have neither.
 */
export function answerHeader(
  headerText: string,
  headerFlags: number,
  lower: string,
): string | string[] | undefined {
  if (lower === 'set-cookie' && (headerFlags & HAS_SET_COOKIE) === 0) return undefined;
  if (lower === 'location' && (headerFlags & HAS_LOCATION) === 0) return undefined;
  return headerText === '' ? undefined : findHeader(splitHeaderText(headerText), lower);
}

/** Headers by lower-case name; a repeated header's values in an array, in order. */
export function headerMap(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const key = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[key] = [existing, value];
  }
  return headers;
}

/** One header (`lower`: its name in lower case) of raw names and values, without building the map. */
export function findHeader(raw: readonly string[], lower: string): string | string[] | undefined {
  let found: string | string[] | undefined;
  const first = lower.charCodeAt(0);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // Length and first letter (either case) before a lower-cased copy: most names differ there.
    if (name.length !== lower.length || (name.charCodeAt(0) | 0x20) !== first) continue;
    if (name.toLowerCase() !== lower) continue;
    const value = raw[i + 1] as string;
    if (found === undefined) found = value;
    else if (Array.isArray(found)) found.push(value);
    else found = [found, value];
  }
  return found;
}

/** The size of the buffer a plain-TCP connection reads into (net's `onread`): reused for every read. */
const READ_BUFFER_BYTES = 64 * 1024;

export class Connection implements ResponseHandler {
  readonly socket: Socket;
  readonly timing: ConnectTiming;
  /** Answers served so far: a closed reused connection may be retried, a fresh one may not. */
  served = 0;
  ready = false;
  closed = false;
  current: Exchange | null = null;
  private readonly parser = new ResponseParser(this);
  private readonly onReady: (connection: Connection, error: Error | null) => void;
  private readonly onFree: (connection: Connection) => void;
  private readonly onGone: (connection: Connection) => void;
  private dataAt = 0;
  /** Reads share one buffer (plain TCP): body chunks the answer keeps are copies. */
  private copyBody = false;

  constructor(
    url: URL,
    onReady: (connection: Connection, error: Error | null) => void,
    onFree: (connection: Connection) => void,
    onGone: (connection: Connection) => void,
  ) {
    this.onReady = onReady;
    this.onFree = onFree;
    this.onGone = onGone;
    const startedAt = performance.now();
    this.timing = { startedAt, tcpAt: 0, readyAt: 0 };
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (url.protocol === 'https:') {
      this.socket = tlsConnect({ host, port, servername: host, ALPNProtocols: ['http/1.1'] });
      this.socket.once('connect', () => {
        this.timing.tcpAt = performance.now();
      });
      this.socket.once('secureConnect', () => this.connected());
    } else {
      // net's `onread`: reads land in one reused buffer and reach read() directly, without the readable
      // stream's per-read Buffer and 'data' event (CPU per request, issue 13). Body bytes that are kept
      // are copied out (onResponseBody), since the buffer is overwritten by the next read.
      this.copyBody = true;
      this.socket = netConnect({
        host,
        port,
        onread: {
          buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
          callback: (bytes: number, buffer: Uint8Array) => {
            this.read(buffer as Buffer, bytes);
            return true;
          },
        },
      });
      this.socket.once('connect', () => {
        this.timing.tcpAt = performance.now();
        this.connected();
      });
    }
    this.socket.setNoDelay(true);
    if (!this.copyBody) this.socket.on('data', (chunk: Buffer) => this.read(chunk, chunk.length));
    this.socket.on('error', (error: Error) => this.fail(error));
    this.socket.on('close', () => this.fail(null));
  }

  onResponseHead(parser: ResponseParser): boolean {
    const ex = this.current;
    if (!ex) return true; // nothing asked for it: its body, if any, is skipped
    ex.status = parser.status;
    ex.statusText = parser.statusText;
    ex.headerText = parser.headerText;
    ex.headerFlags = parser.headerFlags;
    return ex.isHead;
  }

  onResponseBody(buffer: Buffer, start: number, end: number): void {
    const ex = this.current;
    if (!ex) return;
    ex.bodyBytes += end - start;
    if (ex.discardBody) return;
    const kept = this.copyBody
      ? Buffer.copyBytesFrom(buffer, start, end - start)
      : buffer.subarray(start, end);
    if (ex.chunks === null) ex.chunks = [kept];
    else ex.chunks.push(kept);
  }

  onResponseComplete(keepAlive: boolean): boolean {
    const ex = this.current;
    if (!ex) return !this.closed;
    ex.endAt = this.dataAt;
    this.current = null;
    this.served++;
    ex.done(null);
    if (!keepAlive) {
      this.destroy();
      return false;
    }
    this.onFree(this);
    return true;
  }

  private connected(): void {
    this.timing.readyAt = performance.now();
    if (!this.timing.tcpAt) this.timing.tcpAt = this.timing.readyAt;
    this.ready = true;
    this.onReady(this, null);
  }

  /** Writes one request; its answer (or error) reaches ex.done. */
  send(ex: Exchange): void {
    this.current = ex;
    ex.startAt = performance.now();
    const socket = this.socket;
    if (ex.body === null) socket.write(ex.head, 'latin1');
    else {
      socket.cork();
      socket.write(ex.head, 'latin1');
      socket.write(ex.body);
      socket.uncork();
    }
    ex.sentAt = performance.now();
  }

  private read(chunk: Buffer, bytes: number): void {
    const at = performance.now();
    this.dataAt = at;
    const ex = this.current;
    if (ex) {
      if (ex.firstByteAt === 0) ex.firstByteAt = at;
      ex.receivedBytes += bytes;
    }
    const result = this.parser.execute(chunk, 0, bytes);
    if (result !== null) {
      const error = new Error(`malformed HTTP response: ${result.message}`);
      this.fail(error);
      this.socket.destroy();
    }
  }

  private fail(error: Error | null): void {
    const wasReady = this.ready;
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.onGone(this);
    }
    const ex = this.current;
    if (ex) {
      // A body read until the connection closes ends here.
      if (error === null && ex.status !== 0 && this.parser.finish() && this.current === null) return;
      this.current = null;
      ex.done(error ?? new EarlyCloseError(ex.firstByteAt === 0));
    } else if (!wasReady && error) {
      this.onReady(this, error);
    }
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onGone(this);
  }
}
