import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, startServerSampler, summariseScrape } from './server-samples.ts';

const exposition = `# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.
# TYPE nodejs_eventloop_lag_p99_seconds gauge
nodejs_eventloop_lag_p99_seconds 0.012
mpaspor_slot_taken{office="kanim-batam"} 30
mpaspor_slot_taken{office="kanim-depok"} 5
mpaspor_booking_attempts_total{office="kanim-batam",outcome="booked"} 30
mpaspor_booking_attempts_total{office="kanim-batam",outcome="quota_exhausted"} 270
mpaspor_billing_request_duration_seconds_bucket{le="0.5"} 4
http_server_request_duration_seconds_count{method="POST",route="/v1/bookings",status_code="409"} 270
nodejs_gc_duration_seconds_sum{kind="minor"} 0.3
db_pool_waiting{name="main \\"pool\\""} +Inf
`;

describe('server samples', () => {
  it('parses the exposition format with labels and escapes', () => {
    const samples = parsePrometheusText(exposition);
    expect(samples).toContainEqual({
      name: 'mpaspor_slot_taken',
      labels: { office: 'kanim-depok' },
      value: 5,
    });
    expect(samples.find((s) => s.name === 'db_pool_waiting')).toEqual({
      name: 'db_pool_waiting',
      labels: { name: 'main "pool"' },
      value: Number.POSITIVE_INFINITY,
    });
  });

  it('keeps the families that tell the server state, summed over offices and split by outcome', () => {
    expect(summariseScrape(parsePrometheusText(exposition))).toEqual({
      nodejs_eventloop_lag_p99_seconds: 0.012,
      mpaspor_slot_taken: 35,
      'mpaspor_booking_attempts_total.booked': 30,
      'mpaspor_booking_attempts_total.quota_exhausted': 270,
      'http_server_request_duration_seconds_count.409': 270,
    });
  });

  it('scrapes a live endpoint every interval and records a failed scrape as a line with the error', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls += 1;
      if (calls === 2) res.writeHead(500).end('boom');
      else res.end('mpaspor_payment_codes_pending 7\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const lines: string[] = [];
    const sampler = startServerSampler(`http://127.0.0.1:${port}/metrics`, (l) => lines.push(l), 100);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await sampler.stop();
    await new Promise((resolve) => server.close(resolve));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.length).toBeGreaterThanOrEqual(3);
    expect(parsed[0]).toMatchObject({ second: 0, mpaspor_payment_codes_pending: 7 });
    expect(parsed[1]).toMatchObject({ error: 'status 500' });
  });
});
