// Several scenarios in one test: ramping-vus up and down, startTime, exec, per-scenario env and tags,
// and the k6/execution fields an iteration reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('scenarios', () => {
  it('runs ramping-vus and a delayed per-vu-iterations scenario with its exec, env and execution info', async () => {
    const out = await runK6('scenarios.ts', ['-e', `BASE_URL=${server.base}`, '--out', 'json=/dev/null']);
    expect(out.code).toBe(0);
    const seen = JSON.parse(readFileSync(join(out.dir, 'seen.json'), 'utf8')) as Array<
      Record<string, unknown>
    >;
    expect(seen).toHaveLength(6); // 2 VUs x 3 iterations
    for (const s of seen) {
      expect(s).toMatchObject({ scenario: 'later', executor: 'per-vu-iterations', flavour: 'later' });
      expect(s.sinceStart as number).toBeGreaterThanOrEqual(450); // startTime 500ms
      expect(s.iter).toBe(s.iterationInScenario);
    }
    const perVu = new Map<unknown, number[]>();
    for (const s of seen) perVu.set(s.vu, [...(perVu.get(s.vu) ?? []), s.iter as number]);
    expect([...perVu.values()].map((iters) => iters.sort())).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    const m = out.summary?.metrics ?? {};
    expect(m.vus_max?.values.max).toBe(6); // 4 ramping + 2
    expect(m.iterations?.values.count).toBeGreaterThan(6 + 10); // the ramp did iterations too
    cleanup(out);
  });
});
