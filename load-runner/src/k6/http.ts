// `k6/http` for the embedded runner. Only the asynchronous request API is provided; the synchronous
// calls block a k6 VU and cannot exist on a shared event loop, so they are refused with the replacement.

import { parseDuration } from '../duration.ts';
import { IterationInterruptedError, SyncApiRefusedError } from '../errors.ts';
import type { RawResponse } from '../http/client.ts';
import { Series, type Tags } from '../metrics/registry.ts';
import { activeRuntime, type ResponseCallback, type Runtime } from '../runtime.ts';
import { Response, type ResponseType } from './response.ts';

export { Response };

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: ResponseType;
  responseCallback?: ResponseCallback | null;
}

/** What `http.url` returns: a URL plus the template as the `name` tag, to keep URL tags bounded. */
export class HttpURL {
  readonly url: string;
  readonly name: string;
  constructor(url: string, name: string) {
    this.url = url;
    this.name = name;
  }
  toString(): string {
    return this.url;
  }
}

export function url(strings: TemplateStringsArray, ...values: unknown[]): HttpURL {
  let full = '';
  let name = '';
  strings.forEach((part, i) => {
    full += part;
    name += part;
    if (i < values.length) {
      full += String(values[i]);
      name += `\${}`;
    }
  });
  return new HttpURL(full, name);
}

const defaultExpected: ResponseCallback = (r) => r.status >= 200 && r.status < 400;

export function expectedStatuses(
  ...expected: Array<number | { min: number; max: number }>
): ResponseCallback {
  for (const e of expected) {
    if (typeof e !== 'number' && (typeof e?.min !== 'number' || typeof e?.max !== 'number')) {
      throw new Error('expectedStatuses: pass status numbers or { min, max } ranges');
    }
  }
  return (r) =>
    expected.some((e) => (typeof e === 'number' ? r.status === e : r.status >= e.min && r.status <= e.max));
}

export function setResponseCallback(callback: ResponseCallback | null): void {
  activeRuntime().responseCallback = callback;
}

function encodeBody(body: unknown, headers: Record<string, string>): string | Buffer | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object') {
    // k6 sends a plain object as a urlencoded form.
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return String(body);
}

/** A parsed URL and what each request and Response derive from it, computed once per URL text. */
export interface Target {
  url: URL;
  href: string;
  remoteIp: string;
  remotePort: number;
}

/** Targets by URL text: scripts hit the same few URLs again and again (the URL objects are never mutated). */
const targetCache = new Map<string, Target>();

