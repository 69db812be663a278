// Acceptance 4 of issue 13: a runner that cannot keep its schedule says so. Saturated (a CPU-bound
// process beside it and an arrival rate whose iterations need more CPU than it gets), the summary is
// marked (state.runnerHealth.saturated), one warning is printed, and the latency from the scheduled
// start (http_req_duration_corrected) shows the queueing the raw figure hides. A run it can keep is not
// marked. The reports read the mark from the same summary: the saturated run's report says its latency
// figures are not trustworthy, the normal run's says nothing (reports/src/runner-health.ts; the rendering
// itself is tested from a fixture in reports/src/runner-health.test.ts). Timing-sensitive: run alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { saturationNotesOfSummary } from '@paspor-lab/reports/runner-health';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** What the report of a run with this summary says of the load generator (English). */
const reportNotesOf = saturationNotesOfSummary;

describe('runner health', () => {
  it('a rate the runner keeps is not marked, and its start lag and corrected latency are reported', async () => {
    const out = await runK6('health.ts', ['-e', `BASE_URL=${server.base}`, '-e', 'MODE=normal']);
    expect(out.code).toBe(0);
    const health = out.summary?.state.runnerHealth;
    console.log('normal', JSON.stringify(health));
    expect(health?.saturated).toBe(false);
    expect(health?.reason).toBeNull();
    expect(out.stderr).not.toMatch(/saturated/);
    expect(reportNotesOf(out.summary)).toEqual([]);
    const metrics = out.summary?.metrics ?? {};
    expect(metrics.iterations?.values.count).toBe(60);
    // Reported beside the raw figures: the trends exist and the corrected latency is never below the raw.
    expect(metrics.runner_iteration_start_lag?.values['p(95)']).toBeGreaterThanOrEqual(0);
    expect(metrics.runner_event_loop_lag?.values['p(95)']).toBeGreaterThanOrEqual(0);
    expect(metrics.http_req_duration_corrected?.values.min).toBeGreaterThanOrEqual(
      metrics.http_req_duration?.values.min ?? Number.POSITIVE_INFINITY,
    );
    cleanup(out);
  });

  it('a runner that cannot start iterations on time beside a CPU hog marks the summary and warns once', async () => {
    // One busy process per core: the runner gets at most a share of one.
    const hogs: ChildProcess[] = [0, 1].map(() =>
      spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
    );
    try {
      const out = await runK6('health.ts', ['-e', `BASE_URL=${server.base}`, '-e', 'MODE=saturate']);
      const health = out.summary?.state.runnerHealth;
      console.log('saturated', JSON.stringify(health));
      expect(health?.saturated).toBe(true);
      expect(health?.reason).toMatch(/iteration start lag p95 \d+ ms > 100 ms/);
      expect(out.stderr.match(/WARN the runner is saturated/g)).toHaveLength(1);
      // From the schedule, the same requests took far longer than their raw durations say.
      const raw = out.summary?.metrics.http_req_duration?.values['p(95)'] ?? 0;
      const corrected = out.summary?.metrics.http_req_duration_corrected?.values['p(95)'] ?? 0;
      expect(corrected).toBeGreaterThan(raw + 50);
      const notes = reportNotesOf(out.summary);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(
        /^The load generator was saturated during this run \(event-loop lag p99 [\d,]+ ms and iterations started p95 [\d,]+ ms behind schedule\), .* not trustworthy\.$/,
      );
      cleanup(out);
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
  });
});
