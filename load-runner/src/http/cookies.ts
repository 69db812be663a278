// A VU's cookie jar as k6 keeps one: cookies from Set-Cookie (RFC 6265 domain/path/expiry matching) and
// from `jar.set()`, sent back on matching requests; `http.cookieJar()` and `new http.CookieJar()` are
// this class. Pure: no I/O, the clock is passed in.

export interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  /** No Domain attribute: only the exact host that set it gets it back. */
  hostOnly: boolean;
  path: string;
  /** Epoch ms; Infinity for a session cookie. */
  expires: number;
  secure: boolean;
  httpOnly: boolean;
}

/** What `res.cookies` lists per name, in k6's field names. */
export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

export interface CookieOptions {
  domain?: string;
  path?: string;
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

function domainMatches(host: string, cookie: StoredCookie): boolean {
  if (cookie.hostOnly) return host === cookie.domain;
  return host === cookie.domain || host.endsWith(`.${cookie.domain}`);
}

function pathMatches(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}

/** One Set-Cookie header value, or null when it is not a cookie (RFC 6265 5.2). */
export function parseSetCookie(
  header: string,
  url: URL,
  now: number,
): { cookie: StoredCookie; maxAge: number } | null {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  let value = pair.slice(eq + 1).trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  const cookie: StoredCookie = {
    name,
    value,
    domain: url.hostname,
    hostOnly: true,
    path: defaultPath(url.pathname),
    expires: Number.POSITIVE_INFINITY,
    secure: false,
    httpOnly: false,
  };
  let maxAge = 0;
  let sawMaxAge = false;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const val = at < 0 ? '' : attribute.slice(at + 1).trim();
    if (key === 'domain' && val) {
      const domain = val.replace(/^\./, '').toLowerCase();
      // A host may only set cookies for itself or a parent domain.
      if (url.hostname !== domain && !url.hostname.endsWith(`.${domain}`)) return null;
      cookie.domain = domain;
      cookie.hostOnly = false;
    } else if (key === 'path' && val.startsWith('/')) {
      cookie.path = val;
    } else if (key === 'max-age' && /^-?\d+$/.test(val)) {
      sawMaxAge = true;
      maxAge = Number(val);
      cookie.expires = maxAge <= 0 ? 0 : now + maxAge * 1000;
    } else if (key === 'expires' && !sawMaxAge) {
      const at2 = Date.parse(val);
      if (!Number.isNaN(at2)) cookie.expires = at2;
    } else if (key === 'secure') {
      cookie.secure = true;
    } else if (key === 'httponly') {
      cookie.httpOnly = true;
    }
  }
  return { cookie, maxAge };
}

export class CookieJar {
  private cookies: StoredCookie[] = [];
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** True while the jar holds nothing: the request path skips all cookie work. */
  get empty(): boolean {
    return this.cookies.length === 0;
  }

  /** Stores (or, when expired, removes) a cookie: same name, domain and path replace each other. */
  store(cookie: StoredCookie): void {
    this.cookies = this.cookies.filter(
      (c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path),
    );
    if (cookie.expires > this.now()) this.cookies.push(cookie);
  }

  /** Takes the Set-Cookie headers of a response to `url` (every redirect hop calls this). */
  receive(url: URL, headers: string | string[] | undefined): void {
    if (headers === undefined) return;
    for (const header of Array.isArray(headers) ? headers : [headers]) {
      const parsed = parseSetCookie(header, url, this.now());
      if (parsed) this.store(parsed.cookie);
    }
  }

  /** The cookies a request to `url` carries, most specific path first (RFC 6265 5.4). */
  matching(url: URL): StoredCookie[] {
    const now = this.now();
    this.cookies = this.cookies.filter((c) => c.expires > now);
    const host = url.hostname;
    const path = url.pathname || '/';
    const secure = url.protocol === 'https:';
    return this.cookies
      .filter((c) => domainMatches(host, c) && pathMatches(path, c.path) && (!c.secure || secure))
      .sort((a, b) => b.path.length - a.path.length);
  }

  // ---- k6's CookieJar methods (https://grafana.com/docs/k6/latest/javascript-api/k6-http/cookiejar/)

  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.matching(new URL(url))) {
      const values = out[c.name] ?? [];
      values.push(c.value);
      out[c.name] = values;
    }
    return out;
  }

  set(url: string, name: string, value: string, options: CookieOptions = {}): void {
    const target = new URL(url);
    const parts = [`${name}=${value}`];
    if (options.domain) parts.push(`Domain=${options.domain}`);
    parts.push(`Path=${options.path ?? '/'}`);
    if (options.expires) parts.push(`Expires=${options.expires}`);
    if (options.max_age !== undefined) parts.push(`Max-Age=${options.max_age}`);
    if (options.secure) parts.push('Secure');
    if (options.http_only) parts.push('HttpOnly');
    const parsed = parseSetCookie(parts.join('; '), target, this.now());
    if (!parsed) throw new Error(`CookieJar.set: cannot set cookie "${name}" for ${url}`);
    this.store(parsed.cookie);
  }

  clear(url: string): void {
    const matched = new Set(this.matching(new URL(url)));
    this.cookies = this.cookies.filter((c) => !matched.has(c));
  }

  delete(url: string, name: string): void {
    const matched = new Set(this.matching(new URL(url)).filter((c) => c.name === name));
    this.cookies = this.cookies.filter((c) => !matched.has(c));
  }
}

/** `res.cookies`: the Set-Cookie headers of one response, by name, in k6's shape. */
export function responseCookies(
  url: URL,
  headers: string | string[] | undefined,
  now: number,
): Record<string, ResponseCookie[]> {
  const out: Record<string, ResponseCookie[]> = {};
  if (headers === undefined) return out;
  for (const header of Array.isArray(headers) ? headers : [headers]) {
    const parsed = parseSetCookie(header, url, now);
    if (!parsed) continue;
    const c = parsed.cookie;
    const list = out[c.name] ?? [];
    out[c.name] = list;
    list.push({
      name: c.name,
      value: c.value,
      domain: c.hostOnly ? '' : c.domain,
      path: c.path,
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: parsed.maxAge,
      expires: Number.isFinite(c.expires) ? c.expires : 0,
    });
  }
  return out;
}
