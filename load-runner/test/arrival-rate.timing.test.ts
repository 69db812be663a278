// Acceptance 1 and 3: open-model arrival rates keep their schedule, and starts that find no free VU
// are counted as dropped_iterations (and only in the open model).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

describe('arrival-rate fidelity', () => {
  it('constant-arrival-rate 500/s for 10 s starts 5,000 iterations (0.5%), start gaps p99 jitter < 5 ms', async () => {
    const out = await runK6('arrival.ts', ['-e', `BASE_URL=${server.base}`, '-e', 'MODE=constant']);
    expect(out.code).toBe(0);
    const starts = JSON.parse(readFileSync(join(out.dir, 'starts.json'), 'utf8')) as number[];
    expect(Math.abs(starts.length - 5000)).toBeLessThanOrEqual(25);
    expect(starts.length + (out.summary?.metrics.dropped_iterations?.values.count ?? 0)).toBe(5000);
    const jitter = starts.slice(1).map((t, i) => Math.abs(t - (starts[i] as number) - 2));
    expect(percentile(jitter, 99)).toBeLessThan(5);
    cleanup(out);
  });

  it('ramping-arrival-rate 0 -> 400/s over 10 s starts 2,000 iterations (1%)', async () => {
    const out = await runK6('arrival.ts', ['-e', `BASE_URL=${server.base}`, '-e', 'MODE=ramping']);
    expect(out.code).toBe(0);
    const starts = JSON.parse(readFileSync(join(out.dir, 'starts.json'), 'utf8')) as number[];
    expect({ starts: starts.length, iterations: out.summary?.metrics.iterations?.values.count }).toEqual({
      starts: 2000,
      iterations: 2000,
    });
    expect(Math.abs(starts.length - 2000)).toBeLessThanOrEqual(20);
    // the ramp is quadratic in time: half the starts come in the last 2.93 s (sqrt(0.5) of 10 s)
    const t0 = starts[0] as number;
    const late = starts.filter((t) => t - t0 >= 7071).length;
    expect(late / starts.length).toBeGreaterThan(0.45);
    expect(late / starts.length).toBeLessThan(0.55);
    cleanup(out);
  });
});

describe('open versus closed model against a slow endpoint', () => {
  it('counts in dropped_iterations every start the 2 VUs could not take; started + dropped = scheduled', async () => {
    const out = await runK6('dropped.ts', ['-e', `BASE_URL=${server.base}`]);
    expect(out.code).toBe(0);
    const started = out.summary?.metrics.iterations?.values.count ?? 0;
    const dropped = out.summary?.metrics.dropped_iterations?.values.count ?? 0;
    expect(started + dropped).toBe(120);
    // 2 VUs x 3 s / 0.2 s = 30 at most could start
    expect(started).toBeLessThanOrEqual(32);
    expect(dropped).toBeGreaterThanOrEqual(88);
    cleanup(out);
  });

  it('drops nothing with a closed-model executor on the same endpoint', async () => {
    const out = await runK6('dropped.ts', ['-e', `BASE_URL=${server.base}`, '-e', 'MODE=closed']);
    expect(out.code).toBe(0);
    expect(out.summary?.metrics.dropped_iterations?.values.count ?? 0).toBe(0);
    expect(out.summary?.metrics.iterations?.values.count).toBeGreaterThanOrEqual(20);
    cleanup(out);
  });
});
