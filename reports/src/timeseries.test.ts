import { describe, expect, it } from 'vitest';
import { errorRateSeries, latencySeries, parseTimeseries, requestRateSeries } from './timeseries.ts';

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('timeseries', () => {
  it('skips a torn last line and lines without a metric', () => {
    const text = [
      line({ second: 0, metric: 'http_reqs', count: 10 }),
      line({ second: 1, count: 3 }),
      '{"second": 1, "metric": "http_re',
    ].join('\n');
    expect(parseTimeseries(text)).toHaveLength(1);
  });

  it('derives the second from the timestamp when a line has none (k6 --out json folded)', () => {
    const text = [
      line({ t: '2026-11-28T09:15:00.200Z', metric: 'http_reqs', count: 5 }),
      line({ t: '2026-11-28T09:15:02.900Z', metric: 'http_reqs', count: 7 }),
    ].join('\n');
    expect(requestRateSeries(parseTimeseries(text))).toEqual([
      { x: 0, y: 5 },
      { x: 2, y: 7 },
    ]);
  });

  it('sums request counts over scenarios and weights their percentiles and error rates by count', () => {
    const text = [
      line({ second: 0, metric: 'http_reqs', scenario: 'rush', count: 30 }),
      line({ second: 0, metric: 'http_reqs', scenario: 'poll', count: 10 }),
      line({
        second: 0,
        metric: 'http_req_duration',
        scenario: 'rush',
        count: 30,
        p50: 10,
        p95: 100,
        p99: 200,
      }),
      line({ second: 0, metric: 'http_req_duration', scenario: 'poll', count: 10, p50: 2, p95: 20, p99: 40 }),
      line({ second: 0, metric: 'http_req_failed', scenario: 'rush', count: 30, rate: 0.1 }),
      line({ second: 0, metric: 'http_req_failed', scenario: 'poll', count: 10, rate: 0 }),
    ].join('\n');
    const points = parseTimeseries(text);
    expect(requestRateSeries(points)).toEqual([{ x: 0, y: 40 }]);
    expect(latencySeries(points).p95).toEqual([{ x: 0, y: 80 }]);
    expect(errorRateSeries(points)[0]?.y).toBeCloseTo(0.075, 9);
  });

  it('uses the all-scenario line when the series has one besides the per-scenario lines', () => {
    const text = [
      line({ second: 3, metric: 'http_req_duration', count: 40, p95: 77 }),
      line({ second: 3, metric: 'http_req_duration', scenario: 'rush', count: 30, p95: 100 }),
    ].join('\n');
    expect(latencySeries(parseTimeseries(text)).p95).toEqual([{ x: 3, y: 77 }]);
  });
});