function targetOf(href: string): Target {
  let target = targetCache.get(href);
  if (!target) {
    const url = new URL(href);
    target = {
      url,
      href: url.href,
      remoteIp: url.hostname.replace(/^\[|\]$/g, ''),
      remotePort: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
    if (targetCache.size >= 10_000) targetCache.clear(); // unbounded URL sets (ids in paths) just miss
    targetCache.set(href, target);
  }
  return target;
}

const timeoutCache = new Map<string | number, number>();
function timeoutMs(value: string | number | undefined): number {
  if (value === undefined) return 60_000;
  let ms = timeoutCache.get(value);
  if (ms === undefined) {
    ms = typeof value === 'number' ? value : parseDuration(value, 'params.timeout');
    timeoutCache.set(value, ms);
  }
  return ms;
}

/** The built-in HTTP metrics of one kind of request (one tag set), resolved once. */
interface HttpSeries {
  reqs: Series;
  duration: Series;
  blocked: Series;
  connecting: Series;
  tls: Series;
  sending: Series;
  waiting: Series;
  receiving: Series;
  failed: Series;
  sent: Series;
  received: Series;
}

/**
 * HTTP series by the tags they inherit (the iteration's tag object, the same for a scenario's VUs unless
 * they carry their own tags), then by name, method and outcome (status, expected). A request of a kind
 * seen before builds no tag object, no key string, and matches no sub-metric selector: its 11 samples are
 * sink updates. Requests with their own tags or a network error take a string key instead.
 */
const httpSeriesCache = new WeakMap<Tags, Map<string, Map<string, Map<number, HttpSeries>>>>();
const keyedSeriesCache = new WeakMap<Tags, Map<string, HttpSeries>>();

/** Bounded caches: unbounded names (ids in URLs without http.url) or error texts just miss. */
const MAX_CACHED = 1000;

function httpSeriesFor(
  rt: Runtime,
  base: Tags,
  method: string,
  name: string,
  raw: RawResponse,
  expected: boolean | null,
  extraTags: Record<string, string> | undefined,
): HttpSeries {
  if (extraTags || raw.errorCode) {
    let byKey = keyedSeriesCache.get(base);
    if (!byKey) {
      byKey = new Map();
      keyedSeriesCache.set(base, byKey);
    }
    let key = `${method}\u0000${raw.status}\u0000${expected}\u0000${raw.errorCode}\u0000${raw.error}\u0000${name}`;
    if (extraTags) for (const k in extraTags) key += `\u0000${k}\u0000${extraTags[k]}`;
    let series = byKey.get(key);
    if (!series) {
      series = newHttpSeries(rt, base, method, name, raw, expected, extraTags);
      if (byKey.size >= MAX_CACHED) byKey.clear();
      byKey.set(key, series);
    }
    return series;
  }
  let byName = httpSeriesCache.get(base);
  if (!byName) {
    byName = new Map();
    httpSeriesCache.set(base, byName);
  }
  let byMethod = byName.get(name);
  if (!byMethod) {
    if (byName.size >= MAX_CACHED) byName.clear();
    byMethod = new Map();
    byName.set(name, byMethod);
  }
  let byOutcome = byMethod.get(method);
  if (!byOutcome) {
    byOutcome = new Map();
    byMethod.set(method, byOutcome);
  }
  // status (0..999) and expected (null / false / true) in one number.
  const outcome = raw.status * 3 + (expected === null ? 0 : expected ? 2 : 1);
  let series = byOutcome.get(outcome);
  if (!series) {
    series = newHttpSeries(rt, base, method, name, raw, expected, undefined);
    byOutcome.set(outcome, series);
  }
  return series;
}

function newHttpSeries(
  rt: Runtime,
  base: Tags,
  method: string,
  name: string,
  raw: RawResponse,
  expected: boolean | null,
  extraTags: Record<string, string> | undefined,
): HttpSeries {
  const tags: Tags = {
    ...base,
    method,
    url: name,
    name,
    status: String(raw.status),
    proto: raw.status ? 'HTTP/1.1' : '',
  };
  if (expected !== null) tags.expected_response = String(expected);
  if (raw.errorCode) {
    tags.error = raw.error;
    tags.error_code = String(raw.errorCode);
  }
  if (extraTags) Object.assign(tags, extraTags);
  const b = rt.builtins;
  return {
    reqs: new Series(b.httpReqs, tags),
    duration: new Series(b.httpReqDuration, tags),
    blocked: new Series(b.httpReqBlocked, tags),
    connecting: new Series(b.httpReqConnecting, tags),
    tls: new Series(b.httpReqTlsHandshaking, tags),
    sending: new Series(b.httpReqSending, tags),
    waiting: new Series(b.httpReqWaiting, tags),
    receiving: new Series(b.httpReqReceiving, tags),
    failed: new Series(b.httpReqFailed, tags),
    sent: new Series(b.dataSent, tags),
    received: new Series(b.dataReceived, tags),
  };
}

function emit(rt: Runtime, raw: RawResponse, s: HttpSeries, expected: boolean | null): void {
  const reg = rt.registry;
  const t = raw.timings;
  reg.record(s.reqs, 1);
  reg.record(s.duration, t.duration);
  reg.record(s.blocked, t.blocked);
  reg.record(s.connecting, t.connecting);
  reg.record(s.tls, t.tls_handshaking);
  reg.record(s.sending, t.sending);
  reg.record(s.waiting, t.waiting);
  reg.record(s.receiving, t.receiving);
  if (expected !== null) reg.record(s.failed, expected ? 0 : 1);
  reg.record(s.sent, raw.bytesSent);
  reg.record(s.received, raw.bytesReceived);
}

/** Request headers when the script passes none: shared, since nothing writes to them (Response copies). */
let defaultHeaders: { userAgent: string; headers: Readonly<Record<string, string>> } | null = null;

export async function asyncRequest(
  method: string,
  target: string | HttpURL,
  body?: unknown,
  params?: Params | null,
): Promise<Response> {
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  if (ctx?.interrupted) throw new IterationInterruptedError();
  const href = typeof target === 'string' ? target : target.url;
  const resolved = targetOf(href);
  const parsed = resolved.url;
  try {
    rt.http.assertAllowed(parsed);
  } catch (error) {
    rt.abort(error as SyncApiRefusedError);
    throw error;
  }
  const upper = method.toUpperCase();
  let headers: Record<string, string>;
  if (params?.headers || (body !== null && body !== undefined)) {
    headers = { 'User-Agent': rt.http.userAgent };
    if (params?.headers) Object.assign(headers, params.headers);
  } else {
    if (defaultHeaders?.userAgent !== rt.http.userAgent) {
      const userAgent = rt.http.userAgent;
      defaultHeaders = { userAgent, headers: Object.freeze({ 'User-Agent': userAgent }) };
    }
    headers = defaultHeaders.headers as Record<string, string>;
  }
  const encoded = encodeBody(body, headers);
  const responseType = params?.responseType ?? (rt.options?.discardResponseBodies ? 'none' : 'text');
  const raw = await rt.http.send({
    method: upper,
    url: parsed,
    headers,
    body: encoded,
    timeoutMs: timeoutMs(params?.timeout),
    discardBody: responseType === 'none',
  });
  if (ctx?.interrupted) throw new IterationInterruptedError();

  const callback =
    params && 'responseCallback' in params
      ? (params.responseCallback ?? null)
      : (rt.responseCallback ?? defaultExpected);
  const expected =
    callback === defaultExpected
      ? raw.status >= 200 && raw.status < 400
      : callback
        ? callback({ status: raw.status })
        : null;
  const base = ctx ? ctx.tags : rt.testTags;
  const name = params?.tags?.name ?? (typeof target === 'string' ? href : target.name);
  if (expected === false && ctx) ctx.scenario.failures++;
  emit(rt, raw, httpSeriesFor(rt, base, upper, name, raw, expected, params?.tags), expected);
  return new Response(
    raw,
    resolved,
    upper,
    headers,
    typeof encoded === 'string' ? encoded : '',
    responseType,
  );
}

function refuse(api: string, replacement: string): never {
  const error = new SyncApiRefusedError(api, replacement);
  try {
    activeRuntime().abort(error);
  } catch {
    // outside a run: the throw below is enough
  }
  throw error;
}

const asyncHint = (method: string) => `await http.asyncRequest('${method}', url, body, params)`;

export function get(..._args: unknown[]): never {
  return refuse('http.get()', asyncHint('GET'));
}
export function post(..._args: unknown[]): never {
  return refuse('http.post()', asyncHint('POST'));
}
export function put(..._args: unknown[]): never {
  return refuse('http.put()', asyncHint('PUT'));
}
export function patch(..._args: unknown[]): never {
  return refuse('http.patch()', asyncHint('PATCH'));
}
function del(..._args: unknown[]): never {
  return refuse('http.del()', asyncHint('DELETE'));
}

export { del };
export function head(..._args: unknown[]): never {
  return refuse('http.head()', asyncHint('HEAD'));
}
export function options(..._args: unknown[]): never {
  return refuse('http.options()', asyncHint('OPTIONS'));
}
export function request(..._args: unknown[]): never {
  return refuse('http.request()', 'await http.asyncRequest(method, url, body, params)');
}
export function batch(..._args: unknown[]): never {
  return refuse('http.batch()', 'await Promise.all([...].map((r) => http.asyncRequest(...r)))');
}

export default {
  asyncRequest,
  url,
  expectedStatuses,
  setResponseCallback,
  get,
  post,
  put,
  patch,
  del,
  head,
  options,
  request,
  batch,
};
