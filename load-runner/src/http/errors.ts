// Network errors as k6 reports them: status 0, an `error` message and a numeric `error_code`
// (k6's documented error-code ranges: 1000 generic, 1050 request timeout, 11xx DNS, 12xx TCP, 13xx TLS).

export interface K6NetworkError {
  error: string;
  errorCode: number;
}

export class RequestTimeoutError extends Error {
  constructor(ms: number) {
    super(`request timeout after ${ms / 1000}s`);
    this.name = 'RequestTimeoutError';
  }
}

export function classifyNetworkError(error: unknown): K6NetworkError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? err?.code ?? '';
  const message = err?.message ?? String(error);
  if (error instanceof RequestTimeoutError) return { error: message, errorCode: 1050 };
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { error: 'request timeout', errorCode: 1050 };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { error: `dial: i/o timeout`, errorCode: 1211 };
    case 'ECONNREFUSED':
      return { error: `dial: connection refused`, errorCode: 1212 };
    case 'ECONNRESET':
      return { error: `read: connection reset by peer`, errorCode: 1220 };
    case 'EPIPE':
      return { error: `write: broken pipe`, errorCode: 1201 };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { error: `lookup: no such host`, errorCode: 1101 };
    case 'UND_ERR_SOCKET':
    case 'RUNNER_EOF':
      return { error: `unexpected EOF: ${message}`, errorCode: 1000 };
    case 'ERR_INVALID_URL':
      return { error: message, errorCode: 1020 };
    default:
      if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|tls/i.test(message)) {
        return { error: message, errorCode: 1300 };
      }
      return { error: message, errorCode: 1000 };
  }
}
