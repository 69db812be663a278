// Acceptance 4 (timing part): an abortOnFail threshold stops the test within about 2 s of the breach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('abortOnFail', () => {
  it('stops a 30 s test at the first judgement after the breach (3 s), exit 99, teardown runs', async () => {
    const out = await runK6('abort-on-fail.ts', [
      '-e',
      `BASE_URL=${server.base}`,
      '-e',
      'BREACH_AT_MS=3000',
      '-e',
      'MARK=aof',
    ]);
    expect(out.code).toBe(99);
    expect(out.summary?.metrics.http_req_failed?.thresholds).toEqual({ 'rate<0.05': { ok: false } });
    const ran = out.summary?.state.testRunDurationMs ?? 0;
    expect(ran).toBeGreaterThan(3000);
    expect(ran).toBeLessThan(3000 + 2500);
    expect(await server.marks()).toContain('teardown-aof');
    cleanup(out);
  });
});
