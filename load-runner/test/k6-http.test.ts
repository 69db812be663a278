// k6 behaviour the runner reproduces, each written from k6's documentation (pages cited per test):
// real runs of the runner against the fixture server, judged by the scripts' named checks and the
// summary.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckNode, GroupNode } from '../src/summary/groups.ts';
import { cleanup, type FixtureServer, type RunnerOutcome, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const env = (...more: string[]) => ['-e', `BASE_URL=${server.base}`, ...more];

function checks(out: RunnerOutcome): Map<string, CheckNode> {
  const all = new Map<string, CheckNode>();
  const walk = (g: GroupNode | undefined): void => {
    if (!g) return;
    for (const c of g.checks) all.set(c.name, c);
    for (const sub of g.groups) walk(sub);
  };
  walk(out.summary?.root_group);
  return all;
}

/** Every named check ran `times` times and never failed (the failing names are in the message). */
function expectChecksPassed(out: RunnerOutcome, names: string[], times: number): void {
  const found = checks(out);
  const failing = [...found.values()].filter((c) => c.fails > 0).map((c) => c.name);
  expect(failing).toEqual([]);
  for (const name of names) expect(found.get(name)?.passes, name).toBe(times);
}

describe('k6/http as k6 documents it', () => {
  let out: RunnerOutcome;
  beforeAll(async () => {
    out = await runK6('k6-http.ts', env());
  });
  afterAll(() => cleanup(out));

  // https://grafana.com/docs/k6/latest/using-k6/k6-options/reference/#max-redirects
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/params/ (redirects)
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/response/ (url: the final URL)
  it('follows redirects up to maxRedirects or params.redirects, each hop its own sample, res.url final', () => {
    expect(out.code).toBe(0);
    expectChecksPassed(
      out,
      [
        'redirects followed to the end',
        'res.url is the final URL',
        'options.maxRedirects stops the chain and returns the redirect',
        'params.redirects 0 follows none',
        '303 turns a POST into a GET without body',
        '307 repeats the method and body',
      ],
      2,
    );
    // /redirect/3 -> 2 -> 1 -> 0: four requests per iteration, two iterations.
    expect(out.summary?.metrics['http_reqs{case:chain}']?.values.count).toBe(8);
  });

  // https://grafana.com/docs/k6/latest/using-k6/cookies/ (a jar per VU, reset per iteration)
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/cookiejar/
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/params/ (cookies, jar)
  it('keeps a cookie jar per VU reset each iteration, honours Set-Cookie on every hop, params.cookies and http.cookieJar()', () => {
    expectChecksPassed(
      out,
      [
        'jar empty at iteration start',
        'Set-Cookie honoured on every hop',
        'res.cookies lists what the response set',
        'jar cookies are sent back',
        'jar.set and jar.delete change what is sent',
        'params.cookies are sent, replace hides the jar cookie',
        'params.cookies are not stored in the jar',
        'params.jar replaces the VU jar for the request',
        'jar.clear empties it for the URL',
      ],
      2,
    );
  });

  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/params/ ("k6 automatically decompresses")
  // https://grafana.com/docs/k6/latest/using-k6/k6-options/reference/#user-agent
  // https://grafana.com/docs/k6/latest/javascript-api/error-codes/ (1400-1499 HTTP 4xx, 1500-1599 5xx)
  it('decodes gzip, deflate and br bodies, sends options.userAgent, sets error_code 1000+status also as a tag', () => {
    expectChecksPassed(
      out,
      [
        'gzip body decoded',
        'deflate body decoded',
        'br body decoded',
        'options.userAgent is sent',
        'Accept-Encoding gzip is sent as Go adds it',
        'error_code is 1000 + status for HTTP errors',
        'error_code is 0 for a success',
        'k6/encoding and k6/crypto are importable',
      ],
      2,
    );
    expect(out.summary?.metrics['http_reqs{error_code:1404}']?.values.count).toBe(2);
  });
});

describe('per-VU rules', () => {
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/set-response-callback/
  it('http.setResponseCallback inside an iteration changes http_req_failed for that VU only', async () => {
    const out = await runK6('k6-per-vu.ts', env('-e', 'MODE=callback'));
    expect(out.code).toBe(0);
    // VU 1 expects its 404; VU 2 keeps the default, so its 404 failed.
    expect(out.summary?.metrics.http_req_failed?.values).toMatchObject({ passes: 1, fails: 1 });
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/params/ (timeout)
  // https://grafana.com/docs/k6/latest/javascript-api/error-codes/ (1050: request timeout)
  it('params.timeout ends a slow request with status 0 and error_code 1050 at about the timeout', async () => {
    const out = await runK6('k6-timeout.ts', env());
    expect(out.code).toBe(0);
    expectChecksPassed(
      out,
      [
        'a timed-out request has status 0',
        'a timed-out request has error_code 1050',
        'it ends near its timeout, not at the answer',
        'the next request is answered',
      ],
      1,
    );
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/ramping-vus/ (gracefulRampDown)
  it('ramping-vus gives the VUs of a last ramp to zero gracefulRampDown, not gracefulStop', async () => {
    const out = await runK6('k6-per-vu.ts', env('-e', 'MODE=ramp'));
    expect(out.code).toBe(0);
    // The 8 s iteration is interrupted 200 ms after the 1 s of stages, not allowed the 20 s gracefulStop.
    expect(out.summary?.state.testRunDurationMs).toBeLessThan(5000);
    expect(out.summary?.metrics.iterations).toBeUndefined();
    cleanup(out);
  });
});

describe('lifecycle', () => {
  // https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/ and
  // https://grafana.com/docs/k6/latest/javascript-api/k6-execution/ (test.abort: exit 108)
  it('a throw in setup() ends the run with exit 107 before any iteration, no teardown, the summary still made', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=setup-throw'));
    expect(out.code).toBe(107);
    expect(out.stderr).toMatch(/setup\(\) failed: no test data/);
    expect(out.summary?.metrics.iterations).toBeUndefined();
    expect(existsSync(join(out.dir, 'summary.bin'))).toBe(true);
    expect(await server.marks()).not.toContain('teardown-setup-throw');
    cleanup(out);
  });

  it('exec.test.abort() in setup() ends the run with exit 108, no teardown, the summary still made', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=setup-abort'));
    expect(out.code).toBe(108);
    expect(out.stderr).toMatch(/test aborted: no test data/);
    expect(out.summary?.metrics.iterations).toBeUndefined();
    expect(existsSync(join(out.dir, 'summary.bin'))).toBe(true);
    expect(await server.marks()).not.toContain('teardown-setup-abort');
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/javascript-api/k6-execution/ (test.fail: the run goes on, exit 110)
  it('exec.test.fail() lets the run finish every iteration and exits with 110', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=fail'));
    expect(out.code).toBe(110);
    expect(out.summary?.metrics.iterations?.values.count).toBe(3);
    expect(await server.marks()).toContain('teardown-fail');
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/javascript-api/k6-execution/ (test.options: consolidated, read-only;
  // durations as k6's Go structs print them, "10m0s")
  it('exec.test.options returns the consolidated options, read-only', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=options'));
    expect(out.code).toBe(0);
    expectChecksPassed(
      out,
      [
        'exec.test.options has the default scenario with its defaults',
        'exec.test.options has the test-wide defaults',
        'exec.test.options is read-only',
      ],
      3,
    );
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/ (values: string or ArrayBuffer)
  it('handleSummary may return ArrayBuffers, written as bytes', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=bytes'));
    expect(out.code).toBe(0);
    expect([...readFileSync(join(out.dir, 'summary.bin'))]).toEqual([0, 1, 2, 255]);
    cleanup(out);
  });

  // https://grafana.com/docs/k6/latest/using-k6/k6-options/reference/#user-agent ("" sends none)
  it('options.userAgent "" sends no User-Agent header', async () => {
    const out = await runK6('k6-lifecycle.ts', env('-e', 'MODE=no-ua'));
    expect(out.code).toBe(0);
    expectChecksPassed(out, ['userAgent "" sends no User-Agent'], 3);
    cleanup(out);
  });
});

describe('what the runner does not reproduce is refused, never ignored', () => {
  it('a k6 option it does not provide stops the run at init with one line naming it (exit 104)', async () => {
    const before = await server.count();
    const out = await runK6('unsupported.ts', env('-e', 'MODE=option'));
    expect(out.code).toBe(104);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/options\.hosts is not supported by the embedded runner/);
    expect(await server.count()).toBe(before);
    cleanup(out);
  });

  it('a request parameter it does not provide stops the run at its first use, naming it', async () => {
    const before = await server.count();
    const out = await runK6('unsupported.ts', env('-e', 'MODE=param'));
    expect(out.code).toBe(104);
    expect(out.stderr).toMatch(/params\.auth is not supported by the embedded runner/);
    expect(await server.count()).toBe(before);
    cleanup(out);
  });
});
