// HTTP/1.1 by hand over node:net, for tests that need what an HTTP client hides: bytes no client would
// send, one keep-alive connection held open on purpose, and the moment the server closes it.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/**
 * One client connection. `send` writes a request and resolves with its answer (bodies framed by
 * Content-Length, as this project's services frame theirs); `closed` resolves with the time
 * (performance.now()) the server ended the connection.
 */
export class RawConnection {
  readonly socket: Socket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  #buffer = Buffer.alloc(0);
  #waiting: { resolve: (answer: RawAnswer) => void; reject: (error: Error) => void } | undefined;
  #ended = false;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = connect({ host, port });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      const done = () => resolve(performance.now());
      this.socket.once('end', done);
      this.socket.once('close', done);
    });
    // Errors after connecting (a reset) fail the request waiting, if any.
    this.socket.on('error', (error) => this.#waiting?.reject(error));
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#tryAnswer();
    });
    this.socket.on('end', () => {
      this.#ended = true;
      this.#tryAnswer();
    });
    this.socket.on('close', () => {
      this.#waiting?.reject(new Error('the server closed the connection without an answer'));
    });
  }

  #tryAnswer(): void {
    if (!this.#waiting) return;
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const { status, headers } = parseHead(this.#buffer.subarray(0, end).toString('latin1'));
    const length = headers['content-length'];
    const bodyStart = end + 4;
    const bodyEnd =
      length === undefined ? (this.#ended ? this.#buffer.length : -1) : bodyStart + Number(length);
    if (bodyEnd < 0 || this.#buffer.length < bodyEnd) return;
    const body = this.#buffer.subarray(bodyStart, bodyEnd).toString('utf8');
    this.#buffer = this.#buffer.subarray(bodyEnd);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve({ status, headers, body });
  }

  /** Writes `bytes` (a whole request) and resolves with the answer. One request at a time. */
  send(bytes: string | Buffer): Promise<RawAnswer> {
    if (this.#waiting) throw new Error('one request at a time on a RawConnection');
    const answer = new Promise<RawAnswer>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
    this.socket.write(bytes);
    this.#tryAnswer();
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A GET request's bytes (keep-alive, HTTP/1.1's default). */
export function rawGet(path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
