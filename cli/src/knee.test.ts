import { describe, expect, it } from 'vitest';
import { findKnee } from './knee.ts';

const line = (second: number, metric: string, fields: Record<string, number>) =>
  JSON.stringify({ second, metric, scenario: 'ramp', ...fields });

describe('findKnee', () => {
  const ramp = { startRate: 10, maxRate: 110, rampS: 10 };

  it('is the offered rate at the first busy second where p95 passes 500 ms or failures pass 0.5%', () => {
    const series = [
      line(3, 'http_reqs', { count: 100 }),
      line(3, 'http_req_duration', { p95: 80 }),
      line(3, 'http_req_failed', { rate: 0 }),
      line(4, 'http_reqs', { count: 5 }),
      line(4, 'http_req_duration', { p95: 900 }), // too few requests to count
      line(5, 'http_reqs', { count: 200 }),
      line(5, 'http_req_duration', { p95: 120 }),
      line(5, 'http_req_failed', { rate: 0.02 }),
    ].join('\n');
    expect(findKnee(series, ramp)).toEqual({
      ratePerSec: 30,
      atSecond: 2,
      reason: '2.0% of requests failed',
    });
  });

  it('is null when no SLO broke during the ramp', () => {
    expect(findKnee(line(1, 'http_req_duration', { p95: 10 }), ramp)).toBeNull();
  });
});
