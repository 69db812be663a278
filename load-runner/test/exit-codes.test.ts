// k6's exit codes and one-line errors, end to end: the runner and the target are real child processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, interruptWhenRunning, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const env = () => ['-e', `BASE_URL=${server.base}`];

describe('exit codes', () => {
  it('exits 0 when every threshold holds, with ok:true on each in the summary', async () => {
    const out = await runK6('thresholds.ts', [...env(), '-e', 'MODE=pass']);
    expect(out.code).toBe(0);
    expect(out.summary?.metrics.answered?.thresholds).toEqual({ 'count>=5': { ok: true } });
    expect(out.summary?.metrics['http_req_duration{status:200}']?.thresholds).toEqual({
      'max<5000': { ok: true },
    });
    cleanup(out);
  });

  it('exits 99 when a threshold fails, marks it ok:false and names it on stderr', async () => {
    const out = await runK6('thresholds.ts', [...env(), '-e', 'MODE=fail']);
    expect(out.code).toBe(99);
    expect(out.summary?.metrics['http_req_failed{name:missing}']?.thresholds).toEqual({
      'rate<0.5': { ok: false },
    });
    expect(out.summary?.metrics.answered?.thresholds).toEqual({ 'count>1000': { ok: false } });
    expect(out.summary?.metrics.http_req_duration?.thresholds).toEqual({ 'p(95)<2000': { ok: true } });
    expect(out.stderr).toMatch(/thresholds have failed/);
    cleanup(out);
  });

  it('exits 104 for a threshold on an unknown metric or p(95) on a counter, before any request', async () => {
    const before = await server.count();
    for (const mode of ['unknown-metric', 'counter-percentile']) {
      const out = await runK6('thresholds.ts', [...env(), '-e', `MODE=${mode}`]);
      expect(out.code).toBe(104);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(
        mode === 'unknown-metric'
          ? /unknown metric "http_req_durration"/
          : /p\(95\) does not apply to a counter/,
      );
      cleanup(out);
    }
    expect(await server.count()).toBe(before);
  });

  it('--no-thresholds skips judging: the failing set exits 0', async () => {
    const out = await runK6('thresholds.ts', [...env(), '-e', 'MODE=fail', '--no-thresholds']);
    expect(out.code).toBe(0);
    cleanup(out);
  });

  it('exits 107 with one line when init code throws', async () => {
    const out = await runK6('init-throw.ts', env());
    expect(out.code).toBe(107);
    expect(out.stderr.trim()).toBe('error: init: broken init on purpose');
    cleanup(out);
  });

  it('exits 108 after exec.test.abort(), and teardown still runs', async () => {
    const out = await runK6('test-abort.ts', [...env(), '-e', 'MARK=abort']);
    expect(out.code).toBe(108);
    expect(out.stderr).toMatch(/test aborted: enough/);
    expect(out.summary?.metrics.iterations?.values.count).toBe(2); // the aborting third is interrupted
    expect(await server.marks()).toContain('teardown-abort');
    cleanup(out);
  });
});

describe('synchronous k6 APIs are refused', () => {
  it('http.get fails the run with one line naming http.asyncRequest', async () => {
    const out = await runK6('sync-get.ts', env());
    expect(out.code).toBe(107);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/http\.get\(\) is synchronous .* use await http\.asyncRequest\('GET'/);
    cleanup(out);
  });

  it('sleep fails the run with one line naming the timers replacement', async () => {
    const out = await runK6('sync-sleep.ts', env());
    expect(out.code).toBe(107);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/sleep\(\) is synchronous .*setTimeout.*k6\/timers/);
    cleanup(out);
  });
});

describe('safety', () => {
  it('refuses a target outside loopback: exit 104 with the flag that allows it, no request sent', async () => {
    const out = await runK6('remote-target.ts');
    expect(out.code).toBe(104);
    expect(out.stderr).toMatch(/refusing to send load to 192\.0\.2\.10.*--allow-remote-target/);
    expect(out.summary?.metrics.http_reqs).toBeUndefined();
    cleanup(out);
  });
});

describe('SIGINT', () => {
  it('stops gracefully: teardown runs, the summary is still written, exit 105 as k6', async () => {
    const out = await runK6('long-running.ts', [...env(), '-e', 'MARK=sigint'], {
      onSpawn: (child) => {
        interruptWhenRunning(server, child, 1000);
      },
    });
    expect(out.code).toBe(105);
    expect(out.summary?.metrics.http_reqs?.values.count).toBeGreaterThan(0);
    expect(out.summary?.state.testRunDurationMs).toBeLessThan(10_000);
    expect(await server.marks()).toContain('teardown-sigint');
    cleanup(out);
  });
});
