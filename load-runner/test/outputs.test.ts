// The outputs besides the summary: --out json points, the per-second series, the live Prometheus
// endpoint with k6's remote-write names and a testid label.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, interruptWhenRunning, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('outputs', () => {
  it('--out json writes a Metric line per metric, then Point lines with tags', async () => {
    const file = join(tmpdir(), `points-${process.pid}-${Date.now()}.ndjson`);
    const again = await runK6('smoke.ts', ['-e', `BASE_URL=${server.base}`, '--out', `json=${file}`]);
    expect(again.code).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const metricLines = lines.filter((l) => l.type === 'Metric').map((l) => l.metric);
    expect(metricLines).toContain('http_req_duration');
    expect(new Set(metricLines).size).toBe(metricLines.length);
    const reqs = lines.filter((l) => l.type === 'Point' && l.metric === 'http_reqs');
    expect(reqs).toHaveLength(10);
    const data = reqs[0]?.data as { time: string; value: number; tags: Record<string, string> };
    expect(data.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(data.tags).toMatchObject({
      method: 'GET',
      name: 'hello',
      status: '200',
      scenario: 'smoke',
      expected_response: 'true',
    });
    cleanup(again);
    rmSync(file, { force: true });
  });

  it('the per-second series has lines per metric for all scenarios and per scenario', async () => {
    const file = join(tmpdir(), `series-${process.pid}-${Date.now()}.ndjson`);
    const out = await runK6('long-running.ts', ['-e', `BASE_URL=${server.base}`, '--timeseries', file], {
      onSpawn: (child) => {
        interruptWhenRunning(server, child, 2000);
      },
    });
    expect(out.code).toBe(105);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const duration = lines.filter((l) => l.metric === 'http_req_duration');
    expect(duration.some((l) => l.scenario === null)).toBe(true);
    expect(duration.some((l) => l.scenario === 'default')).toBe(true);
    const first = duration[0] as Record<string, number>;
    for (const field of ['count', 'avg', 'p50', 'p95', 'p99']) expect(typeof first[field]).toBe('number');
    const reqs = lines.filter((l) => l.metric === 'http_reqs' && l.scenario === null);
    const total = reqs.reduce((sum, l) => sum + (l.count as number), 0);
    expect(total).toBe(out.summary?.metrics.http_reqs?.values.count);
    cleanup(out);
    rmSync(file, { force: true });
  });

  it('serves live metrics with k6 remote-write names, seconds for time, and the testid label', async () => {
    let scraped = '';
    const out = await runK6(
      'long-running.ts',
      ['-e', `BASE_URL=${server.base}`, '--metrics-port', '0', '--testid', 'live-1'],
      {
        onSpawn: (child) => {
          let stderr = '';
          child.stderr?.on('data', async (chunk: Buffer) => {
            stderr += chunk.toString();
            const match = /live metrics: (\S+)/.exec(stderr);
            if (match && !scraped) {
              scraped = 'pending';
              await new Promise((r) => setTimeout(r, 1500));
              scraped = await (await fetch(match[1] as string)).text();
              child.kill('SIGINT');
            }
          });
        },
      },
    );
    expect(out.code).toBe(105);
    expect(scraped).toMatch(/^k6_http_reqs_total\{testid="live-1",.*scenario="default".*\} \d+$/m);
    expect(scraped).toMatch(/^k6_http_req_failed_rate\{testid="live-1",.*\} 0$/m);
    expect(scraped).toMatch(/^k6_vus\{testid="live-1".*\} \d+$/m);
    const p99 = /^k6_http_req_duration_p99\{testid="live-1",[^}]*\} ([\d.e-]+)$/m.exec(scraped);
    expect(Number(p99?.[1])).toBeGreaterThan(0);
    expect(Number(p99?.[1])).toBeLessThan(1); // seconds, not milliseconds
    expect(scraped).not.toMatch(/url="/);
    cleanup(out);
  });
});
