// Acceptance 2: against a server that answers after 50 ms, the runner measures 50 ms: p50 and p95 of
// http_req_duration within 2 ms, and nearly all of it http_req_waiting.
//
// Within 2 ms of what? Not of the server's hold alone: on this machine (a microVM where waking a process
// costs 50-150 µs of CPU, and a Node process more), every response reaches a client that has slept for
// 50 ms, and that wake-up lands on any client's measurement. So the yardstick is the leanest client Node
// allows (fixtures/reference-client.ts: raw sockets, no parser), run against the same server with the
// same connection count, over the same seconds.
//
// "The same seconds" is the point of the method. The first version started the reference client once
// the runner's first request arrived and compared whole runs: the reference's own boot (a Node process
// taking a core for 100-300 ms) then landed inside the runner's window, as did the runner's cold first
// iterations, while the reference measured neither. Measured on 2 Dec over 7 paired runs, the runner's
// samples during the reference's boot had a p50 1.4-20 ms above its own steady state, in every run;
// with ~20 such samples in ~400 they sit right at p95, the CI failure (p95 2.25 ms over). Now the
// reference boots and warms first, the runner warms up in a scenario of its own, and the reference's
// samples are kept only inside the span the server saw the runner's measured requests arrive.
//
// And enough samples that p95 is a figure, not a draw. With a 4 s measured phase (~300 requests per
// client, so p95 is the 15th-slowest) three runs on 2 Dec at load average 17 differed from the reference
// by +0.6/+0.6, -0.1/-2.2 and +0.3/+1.2 ms (p50/p95): the tail here is the scheduler's (17 runnable
// processes on 2 cores), and whichever client a few late wake-ups happened to land on moved its p95 by
// 2 ms either way; the failing run had the runner 2.2 ms *faster*. With 12 s (~915 each), three runs at
// load average 19-24: +0.1/-0.1, +0.4/-0.3, -0.0/+0.2 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, percentiles, runK6, startReference, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('latency accuracy', () => {
  it('http_req_duration p50 and p95 are within 2 ms of what the leanest client measures of a 50 ms answer over the same seconds, carried by http_req_waiting', async () => {
    const client = await startReference(`${server.base}/delay?ms=50&by=reference`, 4);
    let samples: Array<[number, number]>;
    let out: Awaited<ReturnType<typeof runK6>>;
    try {
      out = await runK6('latency.ts', ['-e', `BASE_URL=${server.base}`]);
    } finally {
      samples = await client.stop();
    }
    expect(out.code).toBe(0);
    const held = await server.holds();
    const heldForReference = await server.holds('reference');
    const from = held.from ?? 0;
    const to = held.to ?? 0;
    const reference = percentiles(samples.filter(([at]) => at >= from && at <= to).map(([, d]) => d));
    const metrics = out.summary?.metrics ?? {};
    const duration = metrics['http_req_duration{scenario:measured}']?.values ?? {};
    const waiting = metrics['http_req_waiting{scenario:measured}']?.values ?? {};
    const count = metrics['http_reqs{scenario:measured}']?.values.count ?? 0;
    console.log('latency', JSON.stringify({ held, heldForReference, reference, duration }));
    expect(count).toBeGreaterThan(150);
    expect(held.count).toBe(count);
    expect(reference.count).toBeGreaterThan(150);
    expect(heldForReference.count).toBe(samples.length);
    expect(held.p50).toBeGreaterThanOrEqual(50);
    // Never less than the server held, never more than 2 ms over the leanest client.
    expect(duration.med ?? 0).toBeGreaterThanOrEqual(held.p50);
    expect(Math.abs((duration.med ?? 0) - reference.p50)).toBeLessThanOrEqual(2);
    expect(Math.abs((duration['p(95)'] ?? 0) - reference.p95)).toBeLessThanOrEqual(2);
    expect((waiting.avg ?? 0) / (duration.avg ?? 1)).toBeGreaterThan(0.97);
    cleanup(out);
  });
});
