import { describe, expect, it } from 'vitest';
import { K6PointFolder } from './k6-fold.ts';

const point = (metric: string, time: string, value: number, scenario = 'rush') =>
  JSON.stringify({ type: 'Point', metric, data: { time, value, tags: { scenario } } });
const declare = (metric: string, type: string) =>
  JSON.stringify({ type: 'Metric', metric, data: { name: metric, type } });

describe('K6PointFolder', () => {
  it('folds k6 JSON points into one line per second per metric, per scenario and across scenarios', () => {
    const folder = new K6PointFolder();
    folder.add(declare('http_reqs', 'counter'));
    folder.add(declare('http_req_failed', 'rate'));
    folder.add(declare('http_req_duration', 'trend'));
    folder.add(declare('vus', 'gauge'));
    for (let i = 1; i <= 100; i++) folder.add(point('http_req_duration', '2026-11-28T10:00:00.500Z', i));
    folder.add(point('http_reqs', '2026-11-28T10:00:00.100Z', 1));
    folder.add(point('http_reqs', '2026-11-28T10:00:00.900Z', 1, 'pollers'));
    folder.add(point('http_req_failed', '2026-11-28T10:00:01.100Z', 1));
    folder.add(point('http_req_failed', '2026-11-28T10:00:01.200Z', 0));
    folder.add(point('vus', '2026-11-28T10:00:01.000Z', 3));
    folder.add(point('vus', '2026-11-28T10:00:01.900Z', 5));
    folder.add('{"type":"Point","metric":"http_reqs","data":{"ti'); // torn last line

    const lines = folder.lines();
    const find = (metric: string, second: number, scenario: string | null = null) =>
      lines.find((l) => l.metric === metric && l.second === second && l.scenario === scenario);
    expect(find('http_reqs', 0)).toMatchObject({
      count: 2,
      rate: 2,
      time: '2026-11-28T10:00:00.000Z',
      type: 'counter',
    });
    expect(find('http_reqs', 0, 'pollers')).toMatchObject({ count: 1 });
    const duration = find('http_req_duration', 0, 'rush');
    expect(duration).toMatchObject({ count: 100, avg: 50.5, max: 100 });
    expect(duration?.p95).toBeCloseTo(95, 1);
    expect(duration?.p99).toBeCloseTo(99, 1);
    expect(find('http_req_failed', 1)).toMatchObject({ passes: 1, fails: 1, rate: 0.5 });
    expect(find('vus', 1)).toMatchObject({ value: 5 });
  });
});
