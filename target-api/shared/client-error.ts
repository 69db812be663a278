// Requests Node's HTTP parser refuses before Fastify sees them (a duplicate Content-Length, Content-Length
// with Transfer-Encoding, a bad chunk size, a byte not allowed in the path, headers too large): answered
// as application/problem+json, like every other refusal, instead of Fastify's plain JSON. There is no
// request object yet, so the answer is written to the socket by hand and the connection closed: after a
// framing error nothing else on it can be trusted.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_BASE, PROBLEM_CONTENT_TYPE, type ProblemBody } from './problem.ts';

interface ParserError extends Error {
  code?: string;
  /** llhttp's own words, e.g. "Duplicate Content-Length". */
  reason?: string;
}

/** The problem for a parser error: 431 for oversized headers, 408 for a request too slow, else 400. */
export function clientErrorProblem(error: ParserError, traceId: string): ProblemBody {
  const reason = error.reason ?? error.message;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: `${PROBLEM_BASE}headers-too-large`,
      title: 'Request headers too large',
      status: 431,
      detail: 'the request headers exceed the server limit; send fewer or shorter headers',
      traceId,
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      type: `${PROBLEM_BASE}request-timeout`,
      title: 'Request timeout',
      status: 408,
      detail: 'the request was not received in time',
      traceId,
    };
  }
  return {
    type: `${PROBLEM_BASE}malformed-http`,
    title: 'Malformed HTTP request',
    status: 400,
    detail: `the request is not valid HTTP/1.1: ${reason}${error.code ? ` (${error.code})` : ''}`,
    traceId,
  };
}

/** The raw HTTP/1.1 response carrying `problem`, closing the connection. */
export function rawProblemResponse(problem: ProblemBody): string {
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * A Fastify `clientErrorHandler`. `log` gets one debug line (a parser error is the client's fault, and
 * a hostile client must not be able to fill the logs at warn level).
 */
export function problemClientErrorHandler(log: {
  debug(object: object, message: string): void;
}): (error: ParserError, socket: Duplex) => void {
  return (error, socket) => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const traceId = randomBytes(16).toString('hex');
    log.debug({ err: error, traceId }, 'malformed HTTP request refused');
    // A response already started on this socket (keep-alive) cannot be followed by a second status line.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      socket.end(rawProblemResponse(clientErrorProblem(error, traceId)));
      // A client that never reads must not keep the socket: end() waits for the write to drain.
      setTimeout(() => socket.destroy(), 5_000).unref();
    } else {
      socket.destroy();
    }
  };
}
