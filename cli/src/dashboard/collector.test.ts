// The live page's pure parts: seconds folded from samples, the alerts board, the frame's charts and the
// --dashboard flag.

import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../run-options.ts';
import { AlertBoard } from './alerts.ts';
import { errorClass, LiveCollector, percentile, seatsLeftOf } from './collector.ts';
import { buildFrame } from './frame.ts';
import { DEFAULT_DASHBOARD_PORT, dashboardPort } from './options.ts';

const req = (status: number, step = 'availability') => ({ status: String(status), step });

describe('LiveCollector', () => {
  it('folds one second of samples into requests, errors by class and booking percentiles', () => {
    const c = new LiveCollector();
    for (const status of [200, 201, 409, 404, 429, 503, 500, 502, 0, 0])
      c.sample('http_reqs', 1, req(status));
    for (let ms = 1; ms <= 100; ms++) c.sample('http_req_duration', ms, req(201, 'book'));
    c.sample('http_req_duration', 5_000, req(200, 'availability')); // not a booking: not in the SLO line
    c.sample('iterations', 1, {});
    c.sample('vus', 7, {});
    const s = c.flush();
    expect(s.second).toBe(0);
    expect(s.requests).toBe(10);
    expect(s.iterations).toBe(1);
    expect(s.errors).toEqual({ serverError: 2, noAnswer: 2, shed: 2, client: 1 });
    expect(s.booking?.count).toBe(100);
    expect(s.booking?.p50).toBeCloseTo(50.5, 5);
    expect(s.booking?.p95).toBeCloseTo(95.05, 5);
    expect(s.booking?.p99).toBeCloseTo(99.01, 5);
    expect(s.vus).toBe(7);
  });

  it('starts each second from zero but carries the levels (VUs, seats) over', () => {
    const c = new LiveCollector();
    c.sample('http_reqs', 1, req(200));
    c.sample('vus', 3, {});
    c.server(JSON.stringify({ second: 0, mpaspor_slot_capacity: 30, mpaspor_slot_taken: 12 }));
    c.flush();
    const next = c.flush();
    expect(next).toMatchObject({ second: 1, requests: 0, booking: null, vus: 3, seatsLeft: 18 });
    c.server(JSON.stringify({ second: 2, error: 'timeout' }));
    expect(c.flush().seatsLeft, 'a failed scrape is a gap, not the old value').toBeNull();
    expect(c.history.map((p) => p.second)).toEqual([0, 1, 2]);
  });

  it('classes statuses as the report does: 409 is a correct answer, 503 is shed', () => {
    expect([200, 302, 409, 400, 404, 429, 503, 500, 504, 0].map(errorClass)).toEqual([
      null,
      null,
      null,
      'client',
      'client',
      'shed',
      'shed',
      'serverError',
      'serverError',
      'noAnswer',
    ]);
  });

  it('percentile interpolates between ranks and reads seats from a scrape line', () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([10], 99)).toBe(10);
    expect(percentile([0, 10], 50)).toBe(5);
    expect(seatsLeftOf('not json')).toBeNull();
    expect(seatsLeftOf(JSON.stringify({ mpaspor_slot_capacity: 5 }))).toBeNull();
    expect(seatsLeftOf(JSON.stringify({ mpaspor_slot_capacity: 5, mpaspor_slot_taken: 7 }))).toBe(0);
  });
});

describe('AlertBoard', () => {
  it('keeps when an alert went pending, marks it firing, and resolved once Prometheus no longer lists it', () => {
    const board = new AlertBoard();
    const labels = { alertname: 'InvariantViolation', invariant: 'slot-over-capacity' };
    const t0 = '2026-12-02T10:00:00Z';
    expect(board.update([{ labels, state: 'pending', activeAt: t0 }])).toEqual([
      {
        name: 'InvariantViolation',
        labels: { invariant: 'slot-over-capacity' },
        state: 'pending',
        since: t0,
      },
    ]);
    const other = { labels: { alertname: 'LatencyBurnFast' }, state: 'pending', activeAt: t0 };
    const firing = board.update([{ labels, state: 'firing', activeAt: t0 }, other]);
    expect(firing.map((a) => [a.name, a.state])).toEqual([
      ['InvariantViolation', 'firing'],
      ['LatencyBurnFast', 'pending'],
    ]);
    const gone = board.update([other], new Date('2026-12-02T10:01:00Z'));
    expect(gone.map((a) => [a.name, a.state, a.resolvedAt])).toEqual([
      ['LatencyBurnFast', 'pending', undefined],
      ['InvariantViolation', 'resolved', '2026-12-02T10:01:00.000Z'],
    ]);
  });
});

describe('buildFrame', () => {
  it('draws a point per second and the booking latency against the SLO lines of slo.ts', () => {
    const c = new LiveCollector();
    for (let second = 0; second < 4; second++) {
      c.sample('http_reqs', 1, req(201, 'book'));
      c.sample('http_req_duration', 100 + second, req(201, 'book'));
      c.sample('vus', 2, {});
      c.flush();
    }
    const frame = buildFrame({
      title: 'smoke · hardened',
      state: 'running',
      note: '',
      history: c.history,
      progress: { elapsedMs: 4_000, totalMs: 10_000 },
      alerts: { watched: false, alerts: [], problem: null },
      end: null,
    });
    const chart = (id: string) => frame.charts.find((x) => x.id === id)?.svg ?? '';
    const points = (svg: string) => Number(/data-points="(\d+)"/.exec(svg)?.[1]);
    expect(points(chart('latency'))).toBe(12); // p50, p95, p99 for 4 seconds
    expect(points(chart('rate'))).toBe(8); // requests and iterations
    expect(points(chart('seats')), 'no scrape yet').toBe(0);
    expect(chart('latency')).toContain(`SLO p95 ${SLO_TARGETS.latencyP95Ms} ms`);
    expect(chart('latency')).toContain(`SLO p99 ${SLO_TARGETS.latencyP99Ms} ms`);
    const figure = (id: string) => frame.figures.find((f) => f.id === id)?.value;
    expect(figure('requests')).toBe('4');
    expect(figure('p95')).toBe('103 ms');
    expect(figure('elapsed')).toBe('4 s of 10 s');
    expect(figure('seats')).toBe('-');
  });
});

describe('dashboardPort', () => {
  it("is off without the flag, k6's port when bare, and the given port otherwise", () => {
    expect(dashboardPort(undefined, 'embedded')).toBeUndefined();
    expect(dashboardPort(true, 'embedded')).toBe(DEFAULT_DASHBOARD_PORT);
    expect(dashboardPort('0', 'embedded')).toBe(0);
    expect(dashboardPort('8099', 'embedded')).toBe(8099);
  });

  it('refuses a word or an impossible port, and the k6 engine, in one line', () => {
    for (const bad of ['smoke', '70000', '-1', '80.5']) {
      expect(() => dashboardPort(bad, 'embedded')).toThrow(UsageError);
    }
    expect(() => dashboardPort('smoke', 'embedded')).toThrow(/put the scenario before the flag/);
    expect(() => dashboardPort(true, 'k6')).toThrow(/K6_WEB_DASHBOARD=true/);
  });
});
