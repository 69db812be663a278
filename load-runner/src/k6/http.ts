// `k6/http` for the embedded runner. Only the asynchronous request API is provided; the synchronous
// calls block a k6 VU and cannot exist on a shared event loop, so they are refused with the replacement.

import { parseDuration } from '../duration.ts';
import { IterationInterruptedError, SyncApiRefusedError, UnsupportedFeatureError } from '../errors.ts';
import type { RawResponse } from '../http/client.ts';
import { CookieJar } from '../http/cookies.ts';
import { Series, type Tags } from '../metrics/registry.ts';
import { DEFAULT_USER_AGENT } from '../options.ts';
import { activeRuntime, type IterationContext, type ResponseCallback, type Runtime } from '../runtime.ts';
import { Response, type ResponseType } from './response.ts';

export { Response };

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: ResponseType;
  responseCallback?: ResponseCallback | null;
  /** Redirects to follow for this request (default options.maxRedirects). */
  redirects?: number;
  /** Request-scoped cookies: sent, not stored; `replace: true` hides the jar's cookie of that name. */
  cookies?: Record<string, string | { value: string; replace?: boolean }>;
  /** A jar of the script's own (new http.CookieJar()) instead of the VU's. */
  jar?: CookieJar;
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

/** In init code: for the whole test. Inside an iteration: for the calling VU only, as in k6. */
export function setResponseCallback(callback: ResponseCallback | null): void {
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  if (ctx) ctx.vu.responseCallback = callback;
  else rt.responseCallback = callback;
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
  /** The HTTP client that let this URL through its loopback guard (checked once per client). */
  allowedBy: object | null;
  /** The series its last request's samples went to, and what they were chosen by. */
  last: { base: Tags; method: string; name: string; outcome: number; series: HttpSeries } | null;
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
      allowedBy: null,
      last: null,
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
  /** http_req_duration_corrected (arrival-rate iterations only), made when first needed. */
  corrected: Series | null;
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
  target: Target,
  base: Tags,
  method: string,
  name: string,
  raw: RawResponse,
  expected: boolean | null,
  extraTags: Record<string, string> | undefined,
): HttpSeries {
  // status (0..999) and expected (null / false / true) in one number.
  const outcome = raw.status * 3 + (expected === null ? 0 : expected ? 2 : 1);
  const last = target.last;
  // A request like the URL's last one (the usual case) finds its series without a map lookup.
  if (
    last !== null &&
    last.outcome === outcome &&
    last.base === base &&
    last.method === method &&
    last.name === name &&
    !extraTags &&
    !raw.errorCode
  )
    return last.series;
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
  let series = byOutcome.get(outcome);
  if (!series) {
    series = newHttpSeries(rt, base, method, name, raw, expected, undefined);
    byOutcome.set(outcome, series);
  }
  target.last = { base, method, name, outcome, series };
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
    if (raw.error) tags.error = raw.error;
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
    corrected: null,
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

/**
 * What k6 sends on every request unless the script sets it: its User-Agent (options.userAgent, '' for
 * none) and, as Go's HTTP transport adds it, `Accept-Encoding: gzip`.
 */
function baseHeaders(userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (userAgent) headers['User-Agent'] = userAgent;
  headers['Accept-Encoding'] = 'gzip';
  return headers;
}

/** k6 request parameters the runner does not reproduce: refused on first use, never ignored. */
const UNSUPPORTED_PARAMS: Record<string, string> = {
  auth: 'put the credentials in an Authorization header (k6/encoding b64encode for basic)',
  compression: 'compress the body in the script and set Content-Encoding',
};

function refuseUnsupportedParams(rt: Runtime, params: Params): void {
  for (const key in UNSUPPORTED_PARAMS) {
    if ((params as Record<string, unknown>)[key] !== undefined) {
      const error = new UnsupportedFeatureError(`params.${key}`, UNSUPPORTED_PARAMS[key]);
      rt.abort(error);
      throw error;
    }
  }
}

/** The Cookie header for one hop: the jar's cookies for the URL plus params.cookies (k6's rules). */
function cookieHeader(jar: CookieJar, url: URL, requestCookies: Params['cookies']): string {
  const pairs: string[] = [];
  const replaced = new Set<string>();
  if (requestCookies) {
    for (const name in requestCookies) {
      const c = requestCookies[name];
      if (typeof c === 'object' && c !== null && c.replace) replaced.add(name);
    }
  }
  if (!jar.empty)
    for (const c of jar.matching(url)) if (!replaced.has(c.name)) pairs.push(`${c.name}=${c.value}`);
  if (requestCookies) {
    for (const name in requestCookies) {
      const c = requestCookies[name];
      pairs.push(`${name}=${typeof c === 'object' && c !== null ? c.value : String(c)}`);
    }
  }
  return pairs.join('; ');
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
let redirectWarned = false;

/**
 * The samples of one hop's answer; the redirect loop in asyncRequest awaits each hop itself (an async
 * function per hop would cost a promise per request).
 */
function recordHop(
  rt: Runtime,
  target: Target,
  ctx: IterationContext | undefined,
  raw: RawResponse,
  method: string,
  params: Params | null | undefined,
  name: string,
): void {
  if (ctx?.interrupted) throw new IterationInterruptedError();
  // k6's error codes 1400-1599 for HTTP errors: 1000 + status, on the response and as a tag.
  if (raw.status >= 400 && raw.errorCode === 0) raw.errorCode = 1000 + raw.status;
  let callback: ResponseCallback | null;
  if (params && 'responseCallback' in params) callback = params.responseCallback ?? null;
  else if (ctx && ctx.vu.responseCallback !== undefined) callback = ctx.vu.responseCallback;
  else callback = rt.responseCallback ?? defaultExpected;
  const expected =
    callback === defaultExpected
      ? raw.status >= 200 && raw.status < 400
      : callback
        ? callback({ status: raw.status })
        : null;
  const base = ctx ? ctx.tags : rt.testTags;
  if (expected === false && ctx) ctx.scenario.failures++;
  const series = httpSeriesFor(rt, target, base, method, name, raw, expected, params?.tags);
  emit(rt, raw, series, expected);
  // Open model: the latency as seen from when the iteration was due, beside the raw figure.
  if (ctx?.scheduled) {
    series.corrected ??= new Series(rt.health.corrected, series.duration.tags);
    rt.registry.record(series.corrected, raw.timings.duration + ctx.startLagMs);
  }
}

/** The loopback guard (RemoteTargetRefusedError stops the run), once per URL and client. */
function allow(rt: Runtime, target: Target): void {
  if (target.allowedBy === rt.http) return;
  try {
    rt.http.assertAllowed(target.url);
  } catch (error) {
    rt.abort(error as SyncApiRefusedError);
    throw error;
  }
  target.allowedBy = rt.http;
}

export async function asyncRequest(
  method: string,
  target: string | HttpURL,
  body?: unknown,
  params?: Params | null,
): Promise<Response> {
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  if (ctx?.interrupted) throw new IterationInterruptedError();
  if (params) refuseUnsupportedParams(rt, params);
  const href = typeof target === 'string' ? target : target.url;
  let resolved = targetOf(href);
  allow(rt, resolved);
  const upper = method.toUpperCase();
  const userAgent = rt.options?.userAgent ?? DEFAULT_USER_AGENT;
  let headers: Record<string, string>;
  if (params?.headers || (body !== null && body !== undefined)) {
    headers = baseHeaders(userAgent);
    if (params?.headers) Object.assign(headers, params.headers);
  } else {
    if (defaultHeaders?.userAgent !== userAgent) {
      defaultHeaders = { userAgent, headers: Object.freeze(baseHeaders(userAgent)) };
    }
    headers = defaultHeaders.headers as Record<string, string>;
  }
  const encoded = encodeBody(body, headers);
  const responseType = params?.responseType ?? (rt.options?.discardResponseBodies ? 'none' : 'text');
  const jar = params?.jar ?? (ctx ? ctx.vu.jar : rt.lifecycleJar);
  const maxRedirects = params?.redirects ?? rt.options?.maxRedirects ?? 10;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    throw new Error(`params.redirects: expected an integer >= 0, got ${JSON.stringify(maxRedirects)}`);
  }
  const userName = params?.tags?.name;
  let hop = { target: resolved, method: upper, headers, body: encoded };
  let name = userName ?? (typeof target === 'string' ? href : target.name);
  for (let redirects = 0; ; redirects++) {
    const explicitCookie = hop.headers.Cookie !== undefined || hop.headers.cookie !== undefined;
    if (!explicitCookie && (!jar.empty || params?.cookies)) {
      const cookie = cookieHeader(jar, hop.target.url, params?.cookies);
      if (cookie) hop = { ...hop, headers: { ...hop.headers, Cookie: cookie } };
    }
    const raw = await rt.http.send({
      method: hop.method,
      url: hop.target.url,
      headers: hop.headers,
      body: hop.body,
      timeoutMs: timeoutMs(params?.timeout),
      discardBody: responseType === 'none',
    });
    recordHop(rt, hop.target, ctx, raw, hop.method, params, name);
    if (raw.status !== 0) jar.receive(hop.target.url, raw.header('set-cookie'));
    const location = REDIRECTS.has(raw.status) ? raw.header('location') : undefined;
    if (typeof location !== 'string' || redirects >= maxRedirects) {
      if (REDIRECTS.has(raw.status) && typeof location === 'string' && maxRedirects > 0 && !redirectWarned) {
        redirectWarned = true;
        process.stderr.write(
          `WARN Stopped after ${redirects} redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to avoid this\n`,
        );
      }
      return new Response(
        raw,
        hop.target,
        hop.method,
        hop.headers,
        typeof hop.body === 'string' ? hop.body : '',
        responseType,
      );
    }
    resolved = targetOf(new URL(location, hop.target.url).href);
    allow(rt, resolved);
    // As Go's client (k6's): 301/302/303 turn into a GET without body (HEAD stays HEAD); 307/308 repeat
    // the method and body. The request's own Cookie header is rebuilt from the jar for the new URL.
    const keep = raw.status === 307 || raw.status === 308;
    const nextMethod = keep || hop.method === 'HEAD' ? hop.method : 'GET';
    const nextHeaders: Record<string, string> = {};
    for (const key in hop.headers) {
      const lower = key.toLowerCase();
      if (lower === 'cookie' && !explicitCookie) continue;
      if (!keep && (lower === 'content-type' || lower === 'content-length')) continue;
      if (resolved.url.host !== hop.target.url.host && (lower === 'authorization' || lower === 'cookie'))
        continue;
      nextHeaders[key] = hop.headers[key] as string;
    }
    hop = { target: resolved, method: nextMethod, headers: nextHeaders, body: keep ? hop.body : null };
    name = userName ?? resolved.href;
  }
}

/** `http.cookieJar()`: the calling VU's jar (setup and teardown have one of their own). */
export function cookieJar(): CookieJar {
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  return ctx ? ctx.vu.jar : rt.lifecycleJar;
}

export { CookieJar };

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
  cookieJar,
  CookieJar,
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
