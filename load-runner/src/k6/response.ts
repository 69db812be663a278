// The `Response` object scripts get back from http.asyncRequest, shaped like k6's. The body is decoded
// and the header names canonicalised only when the script reads them.
import type { RawResponse, Timings } from '../http/client.ts';
import { type ResponseCookie, responseCookies } from '../http/cookies.ts';
import { decodeBody } from '../http/decode.ts';
import { get as select } from './selector.ts';

export type ResponseType = 'text' | 'binary' | 'none';

function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export class Response {
  readonly status: number;
  readonly proto: string;
  readonly url: string;
  readonly error: string;
  readonly error_code: number;
  readonly timings: Timings;
  readonly remote_ip: string;
  readonly remote_port: number;
  private readonly raw: RawResponse;
  private readonly responseType: ResponseType;
  private readonly method: string;
  private readonly requestHeaders: Readonly<Record<string, string>>;
  private readonly requestBody: string;
  private builtRequest: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  } | null = null;
  private decodedHeaders: Record<string, string> | null = null;
  private decodedBody: string | ArrayBuffer | null | undefined;

  /** `target` is the request's URL with what derives from it, computed once per URL by http.ts. */
  constructor(
    raw: RawResponse,
    target: { href: string; remoteIp: string; remotePort: number },
    method: string,
    requestHeaders: Readonly<Record<string, string>>,
    requestBody: string,
    responseType: ResponseType,
  ) {
    this.raw = raw;
    this.status = raw.status;
    this.proto = raw.status ? 'HTTP/1.1' : '';
    this.url = target.href;
    this.error = raw.error;
    this.error_code = raw.errorCode;
    this.timings = raw.timings;
    this.method = method;
    this.requestHeaders = requestHeaders;
    this.requestBody = requestBody;
    this.responseType = responseType;
    this.remote_ip = target.remoteIp;
    this.remote_port = target.remotePort;
  }

  // Built on access: most scripts never read them, and each would be a string or object per request.
  get status_text(): string {
    return this.raw.status ? `${this.raw.status} ${this.raw.statusText}` : '';
  }

  /** The cookies this response set (its Set-Cookie headers), by name, as k6's `res.cookies`. */
  get cookies(): Record<string, ResponseCookie[]> {
    return responseCookies(new URL(this.url), this.raw.headers['set-cookie'], Date.now());
  }

  get request(): { method: string; url: string; headers: Record<string, string>; body: string } {
    this.builtRequest ??= {
      method: this.method,
      url: this.url,
      headers: { ...this.requestHeaders },
      body: this.requestBody,
    };
    return this.builtRequest;
  }

  get headers(): Record<string, string> {
    if (!this.decodedHeaders) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(this.raw.headers)) {
        if (value === undefined) continue;
        out[canonicalHeaderName(name)] = Array.isArray(value) ? value.join(', ') : value;
      }
      this.decodedHeaders = out;
    }
    return this.decodedHeaders;
  }

  get body(): string | ArrayBuffer | null {
    if (this.decodedBody === undefined) {
      const wire = this.raw.body;
      const raw = wire === null ? null : decodeBody(wire, this.raw.headers['content-encoding']);
      if (raw === null || this.responseType === 'none') this.decodedBody = null;
      else if (this.responseType === 'binary') {
        this.decodedBody = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
      } else this.decodedBody = raw.toString('utf8');
    }
    return this.decodedBody;
  }

  json(selector?: string): unknown {
    const body = this.body;
    if (typeof body !== 'string') throw new Error('the response has no text body to parse as JSON');
    const parsed: unknown = JSON.parse(body);
    return selector ? select(parsed, selector) : parsed;
  }
}
