import { describe, expect, it } from 'vitest';
import { parseServerSamples } from './run-folder.ts';
import { counterIncreases, failedScrapes, serverSeries } from './server.ts';

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('server samples', () => {
  const samples = parseServerSamples(
    [
      line({ t: '2026-11-28T09:15:00Z', second: 0, 'mpaspor_booking_attempts_total.booked': 100, gauge: 5 }),
      line({ t: '2026-11-28T09:15:01Z', second: 1, error: 'status 503' }),
      line({
        t: '2026-11-28T09:15:02Z',
        second: 2,
        'mpaspor_booking_attempts_total.booked': 160,
        'mpaspor_booking_attempts_total.error': 4,
        nodejs_eventloop_lag_p99_seconds: 0.25,
        gauge: 9,
      }),
    ].join('\n'),
  );

  it('reports how much each counter grew between the first and last good sample, not gauges', () => {
    expect([...counterIncreases(samples)]).toEqual([
      ['mpaspor_booking_attempts_total.booked', 60],
      ['mpaspor_booking_attempts_total.error', 4],
    ]);
  });

  it('leaves out a counter that went down (the target restarted) rather than showing a negative increase', () => {
    const restarted = parseServerSamples(
      [line({ second: 0, x_total: 50 }), line({ second: 1, x_total: 3 })].join('\n'),
    );
    expect(counterIncreases(restarted).size).toBe(0);
  });

  it('counts failed scrapes and scales a series to milliseconds', () => {
    expect(failedScrapes(samples)).toBe(1);
    expect(serverSeries(samples, 'nodejs_eventloop_lag_p99_seconds', 1000)).toEqual([{ x: 2, y: 250 }]);
  });
});
