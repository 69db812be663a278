// `npm run bench:report`: how long the report takes for a long, busy run. A run folder of 30 minutes
// at 1,000 requests/s is generated the way the embedded runner writes one (19 metrics a second, each
// as one all-scenario line and one per scenario: 102,600 lines of timeseries.ndjson; one server sample
// a second), then report.html, report.md and report.json are rendered from it BENCH_REPEAT times (3).
// Wall time and the process's CPU time are printed: wall time on a shared machine drifts, CPU less so.
// The PDF (Chromium) is timed apart, once, when /usr/bin/chromium exists. Goal: under 2 s.
//   BENCH_SECONDS (1800), BENCH_RATE (1000)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReports } from '@paspor-lab/reports';
import { chromiumAvailable } from '@paspor-lab/reports/pdf';
import { invariantsJson, k6Summary, runJson } from '@paspor-lab/reports/testing';

const seconds = Number(process.env.BENCH_SECONDS ?? '1800');
const rate = Number(process.env.BENCH_RATE ?? '1000');
const repeat = Number(process.env.BENCH_REPEAT ?? '3');
const GOAL_MS = 2_000;

const TRENDS = [
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_receiving',
  'http_req_sending',
  'http_req_tls_handshaking',
  'http_req_waiting',
  'iteration_duration',
  'payment_code_wait',
];
const COUNTERS = ['http_reqs', 'iterations', 'data_received', 'data_sent', 'seats_held', 'quota_exhausted'];
const RATES = ['http_req_failed', 'checks', 'payment_code_within_slo'];
const GAUGES = ['vus'];

function timeseries(): string {
  const lines: string[] = [];
  const start = Date.parse('2026-12-02T08:00:00.000Z');
  for (let s = 0; s < seconds; s++) {
    const time = new Date(start + (s + 1) * 1000).toISOString();
    const wave = 1 + 0.3 * Math.sin(s / 40);
    for (const [scenario, share] of [
      [null, 1],
      ['rush', 0.8],
      ['pollers', 0.2],
    ] as const) {
      const count = Math.round(rate * share * wave);
      const base = { time, second: s, scenario };
      for (const metric of TRENDS) {
        const p = 40 + 30 * Math.sin(s / 17) + (metric === 'payment_code_wait' ? 900 : 0);
        lines.push(
          JSON.stringify({
            ...base,
            metric,
            type: 'trend',
            count,
            avg: p,
            min: 1,
            max: p * 5,
            p50: p * 0.7,
            p90: p * 1.6,
            p95: p * 2,
            p99: p * 3.1,
          }),
        );
      }
      for (const metric of COUNTERS)
        lines.push(JSON.stringify({ ...base, metric, type: 'counter', count, rate: count }));
      for (const metric of RATES) {
        const fails = Math.round(count * 0.001);
        lines.push(
          JSON.stringify({
            ...base,
            metric,
            type: 'rate',
            rate: fails / count,
            passes: fails,
            fails: count - fails,
          }),
        );
      }
      for (const metric of GAUGES)
        lines.push(JSON.stringify({ ...base, metric, type: 'gauge', value: 200, min: 0, max: 400 }));
    }
  }
  return `${lines.join('\n')}\n`;
}

function server(): string {
  const lines: string[] = [];
  let booked = 0;
  let exhausted = 0;
  for (let s = 0; s < seconds; s++) {
    booked += Math.round(rate * 0.05);
    exhausted += Math.round(rate * 0.2);
    lines.push(
      JSON.stringify({
        t: new Date(Date.parse('2026-12-02T08:00:00.000Z') + s * 1000).toISOString(),
        second: s,
        nodejs_eventloop_lag_p99_seconds: 0.012 + (s % 60) / 10_000,
        process_resident_memory_bytes: 300_000_000,
        'mpaspor_booking_attempts_total.booked': booked,
        'mpaspor_booking_attempts_total.quota_exhausted': exhausted,
        'http_server_request_duration_seconds_count.201': booked,
        'http_server_request_duration_seconds_count.409': exhausted,
        'http_server_request_duration_seconds_count.503': Math.floor(s / 10),
        mpaspor_slot_taken: booked,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'paspor-bench-report-'));
try {
  const series = timeseries();
  writeFileSync(join(dir, 'timeseries.ndjson'), series);
  writeFileSync(join(dir, 'server.ndjson'), server());
  const summary = k6Summary('hardened');
  summary.state.testRunDurationMs = seconds * 1000;
  summary.metrics.http_reqs.values = { count: seconds * rate, rate };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(runJson('hardened', 'bench-30min-1000rps')));
  writeFileSync(join(dir, 'invariants.json'), JSON.stringify(invariantsJson('hardened')));
  const lines = series.split('\n').length - 1;
  console.log(
    `run folder: ${seconds} s at ${rate} requests/s: ${lines.toLocaleString('en-US')} timeseries lines (${(series.length / 2 ** 20).toFixed(1)} MiB), ${seconds} server samples`,
  );
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await renderReports(dir, { formats: ['html', 'md', 'json'] });
    walls.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  const best = Math.min(...walls);
  console.log(
    `report.html+md+json: wall ${walls.map((w) => w.toFixed(0)).join(', ')} ms (best ${best.toFixed(0)} ms); CPU ${cpus.map((c) => c.toFixed(0)).join(', ')} ms; load average ${loadavg()[0]?.toFixed(2)} on a shared machine`,
  );
  if (await chromiumAvailable()) {
    const t0 = performance.now();
    await renderReports(dir, { formats: ['pdf'] });
    console.log(
      `report.pdf alone (headless Chromium start included): wall ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }
  const ok = best < GOAL_MS;
  console.log(
    ok ? `PASS: under ${GOAL_MS} ms` : `FAIL: ${best.toFixed(0)} ms is over the ${GOAL_MS} ms goal`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
