// The summary of a real run: valid against the k6 summary JSON schema kept in schema/, with the
// script's summaryTrendStats, its groups and checks, and the async handleSummary's files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, type RunnerOutcome, runK6, startServer } from './helpers.ts';

const schema = JSON.parse(
  readFileSync(new URL('../schema/summary.schema.json', import.meta.url), 'utf8'),
) as object;

let server: FixtureServer;
let out: RunnerOutcome;
beforeAll(async () => {
  server = await startServer();
  out = await runK6('summary.ts', ['-e', `BASE_URL=${server.base}`]);
});
afterAll(async () => {
  cleanup(out);
  await server.close();
});

describe('summary of a real run', () => {
  it('validates against the k6 summary schema', () => {
    expect(out.code).toBe(0);
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const valid = validate(out.summary);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema rejects what is not the k6 shape', () => {
    const validate = new Ajv().compile(schema);
    const broken = structuredClone(out.summary) as unknown as {
      metrics: Record<string, { values: unknown }>;
    };
    (broken.metrics.http_reqs as { values: unknown }).values = { passes: 1 };
    expect(validate(broken)).toBe(false);
  });

  it("honours the script's summaryTrendStats for every trend", () => {
    const trend = out.summary?.metrics.http_req_duration;
    expect(Object.keys(trend?.values ?? {})).toEqual(['avg', 'p(50)', 'p(99)', 'p(99.9)', 'count']);
    expect(trend?.values.count).toBe(36);
    expect(out.summary?.options.summaryTrendStats).toEqual(['avg', 'p(50)', 'p(99)', 'p(99.9)', 'count']);
    expect(out.summary?.metrics.custom_wait?.contains).toBe('time');
  });

  it('counts every metric type and honours the response callback for http_req_failed', () => {
    const m = out.summary?.metrics ?? {};
    expect(m.custom_hits?.values.count).toBe(12);
    expect(m.custom_good?.values).toEqual({ rate: 1, passes: 12, fails: 0 });
    expect(m.custom_level?.values.max).toBeLessThanOrEqual(3);
    // 200 and 404 are expected by the callback, 503 is not: 12 of 36 failed
    expect(m.http_req_failed?.values).toMatchObject({ passes: 12, fails: 24 });
    expect(m['http_req_duration{expected_response:true}']?.values.count).toBe(24);
    expect(m.http_reqs?.values.count).toBe(36);
    expect(m.iterations?.values.count).toBe(12);
    expect(m.data_received?.values.count).toBeGreaterThan(36 * 40);
  });

  it('nests groups and counts check passes and fails', () => {
    const booking = out.summary?.root_group.groups.find((g) => g.name === 'booking');
    const pay = booking?.groups.find((g) => g.name === 'pay');
    expect(pay?.path).toBe('::booking::pay');
    expect(pay?.checks.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['hello is 200', 12, 0],
      ['never 503', 0, 12],
    ]);
    expect(out.summary?.metrics.checks?.values).toEqual({ rate: 0.5, passes: 12, fails: 12 });
  });

  it('runs an async handleSummary: its outputs replace the default summary', () => {
    expect(out.stdout).toMatch(/^custom summary with \d+ metrics\n$/);
    const written = JSON.parse(readFileSync(join(out.dir, 'from-handle-summary.json'), 'utf8')) as {
      metrics: object;
    };
    expect(Object.keys(written.metrics)).toEqual(Object.keys(out.summary?.metrics ?? {}));
  });
});
