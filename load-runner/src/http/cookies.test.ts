// The cookie jar's matching rules, from k6's cookie docs
// (https://grafana.com/docs/k6/latest/using-k6/cookies/,
// https://grafana.com/docs/k6/latest/javascript-api/k6-http/cookiejar/) and RFC 6265 which they follow.
import { describe, expect, it } from 'vitest';
import { CookieJar, parseSetCookie, responseCookies } from './cookies.ts';

const url = new URL('http://api.example.test/app/login');

describe('cookie jar', () => {
  it('sends a cookie back to its host and path, not to other hosts or outside its path', () => {
    const jar = new CookieJar(() => 0);
    jar.receive(url, ['session=abc; Path=/app', 'wide=1; Domain=example.test; Path=/']);
    expect(jar.cookiesForURL('http://api.example.test/app/x')).toEqual({ session: ['abc'], wide: ['1'] });
    expect(jar.cookiesForURL('http://api.example.test/other')).toEqual({ wide: ['1'] });
    expect(jar.cookiesForURL('http://www.example.test/app')).toEqual({ wide: ['1'] });
    expect(jar.cookiesForURL('http://elsewhere.test/app')).toEqual({});
  });

  it('forgets cookies by Max-Age, Expires and a Max-Age of 0, and keeps Secure ones off plain http', () => {
    let now = 1_000_000;
    const jar = new CookieJar(() => now);
    jar.receive(url, [
      'short=1; Max-Age=10; Path=/',
      `dated=1; Expires=${new Date(now + 5000).toUTCString()}; Path=/`,
      'safe=1; Secure; Path=/',
    ]);
    expect(Object.keys(jar.cookiesForURL('http://api.example.test/')).sort()).toEqual(['dated', 'short']);
    expect(jar.cookiesForURL('https://api.example.test/').safe).toEqual(['1']);
    now += 6000;
    expect(Object.keys(jar.cookiesForURL('http://api.example.test/'))).toEqual(['short']);
    jar.receive(url, ['short=1; Max-Age=0; Path=/']);
    expect(jar.cookiesForURL('http://api.example.test/')).toEqual({});
  });

  it('refuses a Domain the host does not belong to', () => {
    expect(parseSetCookie('x=1; Domain=other.test', url, 0)).toBeNull();
  });

  it('set, delete and clear act on the cookies of the URL, as CookieJar documents', () => {
    const jar = new CookieJar(() => 0);
    jar.set('http://api.example.test/', 'a', '1');
    jar.set('http://api.example.test/', 'b', '2', { path: '/app' });
    expect(jar.cookiesForURL('http://api.example.test/app')).toEqual({ b: ['2'], a: ['1'] });
    jar.delete('http://api.example.test/app', 'a');
    expect(jar.cookiesForURL('http://api.example.test/app')).toEqual({ b: ['2'] });
    jar.clear('http://api.example.test/app');
    expect(jar.empty).toBe(true);
  });

  it("lists a response's cookies in k6's res.cookies shape", () => {
    const listed = responseCookies(url, 'id=7; Path=/; HttpOnly; Max-Age=60', 0);
    expect(listed.id).toEqual([
      {
        name: 'id',
        value: '7',
        domain: '',
        path: '/',
        http_only: true,
        secure: false,
        max_age: 60,
        expires: 60_000,
      },
    ]);
  });
});
